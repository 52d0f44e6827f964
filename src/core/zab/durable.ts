// What a peer keeps durably, and the ordered ops the core asks the runtime to make durable.
// Ops are applied in order; a crash may keep any prefix of them (and a prefix of an append's txns),
// which is why the core always emits them in causal order: log before epochs that vouch for it.

import type { Txn } from '../requests/txn.ts';
import type { Zxid } from '../zxid.ts';

export interface DurableState {
  readonly acceptedEpoch: number;
  readonly currentEpoch: number;
  /** The newest snapshot, if any: the state machine's bytes after applying up to `zxid`. */
  readonly snapshot?: { readonly zxid: Zxid; readonly bytes: Uint8Array };
  /** Logged txns in zxid order (entries at or below the snapshot's zxid are ignored). */
  readonly log: readonly Txn[];
}

export const emptyDurableState: DurableState = { acceptedEpoch: 0, currentEpoch: 0, log: [] };

export type PersistOp =
  | { readonly type: 'append'; readonly txns: readonly Txn[] }
  /** Drop logged txns after `zxid`. */
  | { readonly type: 'truncate'; readonly zxid: Zxid }
  /**
   * Store a snapshot. `replace`: the log is emptied and restarts at `zxid` (SNAP from a leader);
   * otherwise txns up to `zxid` may be purged (compaction).
   */
  | { readonly type: 'snapshot'; readonly zxid: Zxid; readonly bytes: Uint8Array; readonly replace: boolean }
  | { readonly type: 'acceptedEpoch'; readonly epoch: number }
  | { readonly type: 'currentEpoch'; readonly epoch: number };

/** Applies ops to a durable state (memory stores and tests share this one definition). */
export function applyPersistOps(state: DurableState, ops: readonly PersistOp[]): DurableState {
  let next = state;
  for (const op of ops) next = applyPersistOp(next, op);
  return next;
}

export function applyPersistOp(state: DurableState, op: PersistOp): DurableState {
  switch (op.type) {
    case 'append':
      return { ...state, log: [...state.log, ...op.txns] };
    case 'truncate':
      return { ...state, log: state.log.filter((t) => t.header.zxid <= op.zxid) };
    case 'snapshot': {
      const snapshot = { zxid: op.zxid, bytes: op.bytes };
      const log = op.replace ? [] : state.log.filter((t) => t.header.zxid > op.zxid);
      return { ...state, snapshot, log };
    }
    case 'acceptedEpoch':
      return { ...state, acceptedEpoch: op.epoch };
    case 'currentEpoch':
      return { ...state, currentEpoch: op.epoch };
  }
}
