// A conformance harness over a temp directory, with the file medium's faults: flipped bytes,
// a torn last record, an interrupted snapshot write. Also used by the crash test.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FRAME_HEADER_BYTES, frameRecords, readFrames } from '../../src/codec/frame.ts';
import { encodeTxn } from '../../src/codec/txn-codec.ts';
import { openFileStore, type FileStoreOptions } from '../../src/storage/file/index.ts';
import { encodeSnapshotFile } from '../../src/storage/file/snapshot-file.ts';
import { snapshotName } from '../../src/storage/file/names.ts';
import type { StorageHarness } from './conformance.ts';

export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'meshkeeper-store-'));

/** Log segment files, oldest first. */
export async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => /^log\.\d{10}$/.test(n)).sort();
}

/** Every logged record: file, frame offset, payload length. */
export async function loggedRecords(dir: string): Promise<{ file: string; offset: number; length: number }[]> {
  const out: { file: string; offset: number; length: number }[] = [];
  for (const name of await segmentFiles(dir)) {
    const file = join(dir, name);
    const scan = readFrames(new Uint8Array(await readFile(file)));
    scan.payloads.forEach((p, i) => out.push({ file, offset: scan.offsets[i]!, length: p.length }));
  }
  return out;
}

export async function fileHarness(options: FileStoreOptions = {}): Promise<StorageHarness> {
  const dir = await tempDir();
  return {
    open: () => openFileStore(dir, options),
    corruptLog: async (index) => {
      const record = (await loggedRecords(dir))[index]!;
      const bytes = await readFile(record.file);
      const at = record.offset + FRAME_HEADER_BYTES + (record.length >> 1);
      bytes[at] = bytes[at]! ^ 0x5a;
      await writeFile(record.file, bytes);
      // A CRC mismatch is reported at the start of the record's frame.
      return { where: record.file, offset: record.offset };
    },
    tearTail: async (batch) => {
      // The batch's frames written to the active (last) segment, cut inside the last record.
      const last = join(dir, (await segmentFiles(dir)).at(-1)!);
      const frames = frameRecords(batch.map((t) => encodeTxn(t)));
      const lastFrame = FRAME_HEADER_BYTES + encodeTxn(batch.at(-1)!).length;
      await writeFile(last, Buffer.concat([await readFile(last), frames.subarray(0, frames.length - (lastFrame >> 1))]));
    },
    interruptSnapshot: async (zxid, bytes) => {
      // What a crash in the middle of the atomic write leaves: half a temp file, never renamed.
      const whole = encodeSnapshotFile({ gen: 999_999, floor: 0, zxid }, bytes);
      await writeFile(join(dir, `${snapshotName(999_999, zxid)}.tmp`), whole.subarray(0, whole.length >> 1));
    },
    inspect: async () => ({
      snapshots: (await readdir(dir)).filter((n) => n.startsWith('snapshot.')).length,
      loggedTxns: (await loggedRecords(dir)).length,
    }),
    keepSnapshots: options.keepSnapshots ?? 3,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
