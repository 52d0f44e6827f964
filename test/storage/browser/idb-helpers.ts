// Browser-side helpers for the IndexedDB tests: fresh database names, raw access to the stores
// (to damage records the way a broken disk would), and cleanup. Runs in Chromium, no node:*.

import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import type { Txn } from '../../../src/core/requests/txn.ts';
import type { Zxid } from '../../../src/core/zxid.ts';
import { sampleTxn, zxidRange } from '../txn-arbitrary.ts';

export function freshDbName(label: string): string {
  return `meshkeeper-test-${label}-${crypto.randomUUID()}`;
}

export function txns(epoch: number, from: number, to: number, dataBytes = 16): Txn[] {
  return zxidRange(epoch, from, to).map((z: Zxid) => sampleTxn(z, dataBytes));
}

/** Opens the database without the adapter, at whatever version it has. */
export async function rawDb(name: string): Promise<IDBPDatabase> {
  return openDB(name);
}

/** Rewrites one stored value in place; `change` gets a structured clone and returns the new value. */
export async function damage(name: string, store: string, key: IDBValidKey, change: (value: any) => unknown): Promise<void> {
  const db = await rawDb(name);
  const value: unknown = await db.get(store, key);
  if (value === undefined) throw new Error(`no ${store} record at ${String(key)}`);
  await db.put(store, change(value), key);
  db.close();
}

/** A copy of a record's bytes with one bit flipped at `index`. */
export function flipBit<T extends { bytes: Uint8Array }>(record: T, index = 0): T {
  const bytes = record.bytes.slice();
  bytes[index] = (bytes[index] ?? 0) ^ 0x10;
  return { ...record, bytes };
}

export async function keysOf(name: string, store: string): Promise<IDBValidKey[]> {
  const db = await rawDb(name);
  const keys = await db.getAllKeys(store);
  db.close();
  return keys;
}

export async function dropDb(name: string): Promise<void> {
  await deleteDB(name);
}
