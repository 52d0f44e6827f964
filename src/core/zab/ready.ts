// What the core hands the runtime in one Ready, and the order the runtime must honour:
// persist (durably) -> send -> deliver applied/replies -> advance(ready).

import type { Outgoing, ServerState } from '../messages.ts';
import type { Reply } from '../requests/reply.ts';
import type { Txn } from '../requests/txn.ts';
import type { PeerId, SessionId } from '../util/ids.ts';
import type { Delivery } from '../watches/registry.ts';
import type { Zxid } from '../zxid.ts';
import type { PersistOp } from './durable.ts';

export interface AppliedTxn {
  readonly txn: Txn;
  readonly reply: Reply;
  readonly deliveries: readonly Delivery[];
}

/** The answer to a request a client submitted at this peer. */
export interface ClientReply {
  readonly session: SessionId;
  readonly cxid: number;
  readonly reply: Reply;
  /** For a write: the zxid of its txn (absent on errors the pipeline never ordered). */
  readonly zxid?: Zxid;
}

/** What happened, for observers of the peer (UI, simulator checkers); no effect on the protocol. */
export type Trace =
  | { readonly type: 'role'; readonly role: ServerState; readonly leader?: PeerId }
  | { readonly type: 'established'; readonly epoch: number }
  | { readonly type: 'proposed'; readonly txn: Txn }
  /** A learner took its leader's DIFF, TRUNC (to `zxid`) or SNAP (at `zxid`), with `txns` txns. */
  | { readonly type: 'synced'; readonly mode: 'diff' | 'trunc' | 'snap'; readonly zxid: Zxid; readonly txns: number }
  /** The state machine was replaced by a snapshot taken at `zxid` (SNAP). */
  | { readonly type: 'restored'; readonly zxid: Zxid };

export interface Ready {
  readonly persist: readonly PersistOp[];
  readonly send: readonly Outgoing[];
  readonly applied: readonly AppliedTxn[];
  readonly replies: readonly ClientReply[];
  readonly trace: readonly Trace[];
}

export const isEmptyReady = (r: Ready): boolean =>
  r.persist.length === 0 && r.send.length === 0 && r.applied.length === 0 && r.replies.length === 0 &&
  r.trace.length === 0;
