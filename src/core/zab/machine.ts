// The replicated state machine as ZAB sees it: the protocol never looks inside. The real one wraps
// the DataTree with prep/final (tree-machine.ts); tests use a small register machine. Contract:
// apply is deterministic and called with strictly growing zxids; prep runs only on the leader,
// against its view of changes proposed but not yet applied, which clearPending drops.

import type { Id } from '../acl/types.ts';
import type { Reply } from '../requests/reply.ts';
import type { Request, WriteRequest } from '../requests/request.ts';
import type { Txn, TxnBody, TxnHeader } from '../requests/txn.ts';
import type { PeerId, SessionId } from '../util/ids.ts';
import type { Delivery } from '../watches/registry.ts';
import type { Zxid } from '../zxid.ts';

export interface ApplyResult {
  readonly reply: Reply;
  /** Watch events for sessions, in firing order (delivered by the peer those clients are on). */
  readonly deliveries: readonly Delivery[];
}

/**
 * The leader-side session tracker (ZooKeeper's SessionTracker), when the machine has sessions.
 * Replicated session state changes only when createSession/closeSession txns apply; the rest is
 * the leader's volatile bookkeeping in ticks.
 */
export interface SessionPort {
  /** This peer now leads `epoch`: every live session gets its full timeout from `nowTick`. */
  lead(epoch: number, nowTick: number): void;
  stopLeading(): void;
  /** Mints a session for a connecting client; throws a KeeperError (THROTTLEDOP) when full. */
  create(timeoutMs: number, nowTick: number, owner: PeerId): { readonly sessionId: SessionId; readonly body: TxnBody };
  /**
   * The client reconnected through `owner`: requests for the session from any other peer now fail
   * with SESSIONMOVED, so a write left behind at the old peer cannot overtake the session's newer
   * ones. False if the session is unknown or closing.
   */
  revalidate(session: SessionId, owner: PeerId): boolean;
  /** The session's negotiated timeout, and whether a closeSession is on its way (known for sure
   * only at the leader; a learner learns it when the txn applies). Undefined when unknown. */
  lookup(session: SessionId): { readonly timeoutMs: number; readonly closing: boolean } | undefined;
  /** A request or ping from the session; false when it is unknown or closing. */
  touch(session: SessionId, nowTick: number): boolean;
  /** Marks a session closing ahead of its closeSession txn; false if unknown or already closing. */
  markClosing(session: SessionId): boolean;
  /** Sessions past their deadline, each once, now marked closing. */
  expired(nowTick: number): SessionId[];
}

export interface StateMachine {
  /** Present when the machine tracks sessions (the DataTree does; test machines may not). */
  readonly sessions?: SessionPort;
  /** zxid of the last applied txn (the snapshot's, right after a restore). */
  readonly lastZxid: Zxid;
  /** Applies the next committed txn; `nowTick` is this peer's clock (session deadlines). */
  apply(txn: Txn, nowTick: number): ApplyResult;
  /** Leader only: a write request made deterministic, given its header (zxid, time, session), the
   * peer it came through (the session's owner) and, for a forwarded one, the ids the client proved
   * there (default: the ids it proved here). */
  prep(header: TxnHeader, request: WriteRequest, origin: PeerId, authIds?: readonly Id[]): TxnBody;
  /** The ids a session connected here has proven (auth), to forward with its writes. */
  authIds?(session: SessionId): readonly Id[];
  /** Leader only: a txn the core built itself (createSession, closeSession) joins the pending view. */
  record(header: TxnHeader, body: TxnBody): void;
  /** Forget prepared-but-unapplied changes (leadership lost or a new epoch began). */
  clearPending(): void;
  /**
   * Leader only, when the machine has containers and TTL nodes: the deleteContainer txns for empty
   * containers and expired TTL nodes at txn time `timeMs` (ZooKeeper's ContainerManager), prepped
   * against the pending view but not recorded: the core gives each a header and records it.
   */
  sweep?(timeMs: number): readonly TxnBody[];
  /** Answers a request that does not change state, from the local replica. */
  read(session: SessionId, request: Request): Reply;
  /** A hash of the whole state: equal states give equal digests. */
  digest(): string;
  serialize(): Uint8Array;
}

/** Builds an empty machine, or one restored from snapshot bytes taken at `zxid`. */
export type StateMachineFactory = (snapshot?: { readonly zxid: Zxid; readonly bytes: Uint8Array }) => StateMachine;
