import { describe, expect, it } from 'vitest';
import { makeZxid } from '../../src/core/zxid.ts';
import { MemoryMedium, MemoryStore, persistUnits, StoreCrashedError, tornPrefix } from '../../src/storage/memory.ts';
import { applyPersistOps, emptyDurableState, type PersistOp } from '../../src/core/zab/durable.ts';
import { runStorageConformance } from './conformance.ts';
import { sampleTxn } from './txn-arbitrary.ts';

// The memory medium's faults are its crash semantics: a write a crash interrupts keeps a prefix of
// whole records (tearNextPersist). It holds no bytes a disk could damage; what it can be handed is a
// state kept elsewhere (MemoryMediumOptions.initial), which load() checks like a file's log.
runStorageConformance('memory', async () => {
  const name = 'conformance';
  let medium = new MemoryMedium({ name });
  const crashDuring = async (ops: PersistOp[], units: number): Promise<void> => {
    const store = new MemoryStore(medium);
    store.tearNextPersist(units);
    await store.persist(ops).catch((e: unknown) => {
      if (!(e instanceof StoreCrashedError)) throw e;
    });
  };
  return {
    open: async () => new MemoryStore(medium),
    tearTail: (batch) => crashDuring([{ type: 'append', txns: batch }], batch.length >> 1),
    corruptLog: async (index) => {
      const state = medium.durable();
      const log = [...state.log];
      const damaged = log[index]!;
      // The record now repeats its predecessor's zxid, as a bug or a bad restore could leave it.
      log[index] = { ...damaged, header: { ...damaged.header, zxid: log[index - 1]!.header.zxid } };
      medium = new MemoryMedium({ name, initial: { ...state, log } });
      return { where: `memory:${name}/log`, offset: index };
    },
    // A snapshot persist that crashes before it completes: nothing of it lands.
    interruptSnapshot: (zxid, bytes) => crashDuring([{ type: 'snapshot', zxid, bytes, replace: false }], 0),
    inspect: async () => ({ snapshots: medium.snapshot === undefined ? 0 : 1, loggedTxns: medium.loggedTxns }),
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

  it('the synchronous face (the simulator\'s) and the async face keep the same medium', async () => {
    const medium = new MemoryMedium();
    medium.persist([{ type: 'acceptedEpoch', epoch: 2 }, { type: 'append', txns: [txn(1), txn(2)] }]);
    const store = new MemoryStore(medium);
    expect(await store.load()).toEqual(medium.durable());
    await store.log.append([txn(3)]);
    expect(medium.durable().log).toEqual([txn(1), txn(2), txn(3)]);
    expect(medium.acceptedEpoch).toBe(2);
  });

  it('a torn synchronous write keeps exactly the prefix tornPrefix defines, and counts no write', () => {
    const ops: PersistOp[] = [
      { type: 'append', txns: [txn(1), txn(2)] },
      { type: 'currentEpoch', epoch: 1 },
      { type: 'append', txns: [txn(3), txn(4)] },
    ];
    expect(persistUnits(ops)).toBe(5);
    for (let units = 0; units <= persistUnits(ops); units++) {
      const medium = new MemoryMedium();
      medium.persistTorn(ops, units);
      expect(medium.durable()).toEqual(applyPersistOps(emptyDurableState, tornPrefix(ops, units)));
      expect(medium.writes).toBe(0);
    }
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
