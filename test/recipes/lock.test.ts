import { afterEach, describe, expect, it } from 'vitest';
import { DistributedLock } from '../../src/recipes/lock.ts';
import { bytes, startHarness, type Harness } from '../client/harness.ts';

describe('the fair lock recipe', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('5 clients contend for 50 acquisitions: never two holders at once, and every waiter acquires', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await Promise.all([0, 1, 2, 3, 4].map(() => harness.client()));
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
    const [c0, c1, c2] = await Promise.all([harness.client(), harness.client(), harness.client()]);
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
    const [c0, c1] = await Promise.all([harness.client(), harness.client()]);
    const held = await harness.run(new DistributedLock(c0!, '/locks/try').acquire());
    const other = new DistributedLock(c1!, '/locks/try');
    expect(await harness.run(other.tryLock((l) => l))).toBeNull();
    await harness.run(held.release());
    expect(await harness.run(other.tryLock((l) => l?.node.startsWith('/locks/try/lock-')))).toBe(true);
  });

  it('a holder whose session closes releases the lock to the next waiter', async () => {
    h = await startHarness();
    const harness = h;
    const [c0, c1] = await Promise.all([harness.client(), harness.client()]);
    await harness.run(new DistributedLock(c0!, '/locks/s').acquire());
    const next = new DistributedLock(c1!, '/locks/s').acquire();
    await harness.run(c1!.sync('/'));
    await harness.run(c0!.close());
    const lock = await harness.run(next);
    expect(lock.node.startsWith('/locks/s/lock-')).toBe(true);
  });
});
