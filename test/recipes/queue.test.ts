import { afterEach, describe, expect, it } from 'vitest';
import { DistributedPriorityQueue } from '../../src/recipes/priority-queue.ts';
import { DistributedQueue } from '../../src/recipes/queue.ts';
import { bytes, startHarness, text, type Harness } from '../client/harness.ts';
import { connectClients } from './recipe-helpers.ts';

describe('the queue recipes', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('3 producers x 3 consumers, 45 items: each delivered exactly once, and each producer’s items in its order', async () => {
    h = await startHarness();
    const harness = h;
    const producers = await connectClients(harness, 3);
    const consumers = await connectClients(harness, 3);
    const perProducer = 15;
    const received: string[][] = consumers.map(() => []);
    const produce = async (p: number): Promise<void> => {
      const q = new DistributedQueue(producers[p]!, '/q/work');
      for (let n = 0; n < perProducer; n++) await q.offer(bytes(`${p}:${n}`));
    };
    let remaining = 3 * perProducer;
    const stop = new AbortController(); // the last item stops every consumer
    const consume = async (c: number): Promise<void> => {
      const q = new DistributedQueue(consumers[c]!, '/q/work');
      while (remaining > 0) {
        const item = await q.take({ signal: stop.signal }).catch(() => null);
        if (item === null) return;
        received[c]!.push(text(item));
        if (--remaining === 0) stop.abort();
      }
    };
    await harness.run(Promise.all([...[0, 1, 2].map(produce), ...[0, 1, 2].map(consume)]), 3_000);
    const all = received.flat();
    expect(all).toHaveLength(45);
    expect(new Set(all).size).toBe(45);
    // Per consumer, the items of one producer arrive in the order they were offered.
    for (const items of received) {
      for (const p of [0, 1, 2]) {
        const seq = items.filter((s) => s.startsWith(`${p}:`)).map((s) => Number(s.split(':')[1]));
        expect(seq).toEqual([...seq].sort((a, b) => a - b));
      }
    }
    expect(await harness.run(new DistributedQueue(consumers[0]!, '/q/work').size())).toBe(0);
  });

  it('peek shows the head without taking it; poll takes it; both answer null on an empty queue', async () => {
    h = await startHarness();
    const harness = h;
    const c = await harness.client();
    const q = new DistributedQueue(c, '/q/peek');
    expect(await harness.run(q.peek())).toBeNull();
    expect(await harness.run(q.poll())).toBeNull();
    await harness.run(q.offer(bytes('a')));
    await harness.run(q.offer(bytes('b')));
    expect(text((await harness.run(q.peek()))!)).toBe('a');
    expect(await harness.run(q.size())).toBe(2);
    expect(text((await harness.run(q.poll()))!)).toBe('a');
    expect(text((await harness.run(q.poll()))!)).toBe('b');
    expect(await harness.run(q.poll())).toBeNull();
  });

  it('take blocks on an empty queue until an item is offered, and the first of two waiting takers gets it once', async () => {
    h = await startHarness();
    const harness = h;
    const [c0, c1, c2] = await connectClients(harness, 3);
    const got: string[] = [];
    const stop = new AbortController();
    const takers = [c1!, c2!].map((c) =>
      new DistributedQueue(c, '/q/block')
        .take({ signal: stop.signal })
        .then((b) => got.push(text(b)))
        .catch(() => undefined),
    );
    for (let i = 0; i < 5; i++) await harness.run(c0!.sync('/'));
    expect(got).toEqual([]);
    await harness.run(new DistributedQueue(c0!, '/q/block').offer(bytes('only')));
    await harness.e.tickUntil('one taker has the item', () => got.length === 1);
    for (let i = 0; i < 5; i++) await harness.run(c0!.sync('/'));
    expect(got).toEqual(['only']);
    stop.abort();
    await harness.run(Promise.all(takers));
    expect(got).toEqual(['only']);
  });

  it('a priority queue hands out lower priority numbers first, and FIFO within one priority', async () => {
    h = await startHarness();
    const harness = h;
    const c = await harness.client();
    const q = new DistributedPriorityQueue(c, '/q/prio');
    const offers: [string, number][] = [['low-1', 10], ['urgent', -5], ['mid-1', 0], ['low-2', 10], ['mid-2', 0], ['top', -2_000_000_000]];
    for (const [item, priority] of offers) await harness.run(q.offerWithPriority(bytes(item), priority));
    const out: string[] = [];
    for (let i = 0; i < offers.length; i++) out.push(text((await harness.run(q.take()))));
    expect(out).toEqual(['top', 'urgent', 'mid-1', 'mid-2', 'low-1', 'low-2']);
  });
});
