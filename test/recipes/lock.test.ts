import { afterEach, describe, expect, it } from 'vitest';
import type { WatchedEvent } from '../../src/core/watches/events.ts';
import { DistributedLock, type LockHandle } from '../../src/recipes/lock.ts';
import { bytes, startHarness, type Harness } from '../client/harness.ts';
import { connectClients, countWatches, waitForLine } from './recipe-helpers.ts';

describe('the fair lock recipe', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('5 clients contend for 50 acquisitions: never two holders at once, and every waiter acquires', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 5);
    let holders = 0;
    let maxHolders = 0;
    const acquired = new Map<number, number>();
    const order: number[] = [];
    const contender = async (i: number): Promise<void> => {
      const client = clients[i];
      if (client === undefined) throw new Error('no client');
      const lock = new DistributedLock(client, '/locks/job');
      for (let n = 0; n < 10; n++) {
        await lock.withLock(async () => {
          holders++;
          maxHolders = Math.max(maxHolders, holders);
          order.push(i);
          // A round trip while holding, so that a broken lock would let another holder in.
          await client.setData('/locks/job', bytes(String(i)));
          holders--;
          acquired.set(i, (acquired.get(i) ?? 0) + 1);
        });
      }
    };
    await harness.run(Promise.all([0, 1, 2, 3, 4].map(contender)), 2_000);
    expect(maxHolders).toBe(1);
    expect(order.length).toBe(50);
    expect([...acquired.values()]).toEqual([10, 10, 10, 10, 10]);
    expect(await harness.run(clients[0]!.getChildren('/locks/job'))).toEqual([]);
  });

  it('a waiter watches only its predecessor: releasing the lock wakes one waiter, not the herd', async () => {
    h = await startHarness();
    const harness = h;
    const [c0, c1, c2] = await connectClients(harness, 3);
    const first = await harness.run(new DistributedLock(c0!, '/locks/herd').acquire());
    const second = new DistributedLock(c1!, '/locks/herd').acquire();
    await harness.run(c0!.sync('/'));
    const third = new DistributedLock(c2!, '/locks/herd').acquire();
    let secondHeld = false;
    let thirdHeld = false;
    void second.then(() => (secondHeld = true));
    void third.then(() => (thirdHeld = true));
    await harness.run(c0!.sync('/'));
    await harness.run(first.release());
    await harness.run(second);
    expect(secondHeld).toBe(true);
    expect(thirdHeld).toBe(false);
    await harness.run((await second).release());
    await harness.run(third);
    expect(thirdHeld).toBe(true);
  });

  it('tryLock runs its callback with null while another holds the lock, and with the lock once free', async () => {
    h = await startHarness();
    const harness = h;
    const [c0, c1] = await connectClients(harness, 2);
    const held = await harness.run(new DistributedLock(c0!, '/locks/try').acquire());
    const other = new DistributedLock(c1!, '/locks/try');
    expect(await harness.run(other.tryLock((l) => l))).toBeNull();
    await harness.run(held.release());
    expect(await harness.run(other.tryLock((l) => /^\/locks\/try\/_c_[0-9a-f]{32}-lock-\d{10}$/.test(l?.node ?? '')))).toBe(true);
  });

  it('a holder whose session closes releases the lock to the next waiter', async () => {
    h = await startHarness();
    const harness = h;
    const [c0, c1] = await connectClients(harness, 2);
    await harness.run(new DistributedLock(c0!, '/locks/s').acquire());
    const next = new DistributedLock(c1!, '/locks/s').acquire();
    await harness.run(c1!.sync('/'));
    await harness.run(c0!.close());
    const lock = await harness.run(next);
    expect(/^\/locks\/s\/_c_[0-9a-f]{32}-lock-\d{10}$/.test(lock.node)).toBe(true);
  });
});

describe('the fair lock recipe, measured', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('8 contenders queued behind a holder: each release wakes exactly one waiter (8 releases, 8 watch events)', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 9);
    const observer = await harness.client();
    const count = { events: [] as WatchedEvent[] };
    for (const c of clients) countWatches(c, count);
    const first = await harness.run(new DistributedLock(clients[0]!, '/locks/herd8').acquire());
    const handles: LockHandle[] = [];
    for (const c of clients.slice(1)) void new DistributedLock(c, '/locks/herd8').acquire().then((lock) => handles.push(lock));
    await harness.run(waitForLine(observer, '/locks/herd8', 9));
    expect(count.events).toEqual([]);
    let handle = first;
    for (let i = 0; i < 8; i++) {
      const before = count.events.length;
      await harness.run(handle.release());
      await harness.e.tickUntil('the next waiter holds', () => handles.length === i + 1);
      await harness.run(clients[0]!.sync('/'));
      expect(count.events.length - before).toBe(1);
      handle = handles[i]!;
    }
    await harness.run(handle.release());
    // Fair: the lock went down the line in sequence order.
    const sequences = handles.map((l) => Number(l.node.slice(-10)));
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
  });

  it('a held lock whose session closes is reported lost: its signal aborts and lost turns true', async () => {
    h = await startHarness();
    const harness = h;
    const c0 = await harness.client();
    const lock = await harness.run(new DistributedLock(c0, '/locks/lost').acquire());
    expect([lock.lost, lock.signal.aborted]).toEqual([false, false]);
    await harness.run(c0.close());
    expect([lock.lost, lock.signal.aborted]).toEqual([true, true]);
    await lock.release();
  });

  it('a waiter that aborts leaves the line, and the contender behind it moves up', async () => {
    h = await startHarness();
    const harness = h;
    const [c0, c1, c2] = await connectClients(harness, 3);
    const first = await harness.run(new DistributedLock(c0!, '/locks/abort').acquire());
    const controller = new AbortController();
    const aborted = new DistributedLock(c1!, '/locks/abort').acquire({ signal: controller.signal }).catch((e: unknown) => e);
    await harness.run(c1!.sync('/'));
    const third = new DistributedLock(c2!, '/locks/abort').acquire();
    await harness.run(c2!.sync('/'));
    controller.abort(new Error('gave up'));
    expect(((await harness.run(aborted)) as Error).message).toBe('gave up');
    await harness.run(first.release());
    const lock = await harness.run(third);
    expect((await harness.run(c0!.getChildren('/locks/abort'))).map((c) => `/locks/abort/${c}`)).toEqual([lock.node]);
  });
});
