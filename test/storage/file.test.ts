import { readdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_BYTES } from '../../src/codec/frame.ts';
import type { PersistOp } from '../../src/core/zab/durable.ts';
import { makeZxid } from '../../src/core/zxid.ts';
import { StorageCorruptError, type DurableStore } from '../../src/storage/durable-store.ts';
import { openFileStore } from '../../src/storage/file/index.ts';
import { runStorageConformance } from './conformance.ts';
import { fileHarness, loggedRecords, segmentFiles, tempDir } from './file-harness.ts';
import { sampleTxn, zxidRange } from './txn-arbitrary.ts';

runStorageConformance('file', () => fileHarness());
runStorageConformance('file with 1 KiB segments, keeping 2 snapshots', () => fileHarness({ segmentBytes: 1024, keepSnapshots: 2 }));

const txns = (from: number, to: number) => zxidRange(1, from, to).map((z) => sampleTxn(z));
const append = (from: number, to: number): PersistOp => ({ type: 'append', txns: txns(from, to) });

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await tempDir();
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function lifetime<T>(dir: string, body: (store: DurableStore) => Promise<T>, segmentBytes?: number): Promise<T> {
  const store = await openFileStore(dir, segmentBytes === undefined ? {} : { segmentBytes });
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

const loadFails = async (dir: string): Promise<StorageCorruptError> => {
  try {
    await lifetime(dir, (s) => s.load());
  } catch (e) {
    expect(e).toBeInstanceOf(StorageCorruptError);
    return e as StorageCorruptError;
  }
  throw new Error('load accepted a corrupt store');
};

describe('file store', () => {
  it('writes a batch of appends as one segment write: the records sit back to back in one file', async () => {
    await withDir(async (dir) => {
      await lifetime(dir, (s) => s.persist([append(1, 50)]));
      expect(await segmentFiles(dir)).toHaveLength(1);
      expect(await loggedRecords(dir)).toHaveLength(50);
    });
  });

  it('cuts a torn tail that spans several records of the last batch, keeping the whole records before it', async () => {
    await withDir(async (dir) => {
      await lifetime(dir, async (s) => {
        await s.persist([append(1, 3)]);
        await s.persist([append(4, 10)]);
      });
      const records = await loggedRecords(dir);
      const cutAt = records[6]!.offset + 5; // inside record 7's header
      const file = records[6]!.file;
      await writeFile(file, (await readFile(file)).subarray(0, cutAt));
      expect((await lifetime(dir, (s) => s.load())).log).toEqual(txns(1, 6));
      expect((await readFile(file)).length).toBe(records[6]!.offset);
    });
  });

  it('treats zeros after the last record (space a crash left unwritten) as a torn tail', async () => {
    await withDir(async (dir) => {
      await lifetime(dir, (s) => s.persist([append(1, 4)]));
      const [segment] = await segmentFiles(dir);
      const path = join(dir, segment!);
      await writeFile(path, Buffer.concat([await readFile(path), Buffer.alloc(4096)]));
      expect((await lifetime(dir, (s) => s.load())).log).toEqual(txns(1, 4));
    });
  });

  it('names the segment file and the byte offset of a corrupt record', async () => {
    await withDir(async (dir) => {
      await lifetime(dir, (s) => s.persist([append(1, 5)]));
      const record = (await loggedRecords(dir))[2]!;
      const bytes = await readFile(record.file);
      bytes[record.offset + FRAME_HEADER_BYTES] = bytes[record.offset + FRAME_HEADER_BYTES]! ^ 1;
      await writeFile(record.file, bytes);
      const error = await loadFails(dir);
      expect(error.where).toBe(record.file);
      expect(error.offset).toBe(record.offset);
    });
  });

  it('refuses a damaged segment that is not the last one, even at its very end', async () => {
    await withDir(async (dir) => {
      await lifetime(dir, (s) => s.persist([append(1, 20)]).then(() => s.persist([append(21, 40)])), 200);
      const first = join(dir, (await segmentFiles(dir))[0]!);
      const bytes = await readFile(first);
      await writeFile(first, bytes.subarray(0, bytes.length - 3));
      expect((await loadFails(dir)).where).toBe(first);
    });
  });

  it('refuses an epochs file that fails its checksum', async () => {
    await withDir(async (dir) => {
      await lifetime(dir, (s) => s.persist([{ type: 'acceptedEpoch', epoch: 7 }]));
      const path = join(dir, 'epochs');
      const bytes = await readFile(path);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
      await writeFile(path, bytes);
      expect((await loadFails(dir)).where).toBe(path);
    });
  });

  it('falls back to the previous snapshot when the newest fails its checksum', async () => {
    await withDir(async (dir) => {
      const a = makeZxid(1, 3);
      const b = makeZxid(1, 6);
      await lifetime(dir, (s) =>
        s.persist([
          append(1, 8),
          { type: 'snapshot', zxid: a, bytes: Uint8Array.of(1, 1, 1), replace: false },
          { type: 'snapshot', zxid: b, bytes: Uint8Array.of(2, 2, 2), replace: false },
        ]),
      );
      const newest = (await readdir(dir)).filter((n) => n.startsWith('snapshot.')).sort().at(-1)!;
      const bytes = await readFile(join(dir, newest));
      bytes[bytes.length - 1] = 9;
      await writeFile(join(dir, newest), bytes);
      const state = await lifetime(dir, (s) => s.load());
      expect(state.snapshot).toEqual({ zxid: a, bytes: Uint8Array.of(1, 1, 1) });
      expect(state.log).toEqual(txns(4, 8));
    });
  });

  it('ignores segments of an old history that a crash left behind after a replacing snapshot', async () => {
    await withDir(async (dir) => {
      await lifetime(dir, (s) => s.persist([append(1, 10)]));
      const [old] = await segmentFiles(dir);
      await copyFile(join(dir, old!), join(dir, 'saved'));
      const z = makeZxid(2, 0);
      await lifetime(dir, (s) => s.persist([{ type: 'snapshot', zxid: z, bytes: Uint8Array.of(5), replace: true }]));
      await copyFile(join(dir, 'saved'), join(dir, old!)); // as if the deletion never reached the disk
      const state = await lifetime(dir, (s) => s.load());
      expect(state.log).toEqual([]);
      expect(state.snapshot?.zxid).toBe(z);
      expect(await segmentFiles(dir)).toEqual([]);
    });
  });

  it('rolls to a new segment when the active one is full, and truncates across segments', async () => {
    await withDir(async (dir) => {
      await lifetime(
        dir,
        async (s) => {
          for (let b = 0; b < 10; b++) await s.persist([append(b * 5 + 1, b * 5 + 5)]);
          await s.persist([{ type: 'truncate', zxid: makeZxid(1, 12) }]);
        },
        300,
      );
      expect((await segmentFiles(dir)).length).toBeGreaterThan(1);
      expect((await lifetime(dir, (s) => s.load())).log).toEqual(txns(1, 12));
    });
  });
});

describe('file store checksums', () => {
  it('verifies with node:zlib’s CRC-32, which agrees with the pure one', async () => {
    const { nativeCrc32 } = await import('../../src/storage/file/fs-util.ts');
    const { pureCrc32 } = await import('../../src/codec/frame.ts');
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff);
    expect(nativeCrc32).toBeDefined();
    expect(nativeCrc32!(bytes, 0)).toBe(pureCrc32(bytes, 0));
    expect(nativeCrc32!(bytes.subarray(500), nativeCrc32!(bytes.subarray(0, 500), 0))).toBe(pureCrc32(bytes, 0));
  });
});
