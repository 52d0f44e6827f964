// The leader's view of one learner (ZooKeeper's LearnerHandler): where it is in discovery and
// synchronisation, and how to bring it up to date. A handler lives for one learner connection
// (one FOLLOWERINFO attempt on one link generation).

import type { PeerId } from '../util/ids.ts';
import { makeZxid, type Zxid } from '../zxid.ts';
import type { CoreState } from './core-state.ts';
import { planSync } from './sync-plan.ts';

export type HandlerPhase =
  /** FOLLOWERINFO received; LEADERINFO sent once the epoch is fixed. */
  | 'info'
  /** ACKEPOCH received; waits for the epoch quorum before it is synchronised. */
  | 'epoch-acked'
  /** DIFF/TRUNC/SNAP and NEWLEADER sent; from here on it receives every new proposal. */
  | 'syncing'
  /** NEWLEADER acknowledged; UPTODATE follows once the leader is established. */
  | 'synced'
  | 'uptodate';

export interface LearnerHandler {
  readonly peer: PeerId;
  readonly observer: boolean;
  readonly attempt: number;
  readonly acceptedEpoch: number;
  phase: HandlerPhase;
  /** The learner's last logged zxid (from ACKEPOCH, else FOLLOWERINFO). */
  lastZxid: Zxid;
  /** The leader's last zxid when the sync was sent: NEWLEADER's ACK vouches for all of it. */
  syncedTo: Zxid;
  /** The highest zxid the learner has ACKed on this connection (cumulative: all up to it). */
  ackedZxid: Zxid;
  lastHeard: number;
}

/** True once the learner is in the stream of proposals/commits (or informs). */
export const inStream = (h: LearnerHandler): boolean =>
  h.phase === 'syncing' || h.phase === 'synced' || h.phase === 'uptodate';

/** Sends DIFF, TRUNC or SNAP and then NEWLEADER; the learner joins the stream from here on. */
export function syncLearner(core: CoreState, handler: LearnerHandler, epoch: number): void {
  const plan = planSync(core.log, handler.lastZxid);
  if (plan.type === 'snap') {
    const zxid = core.machine.lastZxid;
    core.stats.snapshotsSent++;
    core.send(handler.peer, { type: 'snap', zxid, snapshot: core.machine.serialize(), txns: core.log.after(zxid) });
  } else {
    core.send(handler.peer, plan);
  }
  core.send(handler.peer, { type: 'newleader', epoch });
  handler.syncedTo = core.log.lastZxid;
  handler.phase = 'syncing';
}

export const newLeaderZxid = (epoch: number): Zxid => makeZxid(epoch, 0);
