// Fast leader election's vote and its total order: (peerEpoch, zxid, sid), highest wins
// (ZooKeeper's FastLeaderElection.totalOrderPredicate).

import type { PeerId } from '../util/ids.ts';
import type { Zxid } from '../zxid.ts';

export interface Vote {
  readonly leader: PeerId;
  readonly zxid: Zxid;
  readonly peerEpoch: number;
}

/** True when `candidate` is strictly better than `current`. */
export function voteBeats(candidate: Vote, current: Vote): boolean {
  if (candidate.peerEpoch !== current.peerEpoch) return candidate.peerEpoch > current.peerEpoch;
  if (candidate.zxid !== current.zxid) return candidate.zxid > current.zxid;
  return candidate.leader > current.leader;
}

export const sameVote = (a: Vote, b: Vote): boolean =>
  a.leader === b.leader && a.zxid === b.zxid && a.peerEpoch === b.peerEpoch;

/** Established peers' votes agree when they name the same leader of the same epoch (Vote.equals). */
export const sameLeader = (a: Vote, b: Vote): boolean => a.leader === b.leader && a.peerEpoch === b.peerEpoch;
