import { afterEach, describe, expect, it } from 'vitest';
import { currentLeader, LeaderElection, observeLeader } from '../../src/recipes/leader-election.ts';
import { startHarness, type Harness } from '../client/harness.ts';
import { connectClients } from './recipe-helpers.ts';

describe('the leader election recipe', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('exactly one of three candidates leads, and when its session closes it stops leading and a new leader is observed by all', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 3);
    const elections = clients.map((c, i) => new LeaderElection(c, '/election', `candidate-${i}`));
    for (const el of elections) await harness.run(el.join());
    await harness.run(clients[0]!.sync('/'));
    expect(elections.filter((el) => el.isLeader).length).toBe(1);
    const first = elections.findIndex((el) => el.isLeader);
    expect(await harness.run(currentLeader(clients[1]!, '/election'))).toBe(`candidate-${first}`);

    const seen = clients.map(() => [] as (string | null)[]);
    const stops = clients.map((c, i) => observeLeader(c, '/election', (id) => seen[i]!.push(id)));
    await harness.e.tickUntil('every observer saw the leader', () => seen.every((s) => s.length >= 1));
    for (const s of seen) expect(s).toEqual([`candidate-${first}`]);

    await harness.run(clients[first]!.close());
    const survivors = [0, 1, 2].filter((i) => i !== first);
    await harness.e.tickUntil('a new leader observed by all survivors', () =>
      survivors.every((i) => (seen[i]?.length ?? 0) >= 2) && elections.filter((el) => el.isLeader).length === 1,
    );
    // The closed candidate learned that its leadership went with its session.
    expect(elections[first]!.isLeader).toBe(false);
    const next = survivors.find((i) => elections[i]!.isLeader);
    expect(next).toBeDefined();
    expect(survivors.filter((i) => elections[i]!.isLeader)).toEqual([next]);
    for (const i of survivors) expect(seen[i]!.at(-1)).toBe(`candidate-${next}`);
    for (const stop of stops) stop();
  });

  it('a candidate that resigns hands leadership to the next and stops leading itself', async () => {
    h = await startHarness();
    const harness = h;
    const [c0, c1] = await connectClients(harness, 2);
    const a = new LeaderElection(c0!, '/el2', 'a');
    const b = new LeaderElection(c1!, '/el2', 'b');
    await harness.run(a.join());
    await harness.run(b.join());
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    await harness.run(a.resign());
    await harness.e.tickUntil('b leads', () => b.isLeader);
    expect([a.isLeader, b.isLeader]).toEqual([false, true]);
  });
});
