// The leader in BROADCAST: turn a write into a txn (prep), give it the next zxid and the leader's
// tick time, log it and send PROPOSAL to followers in the stream; commit, in zxid order, once a
// quorum including the leader itself (after its own log write is durable) has ACKed; then COMMIT to
// followers and INFORM to observers. A counter about to run out forces a new epoch.

import type { RequestMessage } from '../messages.ts';
import { isWriteRequest, type Request } from '../requests/request.ts';
import type { Txn, TxnBody, TxnHeader } from '../requests/txn.ts';
import type { PeerId, SessionId } from '../util/ids.ts';
import { makeZxid, type Zxid } from '../zxid.ts';
import type { CoreState } from './core-state.ts';
import type { LeaderState } from './leading.ts';
import { inStream, type LearnerHandler } from './learner-handler.ts';
import { isQuorum } from './quorum.ts';
import { becomeLooking } from './transitions.ts';

/** Orders a write: prep, zxid, log, PROPOSAL. False when the leader had to step down instead. */
export function propose(
  core: CoreState,
  state: LeaderState,
  session: SessionId,
  cxid: number,
  request: Request,
  origin: PeerId,
): boolean {
  if (!isWriteRequest(request)) return true;
  return proposeWith(core, state, session, cxid, (header) => core.machine.prep(header, request, origin));
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
  state.outstanding.set(zxid, new Set());
  for (const h of state.handlers.values()) {
    if (!h.observer && inStream(h)) core.send(h.peer, { type: 'proposal', txn });
  }
  return true;
}

export function onAck(core: CoreState, state: LeaderState, handler: LearnerHandler, zxid: Zxid): void {
  const acks = state.outstanding.get(zxid);
  if (handler.observer || acks === undefined || (handler.phase !== 'synced' && handler.phase !== 'uptodate')) {
    // Late ACKs for committed proposals are normal; others are not.
    if (acks !== undefined || zxid > core.committedZxid) core.stats.unexpected++;
    return;
  }
  acks.add(handler.peer);
  tryCommit(core, state);
}

/** A NEWLEADER ACK vouches for every txn the sync carried, including proposals in flight then. */
export function creditSyncedAcks(state: LeaderState, handler: LearnerHandler): void {
  for (const [zxid, acks] of state.outstanding) if (zxid <= handler.syncedTo) acks.add(handler.peer);
}

export function tryCommit(core: CoreState, state: LeaderState): void {
  for (const [zxid, acks] of state.outstanding) {
    if (zxid > core.durableZxid || !isQuorum(core.config, [core.id, ...acks])) return;
    state.outstanding.delete(zxid);
    commit(core, state, zxid);
  }
}

function commit(core: CoreState, state: LeaderState, zxid: Zxid): void {
  core.stats.commits++;
  const txn = core.log.get(zxid);
  for (const h of state.handlers.values()) {
    if (!inStream(h)) continue;
    if (!h.observer) core.send(h.peer, { type: 'commit', zxid });
    else if (txn !== undefined) core.send(h.peer, { type: 'inform', txn });
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
  propose(core, state, message.session, message.cxid, message.request, handler.peer);
}

/** A client's request or ping reached the leader (directly or through a learner). */
export function touchSession(core: CoreState, session: SessionId): void {
  core.machine.sessions?.touch(session, core.now);
}
