// The LEADING role through discovery and synchronisation (ZooKeeper's Leader.lead): gather
// FOLLOWERINFO from a quorum, fix newEpoch = max(acceptedEpoch) + 1, gather a quorum of fresh
// ACKEPOCHs, record currentEpoch, synchronise every learner, and once a quorum (itself included,
// after its own state is durable) has ACKed NEWLEADER, commit its whole history and send UPTODATE.
// Broadcast itself lives in broadcast.ts. The leader steps down when it cannot establish itself
// within initLimit ticks, or later loses a quorum of live followers for syncLimit ticks.

import type { PeerMessage } from '../messages.ts';
import { NO_SESSION, type PeerId } from '../util/ids.ts';
import { limits } from '../util/limits.ts';
import { ZXID_ZERO, type Zxid } from '../zxid.ts';
import { isObserver, isVoter } from './config.ts';
import type { CoreState } from './core-state.ts';
import { creditSyncedAcks, onAck, onRequest, proposeWith, touchSession, tryCommit } from './broadcast.ts';
import { expireSessions, leaderClose, leaderConnect, leaderRevalidate } from './leader-sessions.ts';
import { inStream, newLeaderZxid, syncLearner, type LearnerHandler } from './learner-handler.ts';
import { isQuorum } from './quorum.ts';
import { becomeLooking } from './transitions.ts';

export type LeaderPhase = 'discovery' | 'epoch' | 'sync' | 'broadcast';

export interface LeaderState {
  phase: LeaderPhase;
  /** The new epoch, once fixed. */
  epoch: number;
  readonly startedAt: number;
  /** The leader's (currentEpoch, lastZxid) when it started: learners ahead of it are refused. */
  readonly summary: { readonly currentEpoch: number; readonly lastZxid: Zxid };
  readonly handlers: Map<PeerId, LearnerHandler>;
  /** Voters whose fresh ACKEPOCH counts towards the epoch quorum. */
  readonly electing: Set<PeerId>;
  readonly newLeaderAcks: Set<PeerId>;
  selfNewLeaderAcked: boolean;
  nextCounter: number;
}

export function startLeading(core: CoreState): LeaderState {
  core.stats.leaderships++;
  const state: LeaderState = {
    phase: 'discovery',
    epoch: -1,
    startedAt: core.now,
    summary: { currentEpoch: core.currentEpoch, lastZxid: core.log.lastZxid },
    handlers: new Map(),
    electing: new Set([core.id]),
    newLeaderAcks: new Set([core.id]),
    selfNewLeaderAcked: false,
    nextCounter: 1,
  };
  maybeFixEpoch(core, state);
  return state;
}

export function stepLeading(core: CoreState, state: LeaderState, from: PeerId, message: PeerMessage): void {
  if (message.type === 'followerinfo') return onFollowerInfo(core, state, from, message);
  const handler = state.handlers.get(from);
  if (handler === undefined) {
    core.stats.unexpected++;
    return;
  }
  handler.lastHeard = core.now;
  switch (message.type) {
    case 'ackepoch':
      return onAckEpoch(core, state, handler, message.currentEpoch, message.lastZxid);
    case 'ack':
      if (handler.phase === 'syncing' && message.zxid === newLeaderZxid(state.epoch)) {
        return onNewLeaderAck(core, state, handler);
      }
      return onAck(core, state, handler, message.zxid);
    case 'ping':
      for (const session of message.sessions) touchSession(core, session);
      return;
    case 'request':
      return onRequest(core, state, handler, message);
    case 'revalidate':
      leaderRevalidate(core, message.session, handler.peer);
      return;
    case 'create-session':
    case 'close-session':
      if (state.phase !== 'broadcast' || handler.phase !== 'uptodate') {
        core.stats.unexpected++;
        return;
      }
      if (message.type === 'create-session') leaderConnect(core, state, message.cxid, message.timeoutMs, handler.peer);
      else leaderClose(core, state, message.session, message.cxid);
      return;
    default:
      core.stats.unexpected++;
  }
}

/** A learner's link was re-established: its old connection is gone. */
export function dropLearner(state: LeaderState, peer: PeerId): void {
  state.handlers.delete(peer);
}

function onFollowerInfo(
  core: CoreState,
  state: LeaderState,
  from: PeerId,
  info: Extract<PeerMessage, { type: 'followerinfo' }>,
): void {
  if (info.observer !== isObserver(core.config, from)) {
    core.stats.unexpected++;
    return;
  }
  // A retry of a FOLLOWERINFO already answered: the learner has not seen our answer yet.
  if (state.handlers.get(from)?.attempt === info.attempt) return;
  const handler: LearnerHandler = {
    peer: from,
    observer: info.observer,
    attempt: info.attempt,
    acceptedEpoch: info.acceptedEpoch,
    phase: 'info',
    lastZxid: info.lastZxid,
    syncedTo: info.lastZxid,
    ackedZxid: ZXID_ZERO,
    lastHeard: core.now,
  };
  state.handlers.set(from, handler);
  state.electing.delete(from);
  state.newLeaderAcks.delete(from);
  if (state.phase === 'discovery') maybeFixEpoch(core, state);
  else sendLeaderInfo(core, state, handler);
}

