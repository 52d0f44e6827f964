// Snapshots of the replicated state (tree + sessions), written atomically: a reader sees a whole
// snapshot or none.

import type { Zxid } from '../core/zxid.ts';

export interface SnapshotInfo {
  readonly zxid: Zxid;
  readonly bytes: number;
}

export interface SnapshotStore {
  /** Writes atomically and durably. */
  write(zxid: Zxid, bytes: Uint8Array): Promise<void>;
  /** Stored snapshots, newest first. */
  list(): Promise<SnapshotInfo[]>;
  /** The newest snapshot whose checksum verifies, or undefined when there is none. */
  loadNewestValid(): Promise<{ zxid: Zxid; bytes: Uint8Array } | undefined>;
  /** Keeps the newest `keep` snapshots and deletes the rest. */
  purge(keep: number): Promise<void>;
}
