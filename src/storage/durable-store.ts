// The one interface every storage adapter (memory, file, IndexedDB) implements: what the runtime
// calls with `ready().persist`, and what a restarting peer is built from. It is the core's
// PersistOp list made durable, nothing more: the adapter decides how (a TxnLog, a SnapshotStore and
// the epochs, see txn-log.ts and snapshot-store.ts), and proves it by passing the conformance suite.

import type { DurableState, PersistOp } from '../core/zab/durable.ts';

export interface DurableStore {
  /**
   * Recovery: the newest valid snapshot, the logged txns after it (a torn tail cut off), and the
   * epochs. Corruption before the tail is refused with a StorageCorruptError naming where.
   */
  load(): Promise<DurableState>;
  /**
   * Makes `ops` durable, in order, as one group commit (one fsync / one strict IndexedDB
   * transaction for the batch). Resolves only once everything is durable. A crash during it may
   * keep any prefix of the ops; never a later op without an earlier one.
   */
  persist(ops: readonly PersistOp[]): Promise<void>;
  /** Flushes and releases files or database connections. The store is unusable afterwards. */
  close(): Promise<void>;
}

/** Data on disk or in a database that cannot be read back: refused loudly, never skipped. */
export class StorageCorruptError extends Error {
  override readonly name = 'StorageCorruptError';
  constructor(
    /** The file or object store. */
    readonly where: string,
    /** Byte offset or record key. */
    readonly offset: number | string,
    detail: string,
  ) {
    super(`${where} @ ${String(offset)}: ${detail}`);
  }
}

/** The store is owned by another tab or process right now: one owner at a time, refused at open. */
export class StorageLockedError extends Error {
  override readonly name = 'StorageLockedError';
  constructor(
    /** The store, e.g. `idb:<database>`. */
    readonly where: string,
    detail: string,
  ) {
    super(`${where}: ${detail}`);
  }
}
