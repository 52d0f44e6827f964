// The reads behind the IndexedDB adapter's parts (storage-adapter.ts): the log after a zxid, the
// stored snapshots, the newest valid one, the epochs. Each opens its readonly transaction at once,
// when called: IndexedDB runs it after every readwrite transaction created before it over the same
// stores, so a read sees each persist called before it, committed.

import type { IDBPDatabase } from 'idb';
import type { Txn } from '../../core/requests/txn.ts';
import type { Zxid } from '../../core/zxid.ts';
import type { DurableEpochs } from '../epoch-store.ts';
import type { SnapshotInfo } from '../snapshot-store.ts';
import { isValidSnapshotMeta, readEpochRecord, whereOf } from './records.ts';
import { newestValidSnapshot, readLog } from './recover.ts';
import { ALL_STORES, EPOCHS, type MeshkeeperIdb, SNAPSHOTS } from './schema.ts';

type Db = IDBPDatabase<MeshkeeperIdb>;

export async function readLogAfter(db: Db, dbName: string, afterZxid: Zxid): Promise<Txn[]> {
  const tx = db.transaction(ALL_STORES, 'readonly');
  const log = await readLog(tx, dbName, afterZxid);
  await tx.done;
  return log;
}

/** Stored snapshots whose meta record verifies, newest first. */
export async function listSnapshots(db: Db): Promise<SnapshotInfo[]> {
  const tx = db.transaction(SNAPSHOTS, 'readonly');
  const [keys, metas] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
  await tx.done;
  const out: SnapshotInfo[] = [];
  keys.forEach((zxid, i) => {
    const meta: unknown = metas[i];
    if (isValidSnapshotMeta(zxid, meta)) out.push({ zxid: zxid as Zxid, bytes: meta.size });
  });
  return out.reverse();
}

export async function loadNewestValid(db: Db): Promise<{ zxid: Zxid; bytes: Uint8Array } | undefined> {
  const tx = db.transaction(ALL_STORES, 'readonly');
  const keys = await tx.objectStore(SNAPSHOTS).getAllKeys();
  const newest = await newestValidSnapshot(tx, keys);
  await tx.done;
  return newest;
}

export async function readEpochs(db: Db, dbName: string): Promise<DurableEpochs> {
  const tx = db.transaction(EPOCHS, 'readonly');
  const [accepted, current] = await Promise.all([tx.store.get('acceptedEpoch'), tx.store.get('currentEpoch')]);
  await tx.done;
  const where = whereOf(dbName, EPOCHS);
  return { acceptedEpoch: readEpochRecord(where, 'acceptedEpoch', accepted), currentEpoch: readEpochRecord(where, 'currentEpoch', current) };
}
