// The IndexedDB adapter's own promises, in real Chromium: layout (chunks, retention), one strict
// transaction per batch, ordering, and corruption refused with the store and key named. The shared
// conformance suite (idb-conformance.spec.ts) proves the DurableStore contract itself.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyPersistOps, emptyDurableState, type PersistOp } from '../../../src/core/zab/durable.ts';
import { crc32 } from '../../../src/core/util/crc32.ts';
import { makeZxid } from '../../../src/core/zxid.ts';
import { StorageCorruptError } from '../../../src/storage/durable-store.ts';
import { openIdbStore, type IdbStore, type IdbStoreOptions } from '../../../src/storage/idb/index.ts';
import { damage, dropDb, flipBit, freshDbName, keysOf, rawDb, txns } from './idb-helpers.ts';

const opened: { store: IdbStore; name: string }[] = [];

async function open(label: string, options: IdbStoreOptions = {}, name = freshDbName(label)): Promise<IdbStore> {
  const store = await openIdbStore(name, options);
  opened.push({ store, name });
  return store;
}

async function reopen(store: IdbStore, options: IdbStoreOptions = {}): Promise<IdbStore> {
  await store.close();
  return open('', options, store.dbName);
}

afterEach(async () => {
  for (const { store, name } of opened.splice(0)) {
    await store.close();
    await dropDb(name);
  }
  vi.restoreAllMocks();
});

const bytesOf = (n: number, seed = 7): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * seed + 3) & 0xff);
const snap = (zxid: number, bytes: Uint8Array, replace = false): PersistOp => ({
  type: 'snapshot', zxid: makeZxid(0, zxid), bytes, replace,
});

