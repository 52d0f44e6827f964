// Recovery from IndexedDB: the newest snapshot that verifies, the log after it, and the epochs, all
// read in one readonly transaction (a consistent view even while another tab writes).
// A damaged snapshot is passed over for an older one (batch.ts keeps the log each kept snapshot
// needs); a damaged log run or epoch, or snapshots of which none verifies, is refused with a
// StorageCorruptError naming store and key. IndexedDB commits a batch whole or not at all, so there
// is no torn tail to cut here: a record that fails its CRC was damaged after it was acknowledged.

import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { Txn } from '../../core/requests/txn.ts';
import type { Zxid } from '../../core/zxid.ts';
import type { DurableState } from '../../core/zab/durable.ts';
import { StorageCorruptError } from '../durable-store.ts';
import type { StoreBook } from './batch.ts';
import { readLogRun } from './log-run.ts';
import { isValidSnapshotChunk, isValidSnapshotMeta, readEpochRecord, whereOf } from './records.ts';
import { ALL_STORES, EPOCHS, LOG, type MeshkeeperIdb, SNAPSHOT_CHUNKS, SNAPSHOTS } from './schema.ts';
import { crc32 } from '../../core/util/crc32.ts';

export type ReadTx = IDBPTransaction<MeshkeeperIdb, typeof ALL_STORES, 'readonly'>;

export async function recover(
  db: IDBPDatabase<MeshkeeperIdb>,
  dbName: string,
): Promise<{ state: DurableState; book: StoreBook }> {
  const tx = db.transaction(ALL_STORES, 'readonly');
  const [acceptedRaw, currentRaw, snapshotKeys] = await Promise.all([
    tx.objectStore(EPOCHS).get('acceptedEpoch'),
    tx.objectStore(EPOCHS).get('currentEpoch'),
    tx.objectStore(SNAPSHOTS).getAllKeys(),
  ]);
  const acceptedEpoch = readEpochRecord(whereOf(dbName, EPOCHS), 'acceptedEpoch', acceptedRaw);
  const currentEpoch = readEpochRecord(whereOf(dbName, EPOCHS), 'currentEpoch', currentRaw);
  const snapshot = await newestValidSnapshot(tx, snapshotKeys);
  const newest = snapshotKeys[snapshotKeys.length - 1];
  if (snapshot === undefined && newest !== undefined) {
    throw new StorageCorruptError(whereOf(dbName, SNAPSHOTS), newest, 'no stored snapshot verifies');
  }
  const log = await readLog(tx, dbName, snapshot?.zxid);
  const lastLogged = await tx.objectStore(LOG).openKeyCursor(null, 'prev');
  await tx.done;
  const lastZxid = Math.max(0, lastLogged?.key ?? 0, newest ?? 0) as Zxid;
  const state: DurableState =
    snapshot === undefined ? { acceptedEpoch, currentEpoch, log } : { acceptedEpoch, currentEpoch, snapshot, log };
  return { state, book: { lastZxid, snapshots: snapshotKeys as Zxid[] } };
}

/** Logged txns above `afterZxid` (all when undefined), every run verified, runs in zxid order. */
export async function readLog(tx: ReadTx, dbName: string, afterZxid: number | undefined): Promise<Txn[]> {
  const after = afterZxid ?? -1;
  const range = IDBKeyRange.lowerBound(after, true);
  const store = tx.objectStore(LOG);
  const [keys, values] = await Promise.all([store.getAllKeys(range), store.getAll(range)]);
  const where = whereOf(dbName, LOG);
  const log: Txn[] = [];
  let previous = -1;
  keys.forEach((key, i) => {
    const run = readLogRun(where, key, values[i]);
    // Keys order runs by their last zxid; overlapping runs would mean a damaged store.
    if (run[0]!.header.zxid <= previous) throw new StorageCorruptError(where, key, `overlaps the run ending at ${previous}`);
    previous = key;
    for (const t of run) if (t.header.zxid > after) log.push(t);
  });
  return log;
}

/** Newest first, the first snapshot whose meta, chunks and whole-snapshot CRC all verify. */
export async function newestValidSnapshot(
  tx: ReadTx,
  keys: readonly number[],
): Promise<{ zxid: Zxid; bytes: Uint8Array } | undefined> {
  for (let i = keys.length - 1; i >= 0; i--) {
    const zxid = keys[i]!;
    const bytes = await readSnapshot(tx, zxid);
    if (bytes !== undefined) return { zxid: zxid as Zxid, bytes };
  }
  return undefined;
}

/** The snapshot's bytes, or undefined when any part of it fails to verify. */
export async function readSnapshot(tx: ReadTx, zxid: number): Promise<Uint8Array | undefined> {
  const span = IDBKeyRange.bound([zxid, 0], [zxid, Infinity]);
  const chunkStore = tx.objectStore(SNAPSHOT_CHUNKS);
  const [meta, chunkKeys, chunks] = await Promise.all([
    tx.objectStore(SNAPSHOTS).get(zxid),
    chunkStore.getAllKeys(span),
    chunkStore.getAll(span),
  ]);
  if (!isValidSnapshotMeta(zxid, meta) || chunks.length !== meta.chunks) return undefined;
  const bytes = new Uint8Array(meta.size);
  let offset = 0;
  for (let index = 0; index < chunks.length; index++) {
    const chunk: unknown = chunks[index];
    if (chunkKeys[index]?.[1] !== index || !isValidSnapshotChunk(zxid, index, chunk)) return undefined;
    if (offset + chunk.bytes.length > bytes.length) return undefined;
    bytes.set(chunk.bytes, offset);
    offset += chunk.bytes.length;
  }
  if (offset !== meta.size || crc32(bytes) !== meta.crc) return undefined;
  return bytes;
}
