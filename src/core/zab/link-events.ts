// What the transport knows about links, as core inputs. ZooKeeper notices a dead leader at once
// because its TCP connection closes; our runtime learns the same from its transport (a data channel
// that closed, a peer that left signaling and then missed a probe) and says so here, instead of
// waiting out syncLimit ticks of silence. A lost link only ever makes a peer give up sooner (a
// follower rejoins, a leader drops the learner and steps down without a quorum, an election stops
// counting the peer's vote), so ZAB's safety never rests on it; a wrong report costs an election.
// The ping rule stays as the backstop for partitions that nobody reports. A peer counts as down
// until any message arrives from it (peer.ts step).

import type { PeerId } from '../util/ids.ts';
import { isVoter } from './config.ts';
import type { CoreState } from './core-state.ts';
import { dropLearner, type LeaderState } from './leading.ts';
import { learnerLinkLost, learnerLinkUp } from './learner.ts';
import { lookingLinkLost, lookingLinkUp } from './looking.ts';
import { isQuorum } from './quorum.ts';
import { becomeLooking } from './transitions.ts';

export function onLinkLost(core: CoreState, peer: PeerId): void {
  core.linksDown.add(peer);
  const role = core.role;
  if (role.name === 'LOOKING') lookingLinkLost(core, role.election, peer);
  else if (role.name === 'LEADING') leaderLinkLost(core, role.leader, peer);
  else learnerLinkLost(core, role.learner, peer);
}

export function onLinkUp(core: CoreState, peer: PeerId): void {
  core.linksDown.delete(peer);
  const role = core.role;
  if (role.name === 'LOOKING') lookingLinkUp(core, role.election, peer);
  else if (role.name !== 'LEADING') learnerLinkUp(core, role.learner, peer);
  // A leader waits: a learner whose link came back sends FOLLOWERINFO (or is LOOKING and asks).
}

/** As after syncLimit ticks of silence (leading.ts tickLeading), only sooner. */
function leaderLinkLost(core: CoreState, state: LeaderState, peer: PeerId): void {
  if (!state.handlers.has(peer)) return;
  dropLearner(state, peer);
  if (state.phase !== 'broadcast') return;
  const live: PeerId[] = [core.id];
  for (const h of state.handlers.values()) {
    if ((h.phase === 'synced' || h.phase === 'uptodate') && isVoter(core.config, h.peer)) live.push(h.peer);
  }
  if (!isQuorum(core.config, live)) becomeLooking(core);
}
