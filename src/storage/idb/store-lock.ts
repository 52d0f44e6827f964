// One tab owns a peer's IndexedDB store: an exclusive Web Lock named after the database (which
// names the ensemble and the peer, see browser/tab-peer.ts) is held from open to close. A second
// open, in another tab or a worker of the same origin, fails at once with a StorageLockedError
// instead of interleaving its writes with the owner's; it succeeds once the owner closes the store,
// or its tab goes away (the browser releases a closed or crashed tab's locks).
// IndexedDB has no such guard of its own: two connections may both write, and two peers would then
// share one log and both vote with its epochs.

import { StorageLockedError } from '../durable-store.ts';

/** The Web Lock guarding database `dbName`. */
export const storeLockName = (dbName: string): string => `meshkeeper-store:${dbName}`;

/** Takes the lock or fails fast; resolves to its release. */
export function acquireStoreLock(dbName: string): Promise<() => void> {
  const where = `idb:${dbName}`;
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (locks === undefined) {
    // Web Locks exist in every current browser, but only in secure contexts (https, localhost).
    return Promise.reject(new StorageLockedError(where, 'cannot be guarded: Web Locks (navigator.locks) are unavailable here (not a secure context?)'));
  }
  const name = storeLockName(dbName);
  return new Promise((resolve, reject) => {
    const held = locks.request(name, { mode: 'exclusive', ifAvailable: true }, (lock) => {
      if (lock === null) {
        reject(new StorageLockedError(where, `is open in another tab (Web Lock "${name}" is held): only one tab may own this peer's store`));
        return undefined;
      }
      // The lock is held until this promise settles: until release() is called.
      return new Promise<void>((release) => resolve(release));
    });
    held.catch(reject);
  });
}
