// The live sessions of an ensemble, as one peer holds them (ZooKeeper's SessionTrackerImpl plus
// ZKDatabase's sessionsWithTimeout).
//
// Two kinds of state live here:
// - Replicated: which sessions exist and their timeouts. It changes only when a createSession or
//   closeSession txn commits (applyCreate / applyClose, identical on every replica), and it is what
//   a snapshot holds. Both are idempotent, because a fuzzy snapshot's log replay re-applies txns.
// - Leader-side and volatile: deadlines (an ExpiryQueue in ticks), the owner peer (the peer the
//   client is connected to, for SESSIONMOVED), the closing mark, and sessions the leader has minted
//   but not yet committed (ZooKeeper's trackSession at prep). `lead` starts a new leadership: it
//   forgets all of that and gives every session its full timeout again, as ZooKeeper's new leader
//   does when it builds its SessionTracker.
// Every replica keeps deadlines so that a follower that becomes leader has a queue to reset; only
// the leader acts on `expired`.

import type { CreateSessionTxn } from '../requests/txn.ts';
import { Code, KeeperError } from '../errors.ts';
import { assert } from '../util/assert.ts';
import type { PeerId, SessionId } from '../util/ids.ts';
import { limits } from '../util/limits.ts';
import { ExpiryQueue } from './expiry-queue.ts';
import type { SessionTimeoutBounds, SessionTimeoutConfig } from './negotiate.ts';
import { negotiateTimeout, sessionTimeoutBounds, ticksFor } from './negotiate.ts';
import { makeSessionId, sessionIdToString } from './session-id.ts';
import { decodeSessions, encodeSessions } from './session-snapshot.ts';

export interface Session {
  readonly id: SessionId;
  readonly timeoutMs: number;
  readonly timeoutTicks: number;
  /** The peer the client is connected to; undefined until a request or revalidation names it. */
  readonly owner: PeerId | undefined;
  /** A closeSession is on its way: the session takes no more requests and no more touches. */
  readonly closing: boolean;
  /** False between the leader's createSession and the commit of its txn. */
  readonly committed: boolean;
}

export interface NewSession {
  readonly sessionId: SessionId;
  /** The txn body to propose; its header carries `sessionId`. */
  readonly body: CreateSessionTxn;
}

export interface SessionTableOptions {
  /** Defaults to limits.sessions_max (tests pass a small one). */
  readonly sessionsMax?: number;
}

type MutableSession = { -readonly [K in keyof Session]: Session[K] };

export class SessionTable {
  private readonly sessions = new Map<SessionId, MutableSession>();
  private readonly queue = new ExpiryQueue<SessionId>();
  private readonly bounds: SessionTimeoutBounds;
  private readonly sessionsMax: number;
  /** The epoch this peer leads and mints ids in; undefined while it does not lead. */
  private epoch: number | undefined;
  /** The last epoch this peer led: epochs only grow, or ids could repeat. */
  private lastEpoch = -1;
  private counter = 0;

  constructor(config: SessionTimeoutConfig, options: SessionTableOptions = {}) {
    this.bounds = sessionTimeoutBounds(config);
    this.sessionsMax = options.sessionsMax ?? limits.sessions_max;
  }

  get timeoutBounds(): SessionTimeoutBounds {
    return this.bounds;
  }

  /** Sessions known here, committed or minted by this leader. */
  get size(): number {
    return this.sessions.size;
  }

  get(id: SessionId): Session | undefined {
    return this.sessions.get(id);
  }

  /** Committed session ids, ascending. */
  ids(): SessionId[] {
    return [...this.sessions.values()].filter((s) => s.committed).map((s) => s.id).sort((a, b) => a - b);
  }

  deadlineOf(id: SessionId): number | undefined {
    return this.queue.deadlineOf(id);
  }

  // ---- replicated: called when a txn commits, on every replica, in zxid order ----

  /** A createSession txn committed. Idempotent (log replay over a fuzzy snapshot). */
  applyCreate(id: SessionId, timeoutMs: number, nowTick: number): void {
    const existing = this.sessions.get(id);
    if (existing !== undefined) {
      existing.committed = true;
      return;
    }
    const timeoutTicks = ticksFor(timeoutMs, this.bounds.tickMs);
    this.sessions.set(id, { id, timeoutMs, timeoutTicks, owner: undefined, closing: false, committed: true });
    this.queue.touch(id, timeoutTicks, nowTick);
  }

  /** A closeSession txn committed (a client's close or an expiry). Idempotent. */
  applyClose(id: SessionId): void {
    this.sessions.delete(id);
    this.queue.remove(id);
  }

  // ---- leader side ----

