// Fast leader election's bookkeeping for one LOOKING period: the current proposal, the votes
// received this round (recvset) and from peers already out of the election (outofelection), and
// the timers (finalize window, re-send backoff). Pure data and predicates; looking.ts drives it.

import type { PeerMessage, ServerState } from '../messages.ts';
import type { PeerId } from '../util/ids.ts';
import type { ZabConfig } from './config.ts';
import { isQuorum } from './quorum.ts';
import { sameLeader, sameVote, type Vote } from './vote.ts';

export type FollowerInfoMessage = Extract<PeerMessage, { type: 'followerinfo' }>;

export interface ReceivedVote {
  readonly vote: Vote;
  readonly electionEpoch: number;
  readonly state: ServerState;
}

export interface Election {
  proposal: Vote;
  readonly recvset: Map<PeerId, ReceivedVote>;
  readonly outOfElection: Map<PeerId, ReceivedVote>;
  /** Tick at which a quorum for the proposal becomes a decision, unless a better vote arrives. */
  finalizeAt: number | undefined;
  nextResendAt: number;
  resendInterval: number;
  /**
   * FOLLOWERINFOs that reached this peer while it was still LOOKING (a follower decided first):
   * replayed if it becomes LEADING, as a listen backlog holds an early connection.
   */
  readonly earlyFollowers: Map<PeerId, FollowerInfoMessage>;
}

export function newElection(proposal: Vote, now: number): Election {
  return {
    proposal,
    recvset: new Map(),
    outOfElection: new Map(),
    finalizeAt: undefined,
    nextResendAt: now + 1,
    resendInterval: 1,
    earlyFollowers: new Map(),
  };
}

/** True when a quorum of voters in `votes` cast exactly `vote` in round `electionEpoch`. */
export function quorumForProposal(
  config: ZabConfig,
  votes: ReadonlyMap<PeerId, ReceivedVote>,
  vote: Vote,
  electionEpoch: number,
): boolean {
  const agreeing: PeerId[] = [];
  for (const [sid, v] of votes) if (v.electionEpoch === electionEpoch && sameVote(v.vote, vote)) agreeing.push(sid);
  return isQuorum(config, agreeing);
}

/** True when a quorum of voters in `votes` name the same leader of the same epoch as `vote`. */
export function quorumForLeader(config: ZabConfig, votes: ReadonlyMap<PeerId, ReceivedVote>, vote: Vote): boolean {
  const agreeing: PeerId[] = [];
  for (const [sid, v] of votes) if (sameLeader(v.vote, vote)) agreeing.push(sid);
  return isQuorum(config, agreeing);
}

/**
 * FastLeaderElection.checkLeader: a peer joins an established leader only if the leader itself says
 * it is LEADING; a vote naming ourselves counts only in our own round.
 */
export function leaderConfirmed(
  votes: ReadonlyMap<PeerId, ReceivedVote>,
  leader: PeerId,
  self: PeerId,
  electionEpoch: number,
  logicalClock: number,
): boolean {
  if (leader === self) return electionEpoch === logicalClock;
  return votes.get(leader)?.state === 'LEADING';
}
