import { describe, expect, it } from 'vitest';
import { makeZxid } from '../../src/core/zxid.ts';
import { MemoryMedium, MemoryStore, StoreCrashedError } from '../../src/storage/memory.ts';
import { runStorageConformance } from './conformance.ts';
import { sampleTxn } from './txn-arbitrary.ts';

runStorageConformance('memory', async () => {
  const medium = new MemoryMedium();
  return {
    open: async () => new MemoryStore(medium),
    // A snapshot persist that crashes before it completes: nothing of it lands.
    interruptSnapshot: async (zxid, bytes) => {
      const store = new MemoryStore(medium);
      store.tearNextPersist(0);
      await store.persist([{ type: 'snapshot', zxid, bytes, replace: false }]).catch(() => undefined);
    },
    inspect: async () => ({ snapshots: medium.state.snapshot === undefined ? 0 : 1, loggedTxns: medium.state.log.length }),
    keepSnapshots: 1,
    cleanup: async () => {},
  };
});

const txn = (c: number) => sampleTxn(makeZxid(1, c));

describe('memory store crashes', () => {
  it('a crash before a persist completes keeps nothing of it, and the persist rejects', async () => {
    const medium = new MemoryMedium();
    const store = new MemoryStore(medium);
    await store.persist([{ type: 'append', txns: [txn(1)] }]);
    const pending = store.persist([{ type: 'append', txns: [txn(2)] }]);
    store.crash();
    await expect(pending).rejects.toBeInstanceOf(StoreCrashedError);
    expect((await new MemoryStore(medium).load()).log).toEqual([txn(1)]);
  });

  it('a torn persist keeps a prefix of its ops, cutting inside an append, then the store is dead', async () => {
    const medium = new MemoryMedium();
    const store = new MemoryStore(medium);
    store.tearNextPersist(3);
    const ops = [{ type: 'acceptedEpoch', epoch: 1 } as const, { type: 'append', txns: [txn(1), txn(2), txn(3)] } as const];
    await expect(store.persist(ops)).rejects.toBeInstanceOf(StoreCrashedError);
    await expect(store.load()).rejects.toBeInstanceOf(StoreCrashedError);
    expect(await new MemoryStore(medium).load()).toEqual({ acceptedEpoch: 1, currentEpoch: 0, log: [txn(1), txn(2)] });
  });

  it('counts one durable write per non-empty persist (group commit)', async () => {
    const medium = new MemoryMedium();
    const store = new MemoryStore(medium);
    await store.persist([{ type: 'append', txns: [txn(1), txn(2)] }, { type: 'currentEpoch', epoch: 1 }]);
    await store.persist([]);
    expect(medium.writes).toBe(1);
  });
});
