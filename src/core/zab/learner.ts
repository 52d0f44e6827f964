// The learner side of discovery and synchronisation, shared by FOLLOWING and OBSERVING
// (ZooKeeper's Learner.registerWithLeader and syncWithLeader), and the heartbeat timeout.
// Phases: discovery (FOLLOWERINFO sent, awaiting LEADERINFO) -> sync (ACKEPOCH sent, awaiting
// DIFF/TRUNC/SNAP) -> newleader (synced, awaiting NEWLEADER) -> uptodate (NEWLEADER acked,
// awaiting UPTODATE) -> broadcast. Anything out of place is dropped and counted, or, when it shows
// the stream to the leader is broken, the learner goes back to LOOKING and rejoins.

import type { PeerMessage, PeerMessageType } from '../messages.ts';
import type { Txn } from '../requests/txn.ts';
import type { PeerId, SessionId } from '../util/ids.ts';
import { epochOf, makeZxid, type Zxid } from '../zxid.ts';
import type { CoreState } from './core-state.ts';
import { stepFollowing } from './following.ts';
import { stepObserving } from './observing.ts';
import { becomeLooking } from './transitions.ts';

export type LearnerPhase = 'discovery' | 'sync' | 'newleader' | 'uptodate' | 'broadcast';

export interface LearnerState {
  readonly leader: PeerId;
  readonly observer: boolean;
  /** Tells the leader a new connection from a retried FOLLOWERINFO. */
  readonly attempt: number;
  phase: LearnerPhase;
  /** The epoch the leader proposed (known from LEADERINFO on). */
  epoch: number;
  lastHeard: number;
  /** Sessions whose clients pinged here since the last PING to the leader. */
  readonly touched: Set<SessionId>;
}

export function startLearner(core: CoreState, leader: PeerId, observer: boolean): LearnerState {
  const state: LearnerState = {
    leader,
    observer,
    attempt: core.stats.elections,
    phase: 'discovery',
    epoch: -1,
    lastHeard: core.now,
    touched: new Set(),
  };
  sendFollowerInfo(core, state);
  return state;
}

function sendFollowerInfo(core: CoreState, state: LearnerState): void {
  core.send(state.leader, {
    type: 'followerinfo',
    acceptedEpoch: core.acceptedEpoch,
    lastZxid: core.log.lastZxid,
    observer: state.observer,
    attempt: state.attempt,
  });
}

export function tickLearner(core: CoreState, state: LearnerState): void {
  const limit = state.phase === 'broadcast' ? core.config.syncLimit : core.config.initLimit;
  if (core.now - state.lastHeard > limit) {
    becomeLooking(core);
    return;
  }
  // The leader may not have been LEADING yet when the first one arrived: retry until answered.
  if (state.phase === 'discovery') sendFollowerInfo(core, state);
}

/** The link to the leader is lost (link-events.ts): it cannot lead us any more, so rejoin at once. */
export function learnerLinkLost(core: CoreState, state: LearnerState, peer: PeerId): void {
  if (peer === state.leader) becomeLooking(core);
}

/** The link to the leader came up while we wait for LEADERINFO: our FOLLOWERINFO may have been
 * dropped on the old one, so send it now rather than at the next tick. */
export function learnerLinkUp(core: CoreState, state: LearnerState, peer: PeerId): void {
  if (peer === state.leader && state.phase === 'discovery') sendFollowerInfo(core, state);
}

/** The messages a leader sends its learners. */
const FROM_LEADER: ReadonlySet<PeerMessageType> = new Set<PeerMessageType>([
  'leaderinfo', 'diff', 'trunc', 'snap', 'newleader', 'uptodate', 'proposal', 'commit', 'inform', 'ping', 'sync-reply',
]);