function maybeFixEpoch(core: CoreState, state: LeaderState): void {
  const connecting = [core.id, ...[...state.handlers.values()].filter((h) => !h.observer).map((h) => h.peer)];
  if (!isQuorum(core.config, connecting)) return;
  let max = core.acceptedEpoch;
  for (const h of state.handlers.values()) max = Math.max(max, h.acceptedEpoch);
  if (max + 1 > limits.epoch_max) {
    becomeLooking(core);
    return;
  }
  state.epoch = max + 1;
  state.phase = 'epoch';
  core.setAcceptedEpoch(state.epoch);
  for (const h of state.handlers.values()) sendLeaderInfo(core, state, h);
  maybeEnterSync(core, state);
}

function sendLeaderInfo(core: CoreState, state: LeaderState, handler: LearnerHandler): void {
  core.send(handler.peer, { type: 'leaderinfo', newEpoch: state.epoch, attempt: handler.attempt });
}

function onAckEpoch(core: CoreState, state: LeaderState, handler: LearnerHandler, currentEpoch: number, lastZxid: Zxid): void {
  if (handler.phase !== 'info' || state.phase === 'discovery') {
    core.stats.unexpected++;
    return;
  }
  const fresh = currentEpoch !== -1;
  const ahead =
    currentEpoch > state.summary.currentEpoch ||
    (currentEpoch === state.summary.currentEpoch && lastZxid > state.summary.lastZxid);
  if (fresh && ahead && state.phase === 'epoch') {
    // While the epoch is being settled, a learner more recent than the leader means this leader
    // should not lead (Leader.waitForEpochAck). Late joiners are simply synchronised.
    core.stats.wrongEpoch++;
    state.handlers.delete(handler.peer);
    return;
  }
  handler.lastZxid = lastZxid;
  handler.phase = 'epoch-acked';
  if (fresh && !handler.observer) state.electing.add(handler.peer);
  if (state.phase === 'epoch') maybeEnterSync(core, state);
  else syncLearner(core, handler, state.epoch);
}

function maybeEnterSync(core: CoreState, state: LeaderState): void {
  if (!isQuorum(core.config, state.electing)) return;
  state.phase = 'sync';
  // No proposal happens before establishment, so every learner gets the same history.
  core.setCurrentEpoch(state.epoch);
  for (const h of state.handlers.values()) if (h.phase === 'epoch-acked') syncLearner(core, h, state.epoch);
}

function onNewLeaderAck(core: CoreState, state: LeaderState, handler: LearnerHandler): void {
  handler.phase = 'synced';
  if (!handler.observer) {
    state.newLeaderAcks.add(handler.peer);
    creditSyncedAcks(handler);
  }
  if (state.phase === 'broadcast') {
    sendUpToDate(core, handler);
    tryCommit(core, state);
  } else {
    maybeEstablish(core, state);
  }
}

function maybeEstablish(core: CoreState, state: LeaderState): void {
  if (state.phase !== 'sync' || !state.selfNewLeaderAcked || !isQuorum(core.config, state.newLeaderAcks)) return;
  state.phase = 'broadcast';
  core.settleVote(core.id, state.epoch);
  core.trace({ type: 'established', epoch: state.epoch });
  // A quorum now holds the whole history in the new epoch: all of it is committed.
  core.commitUpTo(core.log.lastZxid);
  // A new leader gives every session its full timeout (ZooKeeper rebuilds its SessionTracker).
  core.machine.sessions?.lead(state.epoch, core.now);
  for (const h of state.handlers.values()) if (h.phase === 'synced') sendUpToDate(core, h);
}

function sendUpToDate(core: CoreState, handler: LearnerHandler): void {
  handler.phase = 'uptodate';
  core.send(handler.peer, { type: 'uptodate', committedZxid: core.committedZxid });
}

/** Called after advance: the leader's own NEWLEADER ACK and proposal ACKs need durable state. */
export function afterDurable(core: CoreState, state: LeaderState): void {
  if (
    state.phase === 'sync' &&
    !state.selfNewLeaderAcked &&
    core.durableCurrentEpoch === state.epoch &&
    core.durableZxid >= core.log.lastZxid
  ) {
    state.selfNewLeaderAcked = true;
    maybeEstablish(core, state);
  }
  if (state.phase === 'broadcast') tryCommit(core, state);
}

export function tickLeading(core: CoreState, state: LeaderState): void {
  if (state.phase !== 'broadcast') {
    if (core.now - state.startedAt > core.config.initLimit) becomeLooking(core);
    return;
  }
  const live: PeerId[] = [core.id];
  for (const h of [...state.handlers.values()]) {
    if (core.now - h.lastHeard > core.config.syncLimit) {
      // Silent too long: drop it; it will rejoin through discovery if it is still there.
      state.handlers.delete(h.peer);
      continue;
    }
    if (inStream(h)) core.send(h.peer, { type: 'ping', sessions: [] });
    if ((h.phase === 'synced' || h.phase === 'uptodate') && isVoter(core.config, h.peer)) live.push(h.peer);
  }
  if (!isQuorum(core.config, live)) {
    becomeLooking(core);
    return;
  }
  expireSessions(core, state);
  if ((core.now - state.startedAt) % core.config.sweepTicks === 0) sweepContainers(core, state);
}

/** ZooKeeper's ContainerManager, on the leader: empty containers and expired TTL nodes go, as txns. */
function sweepContainers(core: CoreState, state: LeaderState): void {
  const bodies = core.machine.sweep?.(core.timeMs) ?? [];
  for (const body of bodies.slice(0, limits.sweep_txns_max)) {
    const ok = proposeWith(core, state, NO_SESSION, 0, (header) => {
      core.machine.record(header, body);
      return body;
    });
    if (!ok) return;
  }
}
