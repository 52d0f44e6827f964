// A conformance harness over a temp directory, with the file medium's faults: flipped bytes,
// a torn last record, an interrupted snapshot write. Also used by the crash test.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FRAME_HEADER_BYTES, readFrames } from '../../src/codec/frame.ts';
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
    corruptLog: async (where) => {
      const record = (await loggedRecords(dir))[where]!;
      const bytes = await readFile(record.file);
      const at = record.offset + FRAME_HEADER_BYTES + (record.length >> 1);
      bytes[at] = bytes[at]! ^ 0x5a;
      await writeFile(record.file, bytes);
    },
    tearTail: async () => {
      const record = (await loggedRecords(dir)).at(-1)!;
      const bytes = await readFile(record.file);
      await writeFile(record.file, bytes.subarray(0, record.offset + FRAME_HEADER_BYTES + (record.length >> 1)));
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
