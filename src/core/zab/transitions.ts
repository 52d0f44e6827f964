// The only place a peer changes role. Legal moves: LOOKING -> LEADING | FOLLOWING (voters) or
// OBSERVING (observers), and any established role -> LOOKING. Anything else is a bug: assert.

import { assert } from '../util/assert.ts';
import { isObserver, isVoter } from './config.ts';
import type { CoreState } from './core-state.ts';
import { startLeading, stepLeading } from './leading.ts';
import { startLearner } from './learner.ts';
import { startElection } from './looking.ts';
import type { Vote } from './vote.ts';

/** Enters LOOKING at start-up. */
export function startLooking(core: CoreState): void {
  core.role = { name: 'LOOKING', election: startElection(core) };
  core.trace({ type: 'role', role: 'LOOKING' });
}

/** Leaves an established role for a new election. */
export function becomeLooking(core: CoreState): void {
  assert(core.role.name !== 'LOOKING', 'becomeLooking from LOOKING');
  if (core.role.name === 'LEADING') {
    core.stats.stepDowns++;
    core.machine.sessions?.stopLeading();
  }
  // Clients of a peer that stops serving lose their connection (ZooKeeper closes it).
  core.requests.failAll(core);
  core.machine.clearPending();
  startLooking(core);
}

export function becomeEstablished(core: CoreState, vote: Vote, electionEpoch: number): void {
  assert(core.role.name === 'LOOKING', `becomeEstablished from ${core.role.name}`);
  assert(isVoter(core.config, vote.leader), 'the elected leader is a voter');
  const early = core.role.election.earlyFollowers;
  core.currentVote = { vote, electionEpoch };
  if (vote.leader === core.id) {
    assert(isVoter(core.config, core.id), 'an observer never leads');
    const leader = startLeading(core);
    core.role = { name: 'LEADING', leader };
    core.trace({ type: 'role', role: 'LEADING', leader: core.id });
    // Followers that decided before us sent FOLLOWERINFO already: take it now, not a tick later.
    for (const [from, info] of early) {
      if (core.role.name !== 'LEADING' || core.role.leader !== leader) break;
      stepLeading(core, leader, from, info);
    }
    return;
  }
  const observer = isObserver(core.config, core.id);
  core.role = { name: observer ? 'OBSERVING' : 'FOLLOWING', learner: startLearner(core, vote.leader, observer) };
  core.trace({ type: 'role', role: core.role.name, leader: vote.leader });
}
