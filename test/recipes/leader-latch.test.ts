import { afterEach, describe, expect, it } from 'vitest';
import { LeaderLatch } from '../../src/recipes/leader-latch.ts';
import { startHarness, type Harness } from '../client/harness.ts';
import { connectClients } from './recipe-helpers.ts';

describe('the leader latch recipe', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('of four latches exactly one leads; each close hands leadership to exactly one other, until the last', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 4);
    const latches = clients.map((c, i) => new LeaderLatch(c, '/latch/a', `l${i}`));
    const heard = latches.map(() => [] as string[]);
    latches.forEach((l, i) => l.addListener({ isLeader: () => heard[i]!.push('isLeader'), notLeader: () => heard[i]!.push('notLeader') }));
    for (const l of latches) await harness.run(l.start());
    await harness.run(clients[0]!.sync('/'));
    const open = new Set(latches);
    for (let round = 0; round < 4; round++) {
      await harness.e.tickUntil('one leader', () => [...open].filter((l) => l.hasLeadership).length === 1);
      const leader = [...open].find((l) => l.hasLeadership)!;
      await harness.run(leader.await());
      await harness.run(leader.close());
      open.delete(leader);
      expect(leader.hasLeadership).toBe(false);
      await harness.run(clients[0]!.sync('/'));
      expect([...open].filter((l) => l.hasLeadership).length).toBeLessThanOrEqual(1);
    }
    // Everyone led once, and heard it begin and end.
    for (const h of heard) expect(h).toEqual(['isLeader', 'notLeader']);
  });

  it('await() waits until this latch leads, and rejects when the latch is closed first', async () => {
    h = await startHarness();
    const harness = h;
    const [c0, c1, c2] = await connectClients(harness, 3);
    const a = new LeaderLatch(c0!, '/latch/b', 'a');
    const b = new LeaderLatch(c1!, '/latch/b', 'b');
    const c = new LeaderLatch(c2!, '/latch/b', 'c');
    await harness.run(a.start());
    await harness.run(b.start());
    await harness.run(c.start());
    let bLeads = false;
    const waiting = b.await().then(() => (bLeads = true));
    const cWait = c.await().then(
      () => 'led',
      () => 'rejected',
    );
    await harness.run(c0!.sync('/'));
    expect(bLeads).toBe(false);
    await harness.run(c.close());
    expect(await harness.run(cWait)).toBe('rejected');
    await harness.run(a.close());
    await harness.run(waiting);
    expect([a.hasLeadership, b.hasLeadership, c.hasLeadership]).toEqual([false, true, false]);
  });

  it('a leading latch whose session closes hears notLeader, and the next latch leads', async () => {
    h = await startHarness();
    const harness = h;
    const [c0, c1] = await connectClients(harness, 2);
    const a = new LeaderLatch(c0!, '/latch/c', 'a');
    const b = new LeaderLatch(c1!, '/latch/c', 'b');
    const heard: string[] = [];
    a.addListener({ isLeader: () => heard.push('isLeader'), notLeader: () => heard.push('notLeader') });
    await harness.run(a.start());
    await harness.run(b.start());
    expect(a.hasLeadership).toBe(true);
    await harness.run(c0!.close());
    expect(heard).toEqual(['isLeader', 'notLeader']);
    expect(a.state).toBe('closed');
    await harness.run(b.await());
    expect(b.hasLeadership).toBe(true);
  });
});
