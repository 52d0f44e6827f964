// The LOOKING role: fast leader election (ZooKeeper's FastLeaderElection.lookForLeader) in ticks.
// A voter proposes itself, adopts better votes and re-broadcasts; a quorum on its proposal, held
// for a finalize window of one tick, decides. The window is there to hear a better vote still on
// its way, so when every voter not known to be down (link-events.ts) has cast our proposal in this
// round, no better vote can come (a proposal only ever improves, so ours beats every vote those
// peers started with) and we decide at once. Picking a lesser leader would cost liveness only:
// discovery refuses a leader behind its quorum (leading.ts onAckEpoch). Votes from peers already
// FOLLOWING/LEADING let a returning peer join the established leader without a new election.
// Observers never vote: they adopt what a quorum of voters says.

import type { NotificationMessage, PeerMessage, ServerState } from '../messages.ts';
import type { PeerId } from '../util/ids.ts';
import { ZXID_ZERO } from '../zxid.ts';
import { isVoter } from './config.ts';
import type { CoreState } from './core-state.ts';
import { leaderConfirmed, newElection, quorumForLeader, quorumForProposal, type Election } from './election.ts';
import { becomeEstablished } from './transitions.ts';
import { sameVote, voteBeats, type Vote } from './vote.ts';

/** A voter's own vote; an observer's is below every real one, so it adopts any voter's. */
export function initialVote(core: CoreState): Vote {
  if (!isVoter(core.config, core.id)) return { leader: core.id, zxid: ZXID_ZERO, peerEpoch: -1 };
  return { leader: core.id, zxid: core.log.lastZxid, peerEpoch: core.currentEpoch };
}

export function startElection(core: CoreState): Election {
  core.logicalClock++;
  core.stats.elections++;
  const election = newElection(initialVote(core), core.now);
  recordOwnVote(core, election);
  sendNotifications(core, election);
  return election;
}

export function notification(vote: Vote, electionEpoch: number, state: ServerState): NotificationMessage {
  return { type: 'notification', leader: vote.leader, zxid: vote.zxid, peerEpoch: vote.peerEpoch, electionEpoch, state };
}

export function tickLooking(core: CoreState, election: Election): void {
  if (election.finalizeAt !== undefined && core.now >= election.finalizeAt) {
    if (quorumForProposal(core.config, election.recvset, election.proposal, core.logicalClock)) {
      becomeEstablished(core, election.proposal, core.logicalClock);
      return;
    }
    election.finalizeAt = undefined;
  }
  if (core.now >= election.nextResendAt) {
    // Links are reliable while up; re-sending reaches peers that restarted or reconnected.
    sendNotifications(core, election);
    election.resendInterval = Math.min(election.resendInterval * 2, core.config.electionResendTicksMax);
    election.nextResendAt = core.now + election.resendInterval + core.prng.int(2);
  }
}

export function stepLooking(core: CoreState, election: Election, from: PeerId, n: NotificationMessage): void {
  if (!isVoter(core.config, from)) {
    // An observer asks: tell it what we currently propose.
    core.send(from, notification(election.proposal, core.logicalClock, 'LOOKING'));
    return;
  }
  if (!isVoter(core.config, n.leader)) {
    core.stats.unexpected++;
    return;
  }
  const vote: Vote = { leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch };
  switch (n.state) {
    case 'LOOKING':
      // It is looking again: a FOLLOWERINFO it sent us earlier no longer stands.
      election.earlyFollowers.delete(from);
      stepLookingVote(core, election, from, n, vote);
      return;
    case 'OBSERVING':
      return;
    case 'FOLLOWING':
    case 'LEADING':
      stepEstablishedVote(core, election, from, n, vote);
      return;
  }
}

function stepLookingVote(core: CoreState, election: Election, from: PeerId, n: NotificationMessage, vote: Vote): void {
  if (n.electionEpoch > core.logicalClock) {
    core.logicalClock = n.electionEpoch;
    election.recvset.clear();
    const own = initialVote(core);
    setProposal(core, election, voteBeats(vote, own) ? vote : own);
    sendNotifications(core, election);
  } else if (n.electionEpoch < core.logicalClock) {
    // A peer in an older round: bring it to ours.
    core.send(from, notification(election.proposal, core.logicalClock, 'LOOKING'));
    return;
  } else if (voteBeats(vote, election.proposal)) {
    setProposal(core, election, vote);
    sendNotifications(core, election);
  }
  election.recvset.set(from, { vote, electionEpoch: n.electionEpoch, state: n.state });
  weighVotes(core, election);
}

