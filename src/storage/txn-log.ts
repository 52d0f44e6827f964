// The transaction log: txns in zxid order, appended in durable batches (group commit).

import type { Txn } from '../core/requests/txn.ts';
import type { Zxid } from '../core/zxid.ts';

export interface TxnLog {
  /** Appends a batch durably, as one write; zxids strictly increase and follow lastZxid(). */
  append(txns: readonly Txn[]): Promise<void>;
  /** Logged txns with zxid > afterZxid, in order. */
  read(afterZxid: Zxid): Promise<Txn[]>;
  /** Removes every txn with zxid > afterZxid, durably (ZAB's TRUNC). */
  truncate(afterZxid: Zxid): Promise<void>;
  /**
   * Drops txns with zxid <= upToZxid, which the oldest kept snapshot covers. An adapter may keep
   * some of them (the file log frees whole segments only); read() and recovery skip them anyway.
   */
  purge(upToZxid: Zxid): Promise<void>;
  /** The newest zxid the log follows on from: its last txn, or the snapshot a SNAP restarted it at. */
  lastZxid(): Zxid;
}