export function stepLearner(core: CoreState, state: LearnerState, from: PeerId, message: PeerMessage): void {
  if (from !== state.leader) {
    core.stats.unexpected++;
    return;
  }
  // Only what a leader sends shows that it leads us: two peers that each took the other for their
  // leader would otherwise keep each other alive with FOLLOWERINFO retries, and never time out.
  if (FROM_LEADER.has(message.type)) state.lastHeard = core.now;
  switch (message.type) {
    case 'leaderinfo':
      return onLeaderInfo(core, state, message.newEpoch, message.attempt);
    case 'diff':
    case 'trunc':
    case 'snap':
      return onSync(core, state, message);
    case 'newleader':
      return onNewLeader(core, state, message.epoch);
    case 'uptodate':
      return onUpToDate(core, state, message.committedZxid);
    case 'ping':
      core.send(state.leader, { type: 'ping', sessions: [...state.touched] });
      state.touched.clear();
      return;
    case 'sync-reply':
      if (core.requests.setSyncZxid(message.session, message.cxid, message.zxid)) core.requests.drain(core);
      return;
    default:
      if (state.phase !== 'uptodate' && state.phase !== 'broadcast') {
        core.stats.unexpected++;
        return;
      }
      if (state.observer) stepObserving(core, state, message);
      else stepFollowing(core, state, message);
  }
}

function onLeaderInfo(core: CoreState, state: LearnerState, newEpoch: number, attempt: number): void {
  if (state.phase !== 'discovery' || attempt !== state.attempt) {
    core.stats.unexpected++;
    return;
  }
  if (newEpoch < core.acceptedEpoch) {
    // We already promised a newer leader: this one cannot lead us.
    core.stats.wrongEpoch++;
    becomeLooking(core);
    return;
  }
  // -1: this epoch was accepted before, so the ACK must not count towards the epoch's quorum.
  const currentEpoch = newEpoch > core.acceptedEpoch ? core.currentEpoch : -1;
  if (newEpoch > core.acceptedEpoch) core.setAcceptedEpoch(newEpoch);
  state.epoch = newEpoch;
  state.phase = 'sync';
  core.send(state.leader, { type: 'ackepoch', currentEpoch, lastZxid: core.log.lastZxid });
}

function onSync(
  core: CoreState,
  state: LearnerState,
  message: Extract<PeerMessage, { type: 'diff' | 'trunc' | 'snap' }>,
): void {
  if (state.phase !== 'sync') {
    core.stats.unexpected++;
    return;
  }
  if (message.type === 'snap') {
    core.restoreSnapshot(message.zxid, message.snapshot);
  } else if (message.type === 'trunc') {
    // Only txns never committed may go: applied ones are in every later leader's history.
    if (!core.log.holds(message.zxid) || message.zxid < core.machine.lastZxid) return syncMismatch(core);
    core.log.truncateAfter(message.zxid);
    core.persist({ type: 'truncate', zxid: message.zxid });
  }
  if (!appendAll(core, state, message.txns)) return syncMismatch(core);
  const zxid = message.type === 'diff' ? core.log.lastZxid : message.zxid;
  core.trace({ type: 'synced', mode: message.type, zxid, txns: message.txns.length });
  state.phase = 'newleader';
}

function appendAll(core: CoreState, state: LearnerState, txns: readonly Txn[]): boolean {
  let last: Zxid = core.log.lastZxid;
  for (const txn of txns) {
    if (txn.header.zxid <= last || epochOf(txn.header.zxid) > state.epoch) return false;
    last = txn.header.zxid;
  }
  for (const txn of txns) core.logTxn(txn);
  return true;
}

function onNewLeader(core: CoreState, state: LearnerState, epoch: number): void {
  if (state.phase !== 'newleader') {
    core.stats.unexpected++;
    return;
  }
  if (epoch !== state.epoch) {
    core.stats.wrongEpoch++;
    becomeLooking(core);
    return;
  }
  // The log this ACK vouches for was persisted above: currentEpoch goes after it.
  if (core.currentEpoch < epoch) core.setCurrentEpoch(epoch);
  state.phase = 'uptodate';
  core.send(state.leader, { type: 'ack', zxid: makeZxid(epoch, 0) });
}

function onUpToDate(core: CoreState, state: LearnerState, committedZxid: Zxid): void {
  if (state.phase !== 'uptodate') {
    core.stats.unexpected++;
    return;
  }
  if (committedZxid > core.log.lastZxid) return syncMismatch(core);
  state.phase = 'broadcast';
  core.settleVote(state.leader, state.epoch);
  core.commitUpTo(committedZxid);
}

/** The leader's instructions contradict our log: count it and rejoin from scratch. */
export function syncMismatch(core: CoreState): void {
  core.stats.syncMismatch++;
  becomeLooking(core);
}
