import { afterEach, describe, expect, it } from 'vitest';
import type { WatchedEvent } from '../../src/core/watches/events.ts';
import { ReadWriteLock, type LockHandle } from '../../src/recipes/read-write-lock.ts';
import { bytes, startHarness, type Harness } from '../client/harness.ts';
import { connectClients, countWatches, waitForLine } from './recipe-helpers.ts';

describe('the read-write lock recipe', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('6 clients mix reads and writes: a writer is always alone, readers do share, and every contender acquires', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 6);
    let readers = 0;
    let writers = 0;
    let maxReaders = 0;
    let violations = 0;
    let done = 0;
    const contender = async (i: number): Promise<void> => {
      const client = clients[i]!;
      const rw = new ReadWriteLock(client, '/rw/data');
      for (let n = 0; n < 6; n++) {
        const write = (i + n) % 3 === 0;
        const side = write ? rw.writeLock : rw.readLock;
        await side.withLock(async () => {
          if (write) writers++;
          else readers++;
          maxReaders = Math.max(maxReaders, readers);
          if (writers > 1 || (writers === 1 && readers > 0)) violations++;
          await client.setData('/rw/data', bytes(String(i)));
          if (write) writers--;
          else readers--;
          done++;
        });
      }
    };
    await harness.run(Promise.all(clients.map((_, i) => contender(i))), 3_000);
    expect(violations).toBe(0);
    expect(done).toBe(36);
    expect(maxReaders).toBeGreaterThan(1);
    expect(await harness.run(clients[0]!.getChildren('/rw/data'))).toEqual([]);
  });

  it('a writer release wakes exactly the readers up to the next writer; that writer and the readers behind it sleep on', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await connectClients(harness, 9);
    const observer = await harness.client();
    const count = { events: [] as WatchedEvent[] };
    for (const c of clients) countWatches(c, count);
    const lockOf = (i: number): ReadWriteLock => new ReadWriteLock(clients[i]!, '/rw/herd');
    const writer = await harness.run(lockOf(0).writeLock.acquire());
    // Line: W0 (holds), R1..R5, W6, R7, R8, each entering after the one before is in line.
    const held = new Map<number, LockHandle>();
    const plan: [number, 'read' | 'write'][] = [[1, 'read'], [2, 'read'], [3, 'read'], [4, 'read'], [5, 'read'], [6, 'write'], [7, 'read'], [8, 'read']];
    for (const [k, [i, kind]] of plan.entries()) {
      const side = kind === 'read' ? lockOf(i).readLock : lockOf(i).writeLock;
      void side.acquire().then((l) => held.set(i, l));
      await harness.run(waitForLine(observer, '/rw/herd', k + 2));
    }
    await harness.run(observer.sync('/'));
    expect(held.size).toBe(0);
    expect(count.events).toEqual([]);

    await harness.run(writer.release());
    await harness.e.tickUntil('five readers hold', () => held.size === 5);
    await harness.run(observer.sync('/'));
    expect([...held.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(count.events.length).toBe(5);

    // The readers release one by one; only the last wakes the writer (which watched its predecessor).
    for (const i of [1, 2, 3, 4, 5]) await harness.run(held.get(i)!.release());
    await harness.e.tickUntil('the writer holds', () => held.has(6));
    expect(held.has(7) || held.has(8)).toBe(false);
    await harness.run(held.get(6)!.release());
    await harness.e.tickUntil('the last readers hold', () => held.has(7) && held.has(8));
  });
});