  /** This peer now leads `epoch`: mint ids in it, forget uncommitted sessions, closing marks and
   * owners, and give every session its full timeout from `nowTick`. */
  lead(epoch: number, nowTick: number): void {
    assert(epoch > this.lastEpoch, `epoch ${epoch} does not follow ${this.lastEpoch}`);
    this.epoch = epoch;
    this.lastEpoch = epoch;
    this.counter = 0;
    for (const session of [...this.sessions.values()]) {
      if (!session.committed) this.sessions.delete(session.id);
      session.closing = false;
      session.owner = undefined;
    }
    this.resetDeadlines(nowTick);
  }

  /** This peer no longer leads: it stops minting ids. */
  stopLeading(): void {
    this.epoch = undefined;
  }

  /** Every session's deadline becomes its full timeout from `nowTick` (after a leader change). */
  resetDeadlines(nowTick: number): void {
    this.queue.clear();
    for (const session of this.sessions.values()) {
      if (!session.closing) this.queue.touch(session.id, session.timeoutTicks, nowTick);
    }
  }

  /** Prep for a ConnectRequest without a session: negotiates the timeout, mints an id, tracks the
   * session from now, and returns the txn to propose. Throws THROTTLEDOP at sessions_max. */
  createSession(requestedTimeoutMs: number, nowTick: number, owner?: PeerId): NewSession {
    assert(this.epoch !== undefined, 'only a leader mints session ids');
    const { timeoutMs, timeoutTicks } = negotiateTimeout(requestedTimeoutMs, this.bounds);
    if (this.sessions.size >= this.sessionsMax) {
      throw new KeeperError(Code.THROTTLEDOP, `${this.sessions.size} sessions, the limit is ${this.sessionsMax}`);
    }
    this.counter += 1;
    const id = makeSessionId(this.epoch, this.counter);
    assert(!this.sessions.has(id), `session id ${sessionIdToString(id)} minted twice`);
    this.sessions.set(id, { id, timeoutMs, timeoutTicks, owner, closing: false, committed: false });
    this.queue.touch(id, timeoutTicks, nowTick);
    return { sessionId: id, body: { type: 'createSession', timeoutMs } };
  }

  /** A ping or request from the session: push its deadline out. False if the session is unknown or
   * closing (the caller then tells the client its session expired). */
  touch(id: SessionId, nowTick: number): boolean {
    const session = this.sessions.get(id);
    if (session === undefined || session.closing) return false;
    this.queue.touch(id, session.timeoutTicks, nowTick);
    return true;
  }

  /** ZooKeeper's checkSession: SESSIONEXPIRED if unknown or closing; the first owner seen is
   * adopted, another owner is SESSIONMOVED. */
  checkSession(id: SessionId, owner?: PeerId): void {
    const session = this.sessions.get(id);
    if (session === undefined || session.closing) {
      throw new KeeperError(Code.SESSIONEXPIRED, `session ${sessionIdToString(id)} is ${session ? 'closing' : 'unknown'}`);
    }
    if (owner === undefined) return;
    if (session.owner === undefined) session.owner = owner;
    else if (session.owner !== owner) {
      throw new KeeperError(Code.SESSIONMOVED, `session ${sessionIdToString(id)} is owned by peer ${session.owner}`);
    }
  }

  /** The client reconnected through `owner` (revalidation). */
  setOwner(id: SessionId, owner: PeerId): void {
    const session = this.sessions.get(id);
    if (session === undefined || session.closing) {
      throw new KeeperError(Code.SESSIONEXPIRED, `session ${sessionIdToString(id)} cannot move`);
    }
    session.owner = owner;
  }

  /** Prep of a closeSession: no more requests or touches, and no expiry while the txn is on its
   * way. False if the session is unknown or already closing (no second closeSession needed). */
  markClosing(id: SessionId): boolean {
    const session = this.sessions.get(id);
    if (session === undefined || session.closing) return false;
    session.closing = true;
    this.queue.remove(id);
    return true;
  }

  /** Sessions whose deadline has passed, each once, by deadline then id; they are marked closing
   * and the leader proposes a closeSession txn for each. */
  expired(nowTick: number): SessionId[] {
    const ids = this.queue.expired(nowTick);
    for (const id of ids) {
      const session = this.sessions.get(id);
      assert(session !== undefined && !session.closing, `queued session ${sessionIdToString(id)} is not live`);
      session.closing = true;
    }
    return ids;
  }

  // ---- snapshots ----

  /** The committed sessions as deterministic bytes (ZooKeeper's snapshot layout). */
  serialize(): Uint8Array {
    return encodeSessions([...this.sessions.values()].filter((s) => s.committed));
  }

  /** Restores committed sessions; each gets its full timeout from `nowTick`. Damaged bytes throw
   * MARSHALLINGERROR. */
  static deserialize(
    bytes: Uint8Array,
    config: SessionTimeoutConfig,
    nowTick: number,
    options: SessionTableOptions = {},
  ): SessionTable {
    const table = new SessionTable(config, options);
    for (const { id, timeoutMs } of decodeSessions(bytes)) table.applyCreate(id, timeoutMs, nowTick);
    return table;
  }
}