/** With a quorum on our proposal: decide now if every live voter agrees, else once the finalize wait is over. */
function weighVotes(core: CoreState, election: Election): void {
  if (!quorumForProposal(core.config, election.recvset, election.proposal, core.logicalClock)) {
    election.finalizeAt = undefined;
    return;
  }
  if (everyLiveVoterAgrees(core, election)) {
    becomeEstablished(core, election.proposal, core.logicalClock);
    return;
  }
  election.finalizeAt ??= core.now + 1;
}

/** Every voter, save those whose link the transport reported lost, cast our proposal this round. */
function everyLiveVoterAgrees(core: CoreState, election: Election): boolean {
  for (const voter of core.config.voters) {
    if (voter !== core.id && core.linksDown.has(voter)) continue;
    const v = election.recvset.get(voter);
    if (v === undefined || v.electionEpoch !== core.logicalClock || !sameVote(v.vote, election.proposal)) return false;
  }
  return true;
}

/**
 * The link to `peer` is lost: its vote no longer counts (a dead peer must not make up our quorum),
 * nor an early FOLLOWERINFO of it; and without it, the voters left may all agree already.
 */
export function lookingLinkLost(core: CoreState, election: Election, peer: PeerId): void {
  election.recvset.delete(peer);
  election.outOfElection.delete(peer);
  election.earlyFollowers.delete(peer);
  weighVotes(core, election);
}

/**
 * A link came up: tell the peer our vote now (ZooKeeper sends its last notification on every new
 * connection) rather than at the next re-send, which may be ticks away after a restart.
 */
export function lookingLinkUp(core: CoreState, election: Election, peer: PeerId): void {
  if (isVoter(core.config, peer)) core.send(peer, notification(election.proposal, core.logicalClock, 'LOOKING'));
}

/** A non-notification message while LOOKING: only a FOLLOWERINFO is kept (see Election.earlyFollowers). */
export function stepLookingOther(core: CoreState, election: Election, from: PeerId, message: PeerMessage): void {
  if (message.type === 'followerinfo') election.earlyFollowers.set(from, message);
  else core.stats.unexpected++;
}

function stepEstablishedVote(
  core: CoreState,
  election: Election,
  from: PeerId,
  n: NotificationMessage,
  vote: Vote,
): void {
  const received = { vote, electionEpoch: n.electionEpoch, state: n.state };
  if (n.electionEpoch === core.logicalClock) {
    election.recvset.set(from, received);
    if (
      quorumForLeader(core.config, election.recvset, vote) &&
      leaderConfirmed(election.recvset, vote.leader, core.id, n.electionEpoch, core.logicalClock)
    ) {
      becomeEstablished(core, vote, n.electionEpoch);
      return;
    }
  }
  // A returning peer joins an ensemble that has already settled.
  election.outOfElection.set(from, received);
  if (
    quorumForLeader(core.config, election.outOfElection, vote) &&
    leaderConfirmed(election.outOfElection, vote.leader, core.id, n.electionEpoch, core.logicalClock)
  ) {
    core.logicalClock = n.electionEpoch;
    becomeEstablished(core, vote, n.electionEpoch);
  }
}

function setProposal(core: CoreState, election: Election, vote: Vote): void {
  election.proposal = vote;
  recordOwnVote(core, election);
}

function recordOwnVote(core: CoreState, election: Election): void {
  if (isVoter(core.config, core.id)) {
    election.recvset.set(core.id, { vote: election.proposal, electionEpoch: core.logicalClock, state: 'LOOKING' });
  }
  // A lone voter (or any quorum of one) decides on its own vote.
  if (quorumForProposal(core.config, election.recvset, election.proposal, core.logicalClock)) {
    election.finalizeAt ??= core.now + 1;
  }
}

function sendNotifications(core: CoreState, election: Election): void {
  const message = notification(election.proposal, core.logicalClock, 'LOOKING');
  for (const voter of core.config.voters) if (voter !== core.id) core.send(voter, message);
}
