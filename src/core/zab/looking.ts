// The LOOKING role: fast leader election (ZooKeeper's FastLeaderElection.lookForLeader) in ticks.
// A voter proposes itself, adopts better votes and re-broadcasts; a quorum on its proposal, held
// for a finalize window of one tick, decides. Votes from peers already FOLLOWING/LEADING let a
// returning peer join the established leader without a new election. Observers never vote: they
// adopt what a quorum of voters says.

import type { NotificationMessage, ServerState } from '../messages.ts';
import type { PeerId } from '../util/ids.ts';
import { ZXID_ZERO } from '../zxid.ts';
import { isVoter } from './config.ts';
import type { CoreState } from './core-state.ts';
import { leaderConfirmed, newElection, quorumForLeader, quorumForProposal, type Election } from './election.ts';
import { becomeEstablished } from './transitions.ts';
import { voteBeats, type Vote } from './vote.ts';

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
  const quorum = quorumForProposal(core.config, election.recvset, election.proposal, core.logicalClock);
  if (!quorum) election.finalizeAt = undefined;
  else if (election.finalizeAt === undefined) election.finalizeAt = core.now + 1;
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
