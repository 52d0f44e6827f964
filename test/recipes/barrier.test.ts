import { afterEach, describe, expect, it } from 'vitest';
import { Barrier } from '../../src/recipes/barrier.ts';
import { DoubleBarrier } from '../../src/recipes/double-barrier.ts';
import { startHarness, type Harness } from '../client/harness.ts';
import { connectClients } from './recipe-helpers.ts';

describe('the barrier recipes', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('a barrier holds every waiter while it is set and lets them all through when removed', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 4);
    await harness.run(new Barrier(clients[0]!, '/bar/gate').set());
    await harness.run(new Barrier(clients[0]!, '/bar/gate').set()); // setting twice is fine
    let passed = 0;
    const waits = clients.slice(1).map((c) => new Barrier(c, '/bar/gate').wait().then(() => passed++));
    for (let i = 0; i < 10; i++) await harness.run(clients[0]!.sync('/'));
    expect(passed).toBe(0);
    await harness.run(new Barrier(clients[0]!, '/bar/gate').remove());
    await harness.run(Promise.all(waits));
    expect(passed).toBe(3);
    // A barrier that is down does not block.
    await harness.run(new Barrier(clients[1]!, '/bar/gate').wait());
  });

  it('a double barrier of 4: nobody passes enter before all 4 entered, nor leave before all 4 called leave', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 4);
    const members = clients.map((c, i) => new DoubleBarrier(c, '/bar/double', 4, `m${i}`));
    const log: string[] = [];
    const entered: Promise<void>[] = [];
    // Three enter and wait; none passes.
    for (const i of [0, 1, 2]) entered.push(members[i]!.enter().then(() => void log.push(`in ${i}`)));
    for (let i = 0; i < 10; i++) await harness.run(clients[0]!.sync('/'));
    expect(log).toEqual([]);
    log.push('4th enters');
    entered.push(members[3]!.enter().then(() => void log.push('in 3')));
    await harness.run(Promise.all(entered));
    expect(log[0]).toBe('4th enters');
    expect(log.slice(1).sort()).toEqual(['in 0', 'in 1', 'in 2', 'in 3']);

    // Leaving: three call leave and wait; none passes until the last one calls it.
    log.length = 0;
    const left: Promise<void>[] = [];
    for (const i of [3, 0, 2]) left.push(members[i]!.leave().then(() => void log.push(`out ${i}`)));
    for (let i = 0; i < 10; i++) await harness.run(clients[0]!.sync('/'));
    expect(log).toEqual([]);
    log.push('last leaves');
    left.push(members[1]!.leave().then(() => void log.push('out 1')));
    await harness.run(Promise.all(left));
    expect(log[0]).toBe('last leaves');
    expect(log).toHaveLength(5);
    expect(await harness.run(clients[0]!.getChildren('/bar/double'))).toEqual([]);
  });

  it('a double barrier can be used again once everyone left', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 3);
    for (let round = 0; round < 2; round++) {
      const members = clients.map((c, i) => new DoubleBarrier(c, '/bar/again', 3, `r${round}m${i}`));
      await harness.run(Promise.all(members.map((m) => m.enter())));
      await harness.run(Promise.all(members.map((m) => m.leave())));
    }
    expect(await harness.run(clients[0]!.getChildren('/bar/again'))).toEqual([]);
  });
});