describe('the IndexedDB store', () => {
  it('a new database loads as the empty durable state', async () => {
    const store = await open('empty');
    expect(await store.load()).toEqual(emptyDurableState);
  });

  it('what a batch persists reads back after reopening exactly as applyPersistOps models it', async () => {
    let store = await open('roundtrip');
    await store.load();
    const ops: PersistOp[] = [
      { type: 'acceptedEpoch', epoch: 1 },
      { type: 'append', txns: txns(1, 1, 5) },
      { type: 'currentEpoch', epoch: 1 },
      { type: 'append', txns: txns(1, 6, 9) },
      { type: 'truncate', zxid: makeZxid(1, 7) },
      { type: 'append', txns: txns(1, 8, 8, 300) },
    ];
    await store.persist(ops.slice(0, 3));
    await store.persist(ops.slice(3));
    store = await reopen(store);
    expect(await store.load()).toEqual(applyPersistOps(emptyDurableState, ops));
    expect(store.lastZxid()).toBe(makeZxid(1, 8));
  });

  it('every persist batch is exactly one readwrite transaction with strict durability', async () => {
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const store = await open('one-tx');
    await store.load();
    spy.mockClear();
    await store.persist([
      { type: 'append', txns: txns(1, 1, 128) },
      snap(3, bytesOf(10)),
      { type: 'acceptedEpoch', epoch: 2 },
    ]);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[1]).toBe('readwrite');
    expect(spy.mock.calls[0]?.[2]).toEqual({ durability: 'strict' });
  });

  it('a snapshot larger than a chunk is stored in chunks no bigger than the chunk size and reads back byte for byte', async () => {
    let store = await open('chunks', { valueBytes: 1000 });
    await store.load();
    const bytes = bytesOf(4500);
    await store.persist([snap(9, bytes)]);
    expect(await keysOf(store.dbName, 'snapshotChunks')).toEqual([0, 1, 2, 3, 4].map((i) => [makeZxid(0, 9), i]));
    store = await reopen(store);
    const state = await store.load();
    expect(state.snapshot?.zxid).toBe(makeZxid(0, 9));
    expect(state.snapshot?.bytes).toEqual(bytes);
  });

  it('a 3 MiB snapshot is split into 1 MiB chunks by default', async () => {
    let store = await open('mib');
    await store.load();
    const bytes = bytesOf(3 * 1024 * 1024 + 5);
    await store.persist([snap(1, bytes)]);
    expect((await keysOf(store.dbName, 'snapshotChunks')).length).toBe(4);
    store = await reopen(store);
    const loaded = (await store.load()).snapshot?.bytes ?? new Uint8Array();
    // Compared by length and CRC: a deep toEqual over 3 MiB takes seconds.
    expect(loaded.length).toBe(bytes.length);
    expect(crc32(loaded)).toBe(crc32(bytes));
  });

  it('keeps the newest N snapshots and purges the log runs the oldest kept one covers', async () => {
    let store = await open('retention', { snapshotsKept: 2 });
    await store.load();
    for (const [from, to] of [[1, 10], [11, 20], [21, 30]] as const) {
      await store.persist([{ type: 'append', txns: txns(0, from, to) }]);
    }
    for (const z of [10, 20, 25]) await store.persist([snap(z, bytesOf(50, z))]);
    expect(await keysOf(store.dbName, 'snapshots')).toEqual([makeZxid(0, 20), makeZxid(0, 25)]);
    // Runs are keyed by their last zxid; the run 21..30 straddles snapshot 25 and stays whole.
    expect(await keysOf(store.dbName, 'log')).toEqual([makeZxid(0, 30)]);
    store = await reopen(store, { snapshotsKept: 2 });
    const state = await store.load();
    expect(state.snapshot).toEqual({ zxid: makeZxid(0, 25), bytes: bytesOf(50, 25) });
    expect(state.log).toEqual(txns(0, 26, 30));
  });

  it('one append is one IndexedDB value, split into runs of at most the value budget when larger', async () => {
    let store = await open('runs', { valueBytes: 10_000 });
    await store.load();
    await store.persist([{ type: 'append', txns: txns(1, 1, 5, 100) }]);
    expect(await keysOf(store.dbName, 'log')).toEqual([makeZxid(1, 5)]);
    await store.persist([{ type: 'append', txns: txns(1, 6, 105, 1000) }]);
    const db = await rawDb(store.dbName);
    const runs = (await db.getAll('log')) as { count: number; bytes: Uint8Array }[];
    db.close();
    expect(runs.length).toBeGreaterThan(10);
    for (const run of runs) expect(run.bytes.length).toBeLessThanOrEqual(10_000);
    expect(runs.reduce((n, r) => n + r.count, 0)).toBe(105);
    store = await reopen(store);
    expect((await store.load()).log).toEqual([...txns(1, 1, 5, 100), ...txns(1, 6, 105, 1000)]);
  });

  it('a truncate inside a run keeps the run\'s prefix, and appends go on after the cut', async () => {
    let store = await open('trim');
    await store.load();
    await store.persist([{ type: 'append', txns: txns(1, 1, 10) }, { type: 'append', txns: txns(1, 11, 20) }]);
    await store.persist([{ type: 'truncate', zxid: makeZxid(1, 4) }, { type: 'append', txns: txns(2, 1, 2) }]);
    expect(await keysOf(store.dbName, 'log')).toEqual([makeZxid(1, 4), makeZxid(2, 2)]);
    store = await reopen(store);
    expect((await store.load()).log).toEqual([...txns(1, 1, 4), ...txns(2, 1, 2)]);
  });

  it('a truncate that meets a damaged run aborts the whole batch, and the store refuses further writes', async () => {
    const store = await open('trim-corrupt');
    await store.load();
    await store.persist([{ type: 'append', txns: txns(1, 1, 10) }]);
    await damage(store.dbName, 'log', makeZxid(1, 10), (r) => flipBit(r, 2));
    const batch = store.persist([{ type: 'currentEpoch', epoch: 7 }, { type: 'truncate', zxid: makeZxid(1, 5) }]);
    await expect(batch).rejects.toBeInstanceOf(StorageCorruptError);
    await expect(store.persist([{ type: 'currentEpoch', epoch: 8 }])).rejects.toBeInstanceOf(StorageCorruptError);
    const db = await rawDb(store.dbName);
    expect(await db.get('epochs', 'currentEpoch')).toBeUndefined();
    db.close();
  });

  it('a snapshot with replace empties the log and drops every other snapshot', async () => {
    let store = await open('replace');
    await store.load();
    await store.persist([{ type: 'append', txns: txns(1, 1, 10) }, snap(5, bytesOf(20))]);
    await store.persist([{ type: 'snapshot', zxid: makeZxid(2, 3), bytes: bytesOf(30), replace: true }]);
    await store.persist([{ type: 'append', txns: txns(2, 4, 5) }]);
    expect(await keysOf(store.dbName, 'snapshots')).toEqual([makeZxid(2, 3)]);
    store = await reopen(store);
    expect(await store.load()).toEqual({
      acceptedEpoch: 0, currentEpoch: 0, snapshot: { zxid: makeZxid(2, 3), bytes: bytesOf(30) }, log: txns(2, 4, 5),
    });
  });

  it('persist calls made without waiting are applied in call order', async () => {
    let store = await open('order');
    await store.load();
    const calls = [
      store.persist([{ type: 'append', txns: txns(1, 1, 3) }]),
      store.persist([{ type: 'truncate', zxid: makeZxid(1, 1) }]),
      store.persist([{ type: 'append', txns: txns(1, 2, 2, 40) }, { type: 'currentEpoch', epoch: 1 }]),
    ];
    await Promise.all(calls);
    store = await reopen(store);
    expect(await store.load()).toEqual({ acceptedEpoch: 0, currentEpoch: 1, log: [...txns(1, 1, 1), ...txns(1, 2, 2, 40)] });
  });

  it('an append at or below the last zxid is a bug in the caller and fails an assertion', async () => {
    const store = await open('assert');
    await store.load();
    await store.persist([{ type: 'append', txns: txns(1, 1, 2) }]);
    await expect(store.persist([{ type: 'append', txns: txns(1, 2, 2) }])).rejects.toThrow(/append out of order/);
  });
});

