// What the core hands the runtime in one Ready, and the order the runtime must honour:
// persist (durably) -> send -> deliver applied/replies -> advance(ready).

import type { Outgoing, ServerState } from '../messages.ts';
import type { Reply } from '../requests/reply.ts';
import type { ConnectAnswer } from '../sessions/connect.ts';
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

/** The answer to a request a client submitted at this peer (or to a connect: cxid = its token). */
export interface ClientReply {
  readonly session: SessionId;
  readonly cxid: number;
  readonly reply: Reply;
  /**
   * ZooKeeper's ReplyHeader.zxid: for a write, the zxid of its txn; otherwise the last zxid this
   * peer had applied when it answered. Clients keep the largest as lastZxidSeen. Absent only on
   * answers of a peer that is not serving.
   */
  readonly zxid?: Zxid;
  /** Present exactly on the answers to connects (ok or refused). */
  readonly connect?: ConnectAnswer;
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
  /**
   * The order of client outputs: replies[i] follows the watch events of the first replyAfter[i]
   * applied txns and precedes the rest. A client must get them in that order (ZooKeeper's one
   * stream per connection): an event before the reply that set its watch, or a reply showing data
   * before the event that data triggered, are both wrong. Absent: every event before every reply.
   */
  readonly replyAfter?: readonly number[];
  readonly trace: readonly Trace[];
}

export const isEmptyReady = (r: Ready): boolean =>
  r.persist.length === 0 && r.send.length === 0 && r.applied.length === 0 && r.replies.length === 0 &&
  r.trace.length === 0;
