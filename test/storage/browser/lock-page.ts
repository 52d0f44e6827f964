// Browser entry for idb-lock.test.ts: each tab can open and close a peer's IndexedDB store and say
// what happened, so the Node side can check that one tab at a time owns it.

import { openIdbStore, type IdbStore } from '../../../src/storage/idb/index.ts';

export type OpenResult = { readonly opened: true } | { readonly opened: false; readonly name: string; readonly message: string; readonly ms: number };

const stores = new Map<string, IdbStore>();

async function openStore(dbName: string): Promise<OpenResult> {
  const t0 = performance.now();
  try {
    const store = await openIdbStore(dbName);
    await store.load();
    stores.set(dbName, store);
    return { opened: true };
  } catch (e) {
    const error = e as Error;
    return { opened: false, name: error.name, message: error.message, ms: performance.now() - t0 };
  }
}

async function closeStore(dbName: string): Promise<void> {
  await stores.get(dbName)?.close();
  stores.delete(dbName);
}

Object.assign(globalThis, { openStore, closeStore, meshkeeperReady: true });
