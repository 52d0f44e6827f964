// The shared storage conformance suite against the IndexedDB adapter, in real Chromium.
// Hooks: corruptLog flips a bit in the stored run holding the txn; interruptSnapshot starts a transaction that
// writes part of a snapshot and aborts it, which is all a crash can leave in IndexedDB (a
// transaction commits whole or not at all). tearTail is left out for the same reason: IndexedDB
// cannot hold a half-written record, so there is no torn tail to cut.

import { openDB } from 'idb';
import { makeSnapshotChunk } from '../../../src/storage/idb/records.ts';
import { openIdbStore } from '../../../src/storage/idb/index.ts';
import { runStorageConformance } from '../conformance.ts';
import { damage, dropDb, flipBit, freshDbName, keysOf } from './idb-helpers.ts';

const keepSnapshots = 2;

runStorageConformance('IndexedDB (Chromium)', async () => {
  const name = freshDbName('conformance');
  return {
    open: () => openIdbStore(name, { snapshotsKept: keepSnapshots }),
    corruptLog: async (where) => {
      // Txns live in runs (one IndexedDB value per append): damage the run holding txn `where`.
      const db = await openDB(name);
      const [keys, runs] = await Promise.all([db.getAllKeys('log'), db.getAll('log')]);
      db.close();
      let seen = 0;
      const index = runs.findIndex((run: { count: number }) => (seen += run.count) > where);
      const key = keys[index];
      if (key === undefined) throw new Error(`no logged txn at index ${where}`);
      await damage(name, 'log', key, (r) => flipBit(r, 9));
    },
    interruptSnapshot: async (zxid, bytes) => {
      const db = await openDB(name);
      const tx = db.transaction('snapshotChunks', 'readwrite', { durability: 'strict' });
      const half = bytes.subarray(0, Math.floor(bytes.length / 2));
      const put = tx.store.put(makeSnapshotChunk(zxid, 0, half.slice()), [zxid, 0]);
      tx.abort();
      await Promise.allSettled([put, tx.done]);
      db.close();
    },
    inspect: async () => ({
      snapshots: (await keysOf(name, 'snapshots')).length,
      loggedTxns: (await keysOf(name, 'log')).length,
    }),
    keepSnapshots,
    cleanup: () => dropDb(name),
  };
});