describe('corruption in the IndexedDB store', () => {
  async function seeded(label: string): Promise<IdbStore> {
    const store = await open(label);
    await store.load();
    await store.persist([{ type: 'append', txns: txns(1, 1, 6) }, { type: 'acceptedEpoch', epoch: 1 }, snap(3, bytesOf(40))]);
    await store.persist([snap(5, bytesOf(40, 5))]);
    await store.close();
    return store;
  }

  async function loadError(store: IdbStore): Promise<StorageCorruptError> {
    const again = await open('', {}, store.dbName);
    const error: unknown = await again.load().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StorageCorruptError);
    return error as StorageCorruptError;
  }

  it('a flipped bit in a log record is refused with the log store and the zxid named', async () => {
    const store = await seeded('log-bit');
    await damage(store.dbName, 'log', makeZxid(1, 6), (r) => flipBit(r, 5));
    const error = await loadError(store);
    expect(error.where).toBe(`idb:${store.dbName}/log`);
    expect(error.offset).toBe(makeZxid(1, 6));
  });

  it('a log record filed under another zxid is refused even though its bytes are whole', async () => {
    const store = await seeded('log-moved');
    const db = await (await import('idb')).openDB(store.dbName);
    const record: unknown = await db.get('log', makeZxid(1, 6));
    await db.put('log', record, makeZxid(1, 7));
    db.close();
    expect((await loadError(store)).offset).toBe(makeZxid(1, 7));
  });

  it('a damaged epoch record is refused with the epochs store and the epoch named', async () => {
    const store = await seeded('epoch');
    await damage(store.dbName, 'epochs', 'acceptedEpoch', (r) => ({ ...r, epoch: r.epoch + 1 }));
    const error = await loadError(store);
    expect(error.where).toBe(`idb:${store.dbName}/epochs`);
    expect(error.offset).toBe('acceptedEpoch');
  });

  it('a damaged newest snapshot is passed over for the older one and the log after it', async () => {
    const store = await seeded('snap-fallback');
    await damage(store.dbName, 'snapshotChunks', [makeZxid(0, 5), 0], (r) => flipBit(r, 3));
    const again = await open('', {}, store.dbName);
    const state = await again.load();
    expect(state.snapshot).toEqual({ zxid: makeZxid(0, 3), bytes: bytesOf(40) });
    expect(state.log).toEqual(txns(1, 1, 6).filter((t) => t.header.zxid > makeZxid(0, 3)));
  });

  it('snapshots of which none verifies are refused, naming the newest', async () => {
    const store = await seeded('snap-none');
    await damage(store.dbName, 'snapshots', makeZxid(0, 5), (r) => ({ ...r, size: r.size + 1 }));
    await damage(store.dbName, 'snapshotChunks', [makeZxid(0, 3), 0], (r) => flipBit(r));
    const error = await loadError(store);
    expect(error.where).toBe(`idb:${store.dbName}/snapshots`);
    expect(error.offset).toBe(makeZxid(0, 5));
  });
});
