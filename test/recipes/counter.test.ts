import { afterEach, describe, expect, it } from 'vitest';
import { Counter } from '../../src/recipes/counter.ts';
import { startHarness, type Harness } from '../client/harness.ts';
import { connectClients, lossyClient } from './recipe-helpers.ts';

describe('the counter recipe (versioned compare-and-set)', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('6 clients increment concurrently 10 times each: the counter ends at exactly 60, and every increment saw a distinct value', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 6);
    const post: number[] = [];
    const worker = async (i: number): Promise<void> => {
      const counter = new Counter(clients[i]!, '/counters/hits');
      for (let n = 0; n < 10; n++) post.push((await counter.increment()).postValue);
    };
    await harness.run(Promise.all(clients.map((_, i) => worker(i))), 3_000);
    await harness.run(clients[0]!.sync('/'));
    expect(await harness.run(new Counter(clients[0]!, '/counters/hits').get())).toBe(60);
    expect(post.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('add, decrement and compareAndSet: a CAS from a stale value writes nothing and answers false', async () => {
    h = await startHarness();
    const harness = h;
    const c = await harness.client();
    const counter = new Counter(c, '/counters/cas', 100);
    expect(await harness.run(counter.get())).toBe(100);
    expect(await harness.run(counter.add(5))).toEqual({ preValue: 100, postValue: 105 });
    expect(await harness.run(counter.decrement())).toEqual({ preValue: 105, postValue: 104 });
    expect(await harness.run(counter.compareAndSet(100, 1))).toBe(false);
    expect(await harness.run(counter.get())).toBe(104);
    expect(await harness.run(counter.compareAndSet(104, 7))).toBe(true);
    expect(await harness.run(counter.get())).toBe(7);
  });

  it('an increment whose reply is lost is not applied twice: the retry finds its own write', async () => {
    h = await startHarness();
    const harness = h;
    const c = await harness.client();
    let losses = 0;
    const lossy = lossyClient(c, (write) => write === 'setData' && losses++ % 2 === 0);
    const counter = new Counter(lossy, '/counters/lossy');
    for (let n = 0; n < 10; n++) await harness.run(counter.increment());
    expect(losses).toBeGreaterThanOrEqual(5);
    expect(await harness.run(new Counter(c, '/counters/lossy').get())).toBe(10);
  });
});
