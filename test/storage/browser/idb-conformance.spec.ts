// The shared storage conformance suite against the IndexedDB adapter, in real Chromium.
// Hooks: corruptLog flips a bit in the stored run holding the txn; interruptSnapshot and tearTail
// start the transaction that would write part of a snapshot or a log run and abort it, which is all
// a crash can leave in IndexedDB (a transaction commits whole or not at all, so a torn tail is an
// absent one).

import { openDB } from 'idb';
import { encodeForLog, makeLogRun } from '../../../src/storage/idb/log-run.ts';
import { makeSnapshotChunk, whereOf } from '../../../src/storage/idb/records.ts';
import { openIdbStore } from '../../../src/storage/idb/index.ts';
import { runStorageConformance } from '../conformance.ts';
import { damage, dropDb, flipBit, freshDbName, keysOf } from './idb-helpers.ts';

const keepSnapshots = 2;

runStorageConformance('IndexedDB (Chromium)', async () => {
  const name = freshDbName('conformance');
  return {
    open: () => openIdbStore(name, { snapshotsKept: keepSnapshots }),
    corruptLog: async (index) => {
      // Txns live in runs (one IndexedDB value per append): damage the run holding txn `where`.
      const db = await openDB(name);
      const [keys, runs] = await Promise.all([db.getAllKeys('log'), db.getAll('log')]);
      db.close();
      let seen = 0;
      const run = runs.findIndex((r: { count: number }) => (seen += r.count) > index);
      const key = keys[run];
      if (typeof key !== 'number') throw new Error(`no logged txn at index ${index}`);
      await damage(name, 'log', key, (r) => flipBit(r, 9));
      return { where: whereOf(name, 'log'), offset: key };
    },
    tearTail: async (batch) => {
      const db = await openDB(name);
      const tx = db.transaction('log', 'readwrite', { durability: 'strict' });
      const { key, value } = makeLogRun(batch.map(encodeForLog));
      const put = tx.store.put(value, key);
      tx.abort();
      await Promise.allSettled([put, tx.done]);
      db.close();
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
