// Runs a planned batch (batch.ts) inside one readwrite transaction. Requests in one transaction
// run in the order they are issued, so plain writes are issued without waiting; only a truncate
// waits, because it must read the run it cuts before rewriting it, and the writes after it are
// issued once it is done. Resolves when the transaction has committed (strictly durable).

import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { assert } from '../../core/util/assert.ts';
import type { IdbWrite, KeySpan } from './batch.ts';
import { encodeForLog, makeLogRun, readLogRun } from './log-run.ts';
import { ALL_STORES, LOG, type MeshkeeperIdb } from './schema.ts';

export type WriteTx = IDBPTransaction<MeshkeeperIdb, typeof ALL_STORES, 'readwrite'>;

/** Opens the batch's one strict transaction and runs `writes` in it; aborts it on any failure. */
export async function runBatch(db: IDBPDatabase<MeshkeeperIdb>, writes: readonly IdbWrite[], logWhere: string): Promise<void> {
  const tx = db.transaction(ALL_STORES, 'readwrite', { durability: 'strict' });
  const issued: Promise<unknown>[] = [handled(tx.done)];
  try {
    for (const w of writes) {
      if (w.op === 'truncateLog') await truncateLog(tx, w.zxid, logWhere);
      else issued.push(handled(issue(tx, w)));
    }
  } catch (e) {
    // A damaged run met by a truncate: nothing of this batch may commit.
    tx.abort();
    await Promise.allSettled(issued);
    throw e;
  }
  await Promise.all(issued);
}

/** Marks a promise as handled (its rejection still reaches Promise.all) while others are awaited. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

function issue(tx: WriteTx, w: Exclude<IdbWrite, { op: 'truncateLog' }>): Promise<unknown> {
  // The typed stores do not follow a runtime store name; batch.ts typed each write's value.
  const store = tx.objectStore(w.store) as unknown as ObjectStoreLike;
  switch (w.op) {
    case 'put':
      return store.put(w.value, w.key);
    case 'delete':
      return store.delete(toRange(w.span));
    case 'clear':
      return store.clear();
  }
}

interface ObjectStoreLike {
  put(value: unknown, key: IDBValidKey): Promise<unknown>;
  delete(key: IDBKeyRange): Promise<void>;
  clear(): Promise<void>;
}

/** Deletes runs above `zxid`; the first of them, if it starts at or below `zxid`, keeps that part. */
async function truncateLog(tx: WriteTx, zxid: number, where: string): Promise<void> {
  const store = tx.objectStore(LOG);
  const above = IDBKeyRange.lowerBound(zxid, true);
  const straddling = await store.openCursor(above);
  const kept = straddling === null ? [] : readLogRun(where, straddling.key, straddling.value).filter((t) => t.header.zxid <= zxid);
  await store.delete(above);
  if (kept.length > 0) {
    const { key, value } = makeLogRun(kept.map(encodeForLog));
    await store.put(value, key);
  }
}

function toRange(span: KeySpan): IDBKeyRange {
  const { lower, upper, lowerOpen = false } = span;
  if (lower !== undefined && upper !== undefined) return IDBKeyRange.bound(lower, upper, lowerOpen, false);
  if (lower !== undefined) return IDBKeyRange.lowerBound(lower, lowerOpen);
  assert(upper !== undefined, 'a key span needs a bound');
  return IDBKeyRange.upperBound(upper, false);
}
