// Snapshots of the replicated state (tree + sessions), written atomically: a reader sees a whole
// snapshot or none.

import type { Zxid } from '../core/zxid.ts';

export interface SnapshotInfo {
  readonly zxid: Zxid;
  /** Size of the snapshot's state in bytes. */
  readonly bytes: number;
}

export interface SnapshotStore {
  /**
   * Writes a compaction snapshot atomically and durably: the log after `zxid` stays, and the
   * adapter's retention (its newest N) applies at once.
   */
  write(zxid: Zxid, bytes: Uint8Array): Promise<void>;
  /** Stored snapshots, newest first. */
  list(): Promise<SnapshotInfo[]>;
  /** The newest snapshot whose checksum verifies, or undefined when there is none. */
  loadNewestValid(): Promise<{ zxid: Zxid; bytes: Uint8Array } | undefined>;
  /**
   * Keeps the newest `keep` (>= 1) snapshots and deletes the rest. Purging the log the deleted
   * ones alone needed is the TxnLog's purge, up to the oldest snapshot kept.
   */
  purge(keep: number): Promise<void>;
}
