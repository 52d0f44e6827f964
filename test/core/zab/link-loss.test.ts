// The transport's word on links as core inputs (src/core/zab/link-events.ts): a lost link makes a
// peer give up at once instead of after syncLimit ticks of silence, an election stops counting a lost
// peer's vote and decides without the finalize window once every live voter agrees, and a link that
// comes up gets the LOOKING peer's vote (or the learner's FOLLOWERINFO) at once.

import { describe, expect, it } from 'vitest';
import type { PeerId } from '../../../src/core/util/ids.ts';
import { Cluster } from '../../sim/cluster.ts';
import { p } from './helpers.ts';
import { ManualEnsemble } from './manual.ts';

function settled(cluster: Cluster): PeerId {
  cluster.runTicks(30);
  const leader = cluster.leader();
  if (leader === undefined) throw new Error('no leader');
  return leader;
}

describe('link loss reported by the transport', () => {
  it('a follower whose link to the leader is lost goes LOOKING at once, not after syncLimit ticks', () => {
    const cluster = new Cluster({ seed: 21, voters: 3 });
    const leader = settled(cluster);
    const follower = cluster.ids.find((id) => id !== leader) ?? p(1);
    cluster.core(follower).linkLost(leader);
    expect(cluster.core(follower).state).toBe('LOOKING');
  });

  it('when the simulator crashes the leader, both followers go LOOKING in the same step and serve a new leader well within syncLimit ticks', () => {
    const cluster = new Cluster({ seed: 22, voters: 3 });
    const leader = settled(cluster);
    const followers = cluster.ids.filter((id) => id !== leader);
    cluster.crash(leader);
    for (const id of followers) expect(cluster.core(id).state).toBe('LOOKING');
    // Votes, discovery and sync take a few message delays; no finalize window, no ping timeout.
    cluster.runTicks(2);
    const next = cluster.leader();
    expect(next).toBeDefined();
    expect(followers).toContain(next);
    for (const id of followers) expect(cluster.core(id).serving).toBe(true);
    expect(cluster.config.syncLimit).toBeGreaterThan(2);
  });

  it('without a report (a partition nobody announces) a follower still leaves its leader after syncLimit ticks of silence', () => {
    const cluster = new Cluster({ seed: 23, voters: 3 });
    const leader = settled(cluster);
    const follower = cluster.ids.find((id) => id !== leader) ?? p(1);
    cluster.network.partition([[leader], cluster.ids.filter((id) => id !== leader)]);
    cluster.runTicks(cluster.config.syncLimit - 1);
    expect(cluster.core(follower).state).toBe('FOLLOWING');
    cluster.runTicks(3);
    expect(cluster.core(follower).leader).not.toBe(leader);
  });

  it('a leader drops a learner whose link is lost and steps down at once when it no longer has a quorum', () => {
    const cluster = new Cluster({ seed: 24, voters: 3 });
    const leader = settled(cluster);
    const [a, b] = cluster.ids.filter((id) => id !== leader);
    const core = cluster.core(leader);
    core.linkLost(a ?? p(1));
    expect(core.state).toBe('LEADING');
    expect(core.serving).toBe(true);
    core.linkLost(b ?? p(2));
    expect(core.state).toBe('LOOKING');
  });

  it('a LOOKING peer stops counting the vote of a peer whose link is lost', () => {
    const e = new ManualEnsemble(3);
    // Only 3's vote reaches 1: 1 adopts it and holds a quorum {1, 3} for 3, waiting out the window.
    e.pump((w) => w.from === p(3) && w.to === p(1));
    expect(e.peer(1).state).toBe('LOOKING');
    e.peer(1).linkLost(p(3));
    e.tick();
    e.pump(() => false);
    expect(e.peer(1).state).toBe('LOOKING');
  });

  it('with a quorum on one vote and its finalize window open, a LOOKING peer still decides on the next tick (the control case)', () => {
    const e = new ManualEnsemble(3);
    e.pump((w) => w.from === p(3) && w.to === p(1));
    e.peer(1).tick();
    expect(e.peer(1).state).toBe('FOLLOWING');
    expect(e.peer(1).leader).toBe(p(3));
  });

  it('survivors that know the third voter is down elect and serve without a single tick', () => {
    const e = new ManualEnsemble(3);
    e.peer(1).linkLost(p(3));
    e.peer(2).linkLost(p(3));
    e.pump((w) => w.from !== p(3) && w.to !== p(3));
    expect(e.peer(2).state).toBe('LEADING');
    expect(e.peer(2).serving).toBe(true);
    expect(e.peer(1).leader).toBe(p(2));
    expect(e.peer(1).serving).toBe(true);
  });

  it('a FOLLOWERINFO that reaches a peer still LOOKING is taken when it becomes LEADING, with no retry', () => {
    const e = new ManualEnsemble(3);
    // 1's messages never reach 3: 2 decides for 3 at once (every voter agrees at 2), 3 waits its window.
    const not1to3 = (w: { from: number; to: number }): boolean => !(w.from === 1 && w.to === 3);
    e.pump(not1to3);
    expect(e.peer(2).state).toBe('FOLLOWING');
    expect(e.peer(3).state).toBe('LOOKING');
    // Only 3 ticks: 2 never re-sends its FOLLOWERINFO, so the one 3 kept must carry discovery.
    e.peer(3).tick();
    e.drive(p(3));
    expect(e.peer(3).state).toBe('LEADING');
    e.pump(not1to3);
    expect(e.peer(3).serving).toBe(true);
    expect(e.peer(2).serving).toBe(true);
  });

  it('a LOOKING peer sends its vote over a link that comes up, without waiting for its re-send', () => {
    const e = new ManualEnsemble(3);
    e.establish();
    const back = e.restart(p(1));
    e.drive(p(1));
    e.wire = []; // its first votes went out on links that were not up yet
    back.linkUp(p(2));
    e.drive(p(1));
    expect(e.wire).toEqual([expect.objectContaining({ from: p(1), to: p(2), message: expect.objectContaining({ type: 'notification', state: 'LOOKING' }) })]);
  });

  it('a learner in discovery re-sends FOLLOWERINFO when its link to the leader comes up', () => {
    const e = new ManualEnsemble(3);
    const leader = e.establish();
    const back = e.restart(p(1));
    e.pump(); // rejoins: the established peers answer its vote, it follows and sends FOLLOWERINFO
    expect(back.leader).toBe(leader);
    const again = e.restart(p(1));
    e.pump((w) => w.message.type === 'notification');
    expect(again.state).toBe('FOLLOWING');
    e.wire = [];
    again.linkUp(leader);
    e.drive(p(1));
    expect(e.wire.map((w) => [w.to, w.message.type])).toEqual([[leader, 'followerinfo']]);
  });
});
