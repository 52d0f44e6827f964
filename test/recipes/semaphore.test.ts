import { afterEach, describe, expect, it } from 'vitest';
import { Code, KeeperError } from '../../src/core/errors.ts';
import type { WatchedEvent } from '../../src/core/watches/events.ts';
import { Semaphore, type Lease } from '../../src/recipes/semaphore.ts';
import { bytes, startHarness, type Harness } from '../client/harness.ts';
import { connectClients, countWatches } from './recipe-helpers.ts';

describe('the semaphore recipe (leases)', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('6 clients take 30 leases of 2: never more than 2 out, both used at once, and every acquirer gets its turn', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 6);
    await harness.run(clients[0]!.create('/work', bytes('')));
    let out = 0;
    let maxOut = 0;
    const got = new Map<number, number>();
    const worker = async (i: number): Promise<void> => {
      const client = clients[i]!;
      const sem = new Semaphore(client, '/sem/pool', 2);
      for (let n = 0; n < 5; n++) {
        await sem.withLease(async () => {
          out++;
          maxOut = Math.max(maxOut, out);
          // Several round trips while holding, so that leases overlap (and a third would show).
          for (let k = 0; k < 8; k++) await client.setData('/work', bytes(String(i)));
          out--;
          got.set(i, (got.get(i) ?? 0) + 1);
        });
      }
    };
    await harness.run(Promise.all(clients.map((_, i) => worker(i))), 3_000);
    expect(maxOut).toBe(2);
    expect([...got.values()]).toEqual([5, 5, 5, 5, 5, 5]);
    expect(await harness.run(new Semaphore(clients[0]!, '/sem/pool', 2).leaseNodes())).toEqual([]);
  });

  it('closing a lease wakes one waiter, the head of the line, and no other', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 5);
    const count = { events: [] as WatchedEvent[] };
    for (const c of clients) countWatches(c, count);
    const sem = (i: number): Semaphore => new Semaphore(clients[i]!, '/sem/herd', 2);
    const a = await harness.run(sem(0).acquire());
    const b = await harness.run(sem(1).acquire());
    const leases = new Map<number, Lease>();
    for (const i of [2, 3, 4]) {
      void sem(i).acquire().then((l) => leases.set(i, l));
      await harness.run(clients[i]!.sync('/'));
    }
    await harness.e.tickUntil('the line settles', () => count.events.length === 0 && leases.size === 0, 5);
    expect(leases.size).toBe(0);

    const before = count.events.length;
    await harness.run(a.close());
    await harness.e.tickUntil('one waiter holds a lease', () => leases.size === 1);
    await harness.run(clients[0]!.sync('/'));
    // One wake for the head (the lease list changed) and one for the next in the mutex line.
    const woken = count.events.slice(before);
    expect(woken.filter((e) => e.path === '/sem/herd/leases').length).toBe(1);
    expect(woken.length).toBe(2);
    expect(leases.size).toBe(1);
    await harness.run(b.close());
    await harness.e.tickUntil('two waiters hold', () => leases.size === 2);
    expect(await harness.run(sem(0).leaseNodes())).toHaveLength(2);
  });

  it('acquire(n) takes n leases together; asking for more than the semaphore has is BADARGUMENTS', async () => {
    h = await startHarness();
    const harness = h;
    const c = await harness.client();
    const sem = new Semaphore(c, '/sem/many', 3);
    const three = await harness.run(sem.acquire(3));
    expect(three).toHaveLength(3);
    expect(await harness.run(sem.leaseNodes())).toHaveLength(3);
    const err = await harness.run(sem.acquire(4).catch((e: unknown) => e));
    expect(err).toBeInstanceOf(KeeperError);
    expect((err as KeeperError).code).toBe(Code.BADARGUMENTS);
    for (const l of three) await harness.run(l.close());
    expect(await harness.run(sem.leaseNodes())).toEqual([]);
  });
});
