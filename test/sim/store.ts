// A peer's durable store in memory for the synchronous simulator: it keeps what the runtime
// persisted and survives the peer's crash (the async MemoryStore in src/storage has the same
// semantics for the runtime; this one applies ops in place, so long runs stay linear). A crash in
// the middle of a persist keeps only a prefix of the ops (and of an append's txns): a torn write,
// which the core must survive because nothing it promised rested on the lost part.

import type { Txn } from '../../src/core/requests/txn.ts';
import type { DurableState, PersistOp } from '../../src/core/zab/durable.ts';
import { tornPrefix } from '../../src/storage/memory.ts';
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

  /** Applies only what a torn write keeps: the first `keep` units (src/storage/memory.ts defines
   * the cut for every memory store, so the simulator crashes exactly as the adapter does). */
  persistTorn(ops: readonly PersistOp[], keep: number): void {
    for (const op of tornPrefix(ops, keep)) this.apply(op);
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
