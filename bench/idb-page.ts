// Browser entry for bench/idb.ts: times the IndexedDB adapter inside Chromium (performance.now is
// the page's clock). Small strict transactions one at a time through the adapter (the latency a
// follower's ACK waits for), raw one-put transactions strict and relaxed for comparison, and group
// commits of 128 txns.

import type { Txn } from '../src/core/requests/txn.ts';
import { makeZxid } from '../src/core/zxid.ts';
import { openIdbStore } from '../src/storage/idb/index.ts';
import { sampleTxn } from '../test/storage/txn-arbitrary.ts';

export interface PageFigures {
  readonly strictMs: number[];
  readonly rawStrictMs: number[];
  readonly rawRelaxedMs: number[];
  readonly batchTxns: number;
  readonly batchMs: number;
  readonly rawBatchTxns: number;
  readonly rawBatchMs: number;
}

/** One small strict transaction at a time through the adapter: append one 100-byte txn. */
async function latencies(dbName: string, n: number, epoch: number): Promise<number[]> {
  const store = await openIdbStore(dbName);
  await store.load();
  const out: number[] = [];
  for (let i = 1; i <= n; i++) {
    const txn = sampleTxn(makeZxid(epoch, i), 100);
    const t0 = performance.now();
    await store.persist([{ type: 'append', txns: [txn] }]);
    out.push(performance.now() - t0);
  }
  await store.close();
  return out;
}

/** Raw strict vs relaxed cost of one tiny transaction, without the adapter, to compare against. */
async function rawLatencies(dbName: string, durability: IDBTransactionDurability, n: number): Promise<number[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(dbName, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('s');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const tx = db.transaction('s', 'readwrite', { durability });
    tx.objectStore('s').put(new Uint8Array(100), i);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    out.push(performance.now() - t0);
  }
  db.close();
  return out;
}

/** Bare strict transactions of `size` puts of ~130-byte values: IndexedDB's own per-record cost. */
async function rawBatches(dbName: string, count: number, size: number): Promise<{ txns: number; ms: number }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(dbName, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('s');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const t0 = performance.now();
  for (let b = 0; b < count; b++) {
    const tx = db.transaction('s', 'readwrite', { durability: 'strict' });
    const s = tx.objectStore('s');
    for (let i = 0; i < size; i++) s.put({ crc: i, bytes: new Uint8Array(130) }, b * size + i);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }
  const ms = performance.now() - t0;
  db.close();
  return { txns: count * size, ms };
}

async function batches(dbName: string, count: number, size: number): Promise<{ txns: number; ms: number }> {
  const store = await openIdbStore(dbName);
  await store.load();
  const made: Txn[][] = [];
  for (let b = 0; b < count; b++) {
    made.push(Array.from({ length: size }, (_, i) => sampleTxn(makeZxid(1, b * size + i + 1), 100)));
  }
  const t0 = performance.now();
  for (const txns of made) await store.persist([{ type: 'append', txns }]);
  const ms = performance.now() - t0;
  await store.close();
  return { txns: count * size, ms };
}

async function runBench(strictN: number, batchCount: number, rawBatchCount: number): Promise<PageFigures> {
  const strictMs = await latencies('bench-strict', strictN, 1);
  const rawStrictMs = await rawLatencies('bench-raw-strict', 'strict', strictN);
  const rawRelaxedMs = await rawLatencies('bench-raw-relaxed', 'relaxed', strictN);
  const batch = await batches('bench-batch', batchCount, 128);
  const raw = await rawBatches('bench-raw-batch', rawBatchCount, 128);
  return { strictMs, rawStrictMs, rawRelaxedMs, batchTxns: batch.txns, batchMs: batch.ms, rawBatchTxns: raw.txns, rawBatchMs: raw.ms };
}

Object.assign(globalThis, { runBench, meshkeeperReady: true });
