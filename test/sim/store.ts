// A peer's durable store in memory: it keeps what the runtime persisted and survives the peer's
// crash. A crash in the middle of a persist keeps only a prefix of the ops (and of an append's txns):
// a torn write, which the core must survive because nothing it promised rested on the lost part.

import type { Txn } from '../../src/core/requests/txn.ts';
import type { DurableState, PersistOp } from '../../src/core/zab/durable.ts';
import type { Zxid } from '../../src/core/zxid.ts';

export class MemoryStore {
  acceptedEpoch = 0;
  currentEpoch = 0;
  snapshot: { zxid: Zxid; bytes: Uint8Array } | undefined;
  private log: Txn[] = [];
  writes = 0;

  /** What a restarting peer is constructed from. */
  durable(): DurableState {
    const base = { acceptedEpoch: this.acceptedEpoch, currentEpoch: this.currentEpoch, log: [...this.log] };
    return this.snapshot === undefined ? base : { ...base, snapshot: this.snapshot };
  }

  persist(ops: readonly PersistOp[]): void {
    for (const op of ops) this.apply(op);
    if (ops.length > 0) this.writes++;
  }

  /** Applies ops up to a cut point: `keep` counts ops, and txns inside an append. */
  persistTorn(ops: readonly PersistOp[], keep: number): void {
    let left = keep;
    for (const op of ops) {
      if (left <= 0) return;
      if (op.type === 'append' && op.txns.length > left) {
        this.apply({ type: 'append', txns: op.txns.slice(0, left) });
        return;
      }
      this.apply(op);
      left -= op.type === 'append' ? op.txns.length : 1;
    }
  }

  private apply(op: PersistOp): void {
    switch (op.type) {
      case 'append':
        for (const txn of op.txns) this.log.push(txn);
        return;
      case 'truncate':
        this.log = this.log.filter((t) => t.header.zxid <= op.zxid);
        return;
      case 'snapshot':
        this.snapshot = { zxid: op.zxid, bytes: op.bytes };
        this.log = op.replace ? [] : this.log.filter((t) => t.header.zxid > op.zxid);
        return;
      case 'acceptedEpoch':
        this.acceptedEpoch = op.epoch;
        return;
      case 'currentEpoch':
        this.currentEpoch = op.epoch;
        return;
    }
  }
}

/** The number of units persistTorn counts for `ops` (ops, with appends counted per txn). */
export const persistUnits = (ops: readonly PersistOp[]): number =>
  ops.reduce((n, op) => n + (op.type === 'append' ? op.txns.length : 1), 0);
