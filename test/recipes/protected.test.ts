import { afterEach, describe, expect, it } from 'vitest';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { DistributedLock } from '../../src/recipes/lock.ts';
import { protectedCreate, protectedIdOf, unprotected } from '../../src/recipes/protected.ts';
import { DistributedQueue } from '../../src/recipes/queue.ts';
import { sortedBySequence } from '../../src/recipes/sequence.ts';
import { bytes, startHarness, text, type Harness } from '../client/harness.ts';
import { connectClients, lossyClient } from './recipe-helpers.ts';

describe('protected creates (a lost reply never leaves an orphan)', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('a sequential create whose reply is lost is found again by its id: one node, not two', async () => {
    h = await startHarness();
    const harness = h;
    const c = await harness.client();
    await harness.run(c.create('/p', bytes('')));
    let lost = 0;
    const lossy = lossyClient(c, (write) => write === 'create' && lost++ === 0);
    const node = await harness.run(protectedCreate(lossy, '/p/lock-', bytes('x'), { id: 'abc123' }));
    expect(lost).toBe(1);
    expect(node).toBe('/p/_c_abc123-lock-0000000000');
    expect(await harness.run(c.getChildren('/p'))).toEqual(['_c_abc123-lock-0000000000']);
    expect(protectedIdOf('_c_abc123-lock-0000000000')).toBe('abc123');
    expect(unprotected('_c_abc123-lock-0000000000')).toBe('lock-0000000000');
    expect(sortedBySequence(['_c_b-lock-0000000002', 'lock-0000000001', '_c_a-lock-0000000000', 'other'], 'lock-')).toEqual([
      '_c_a-lock-0000000000',
      'lock-0000000001',
      '_c_b-lock-0000000002',
    ]);
  });

  it('a protected create that fails for a real reason reports it (NONODE), and one that succeeds is made once', async () => {
    h = await startHarness();
    const harness = h;
    const c = await harness.client();
    await harness.run(c.create('/p2', bytes('')));
    // A create to a missing parent fails NONODE: the protected create reports that, not a loss.
    await expect(harness.run(protectedCreate(c, '/missing/lock-', bytes('')))).rejects.toMatchObject({ codeName: 'NONODE' });
    const node = await harness.run(protectedCreate(c, '/p2/n-', bytes(''), { mode: CreateMode.PERSISTENT_SEQUENTIAL }));
    expect(node).toMatch(/^\/p2\/_c_[0-9a-f]{32}-n-0000000000$/);
  });

  it('lock contenders whose every first create reply is lost still form one line with one node each', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 3);
    const seen = new Set<string>();
    const lossy = clients.map((c) =>
      lossyClient(c, (write, path) => {
        if (write !== 'create' || !path.includes('-lock-') || seen.has(`${c.session}:${path}`)) return false;
        seen.add(`${c.session}:${path}`);
        return true;
      }),
    );
    let holders = 0;
    let maxHolders = 0;
    const work = lossy.map((c) =>
      new DistributedLock(c, '/locks/lossy').withLock(async () => {
        holders++;
        maxHolders = Math.max(maxHolders, holders);
        await c.sync('/');
        holders--;
      }),
    );
    await harness.run(Promise.all(work), 500);
    expect(seen.size).toBe(3);
    expect(maxHolders).toBe(1);
    expect(await harness.run(clients[0]!.getChildren('/locks/lossy'))).toEqual([]);
  });

  it('a queue offer whose reply is lost adds the item once, even when a consumer took it before the producer looked', async () => {
    h = await startHarness();
    const harness = h;
    const [producer, consumer] = await connectClients(harness, 2);
    const queue = new DistributedQueue(consumer!, '/q/lost');
    const take = queue.take();
    // The producer's reply is lost, and held back until the consumer has taken the item.
    let first = true;
    const racing = lossyClient(producer!, async (write, path) => {
      if (write !== 'create' || !path.includes('-qn-') || !first) return false;
      first = false;
      await take;
      return true;
    });
    const node = await harness.run(new DistributedQueue(racing, '/q/lost').offer(bytes('once')));
    const taken = text(await harness.run(take));
    expect(taken).toBe('once');
    expect(node).toMatch(/^\/q\/lost\/_c_[0-9a-f]{32}-qn-\d{10}$/);
    expect(first).toBe(false);
    expect(await harness.run(queue.size())).toBe(0);
  });

  it('a take whose reply is lost still delivers the item to its taker, once', async () => {
    h = await startHarness();
    const harness = h;
    const [producer, consumer] = await connectClients(harness, 2);
    await harness.run(new DistributedQueue(producer!, '/q/take').offer(bytes('a')));
    await harness.run(new DistributedQueue(producer!, '/q/take').offer(bytes('b')));
    let lost = 0;
    const lossy = lossyClient(consumer!, (write) => write === 'multi' && lost++ === 0);
    const q = new DistributedQueue(lossy, '/q/take');
    expect(text((await harness.run(q.take())))).toBe('a');
    expect(text((await harness.run(q.take())))).toBe('b');
    expect(lost).toBe(2);
    expect(await harness.run(q.size())).toBe(0);
  });
});
