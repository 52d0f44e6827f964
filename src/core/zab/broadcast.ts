// The leader in BROADCAST: turn a write into a txn (prep), give it the next zxid and the leader's
// tick time, log it and send PROPOSAL to followers in the stream; commit, in zxid order, once a
// quorum including the leader itself (after its own log write is durable) has ACKed; then COMMIT to
// followers and INFORM to observers. A counter about to run out forces a new epoch.
// ACK and COMMIT are cumulative (a watermark), so a batch costs one of each per follower: a
// follower logs proposals in zxid order on a FIFO link, so its ACK of zxid z vouches for every
// proposal up to z; the leader commits the highest zxid a quorum vouches for, and one COMMIT of
// it commits everything before it too.

import type { Id } from '../acl/types.ts';
import type { RequestMessage } from '../messages.ts';
import { isWriteRequest, type Request } from '../requests/request.ts';
import type { Txn, TxnBody, TxnHeader } from '../requests/txn.ts';
import type { PeerId, SessionId } from '../util/ids.ts';
import { makeZxid, ZXID_ZERO, type Zxid } from '../zxid.ts';
import type { CoreState } from './core-state.ts';
import type { LeaderState } from './leading.ts';
import { inStream, type LearnerHandler } from './learner-handler.ts';
import { isVoter } from './config.ts';
import { quorumSize } from './quorum.ts';
import { becomeLooking } from './transitions.ts';

/** Orders a write: prep, zxid, log, PROPOSAL. False when the leader had to step down instead. */
export function propose(
  core: CoreState,
  state: LeaderState,
  session: SessionId,
  cxid: number,
  request: Request,
  origin: PeerId,
  authIds?: readonly Id[],
): boolean {
  if (!isWriteRequest(request)) return true;
  return proposeWith(core, state, session, cxid, (header) => core.machine.prep(header, request, origin, authIds));
}

/** Orders a txn whose body `build` makes from its header (prep, or a session txn). */
export function proposeWith(
  core: CoreState,
  state: LeaderState,
  session: SessionId,
  cxid: number,
  build: (header: TxnHeader) => TxnBody,
): boolean {
  if (state.nextCounter >= core.config.zxidCounterMax) {
    // ZooKeeper's zxid rollover: a new election starts a new epoch with a fresh counter.
    becomeLooking(core);
    return false;
  }
  const zxid = makeZxid(state.epoch, state.nextCounter++);
  const header: TxnHeader = { sessionId: session, cxid, zxid, time: core.timeMs };
  const txn: Txn = { header, body: build(header) };
  core.logTxn(txn);
  core.stats.proposals++;
  core.trace({ type: 'proposed', txn });
  const proposal = { type: 'proposal', txn } as const; // immutable: one object for every follower
  for (const h of state.handlers.values()) {
    if (!h.observer && inStream(h)) core.send(h.peer, proposal);
  }
  return true;
}

/** A follower's cumulative ACK: it has durably logged every proposal up to `zxid`. */
export function onAck(core: CoreState, state: LeaderState, handler: LearnerHandler, zxid: Zxid): void {
  if (handler.observer || (handler.phase !== 'synced' && handler.phase !== 'uptodate') || zxid > core.log.lastZxid) {
    // Late ACKs for committed proposals are normal; others are not.
    if (zxid > core.committedZxid) core.stats.unexpected++;
    return;
  }
  if (zxid <= handler.ackedZxid) return;
  handler.ackedZxid = zxid;
  tryCommit(core, state);
}

/** A NEWLEADER ACK vouches for every txn the sync carried, including proposals in flight then. */
export function creditSyncedAcks(handler: LearnerHandler): void {
  if (handler.syncedTo > handler.ackedZxid) handler.ackedZxid = handler.syncedTo;
}

/** Commits up to the highest zxid that a quorum (the leader's durable log included) has logged. */
export function tryCommit(core: CoreState, state: LeaderState): void {
  if (state.phase !== 'broadcast') return;
  const watermark = quorumWatermark(core, state);
  if (watermark > core.committedZxid) commitThrough(core, state, watermark);
}

/**
 * The largest zxid that a quorum holds durably, the leader's own durable log always among them (so
 * the leader never applies and answers a txn it could lose): the smaller of its durable zxid and
 * the (quorum - 1)-th largest follower mark.
 */
function quorumWatermark(core: CoreState, state: LeaderState): Zxid {
  const marks: Zxid[] = [];
  for (const h of state.handlers.values()) {
    if (!h.observer && (h.phase === 'synced' || h.phase === 'uptodate') && isVoter(core.config, h.peer)) marks.push(h.ackedZxid);
  }
  const others = quorumSize(core.config) - 1;
  if (others === 0) return core.durableZxid;
  if (marks.length < others) return core.committedZxid;
  marks.sort((a, b) => b - a);
  return Math.min(core.durableZxid, marks[others - 1] ?? ZXID_ZERO) as Zxid;
}

function commitThrough(core: CoreState, state: LeaderState, zxid: Zxid): void {
  const from = core.committedZxid;
  const informed = [...state.handlers.values()].some((h) => h.observer && inStream(h));
  const txns = informed ? core.log.between(from, zxid) : undefined;
  core.stats.commits += txns?.length ?? core.log.countThrough(zxid) - core.log.countThrough(from);
  const commit = { type: 'commit', zxid } as const;
  for (const h of state.handlers.values()) {
    if (!inStream(h)) continue;
    if (!h.observer) core.send(h.peer, commit);
    else if (txns !== undefined) for (const txn of txns) core.send(h.peer, { type: 'inform', txn });
  }
  core.commitUpTo(zxid);
}

/** A learner forwarded its client's write or sync. */
export function onRequest(core: CoreState, state: LeaderState, handler: LearnerHandler, message: RequestMessage): void {
  if (state.phase !== 'broadcast' || handler.phase !== 'uptodate') {
    core.stats.unexpected++;
    return;
  }
  if (message.request.type === 'sync') {
    const reply = { type: 'sync-reply', session: message.session, cxid: message.cxid, zxid: core.log.lastZxid } as const;
    core.send(handler.peer, reply);
    return;
  }
  if (!isWriteRequest(message.request)) {
    core.stats.unexpected++;
    return;
  }
  touchSession(core, message.session);
  propose(core, state, message.session, message.cxid, message.request, handler.peer, message.authIds);
}

/** A client's request or ping reached the leader (directly or through a learner). */
export function touchSession(core: CoreState, session: SessionId): void {
  core.machine.sessions?.touch(session, core.now);
}
