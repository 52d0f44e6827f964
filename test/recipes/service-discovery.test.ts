import { afterEach, describe, expect, it } from 'vitest';
import { Code, isKeeperError } from '../../src/core/errors.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { asPeerId } from '../../src/core/util/ids.ts';
import { createPrng } from '../../src/core/util/prng.ts';
import { randomPicker, roundRobinPicker } from '../../src/recipes/pickers.ts';
import { ServiceDiscovery, type ServiceCacheEvent } from '../../src/recipes/service-discovery.ts';
import { bytes, startHarness, type Harness } from '../client/harness.ts';
import { firstN, lossyClient } from './lossy-connection.ts';

const api = (id: string, port: number) => ({ name: 'api', id, address: '127.0.0.1', port, payload: { zone: id } });

describe('the pickers', () => {
  it('round robin gives each instance in turn, and no survivor is starved when the list changes', () => {
    const rr = roundRobinPicker();
    expect(Array.from({ length: 6 }, () => rr.pick(['a', 'b', 'c']))).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const list = i < 150 ? ['a', 'b', 'c'] : ['a', 'c'];
      const x = rr.pick(list)!;
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect(counts.get('a')! + counts.get('b')! + counts.get('c')!).toBe(300);
    expect(Math.abs(counts.get('a')! - counts.get('c')!)).toBeLessThanOrEqual(2);
    expect(rr.pick([])).toBeUndefined();
  });

  it('random picks are repeatable from a seed, cover every instance and reject a bad source', () => {
    const run = (seed: number): string[] => {
      const prng = createPrng(seed);
      const picker = randomPicker(() => prng.next());
      return Array.from({ length: 200 }, () => picker.pick(['a', 'b', 'c', 'd'])!);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(new Set(run(7))).toEqual(new Set(['a', 'b', 'c', 'd']));
    expect(randomPicker(() => 0.99).pick(['a', 'b'])).toBe('b');
    let error: unknown;
    try {
      randomPicker(() => 1).pick(['a']);
    } catch (e) {
      error = e;
    }
    expect(isKeeperError(error, Code.BADARGUMENTS)).toBe(true);
  });
});

describe('the service discovery recipe', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('registered instances are found by queries on any peer, and an unregistered one is gone', async () => {
    h = await startHarness();
    const harness = h;
    const [a, b, q] = await Promise.all([harness.client(), harness.client(), harness.client()]);
    const da = new ServiceDiscovery(a!);
    const db = new ServiceDiscovery(b!);
    await harness.run(da.register(api('i1', 9001)));
    await harness.run(db.register(api('i2', 9002)));
    await harness.run(db.register({ name: 'db', id: 'primary', address: '::1', port: 5432 }));
    const dq = new ServiceDiscovery(q!);
    await harness.run(q!.sync('/'));
    expect(await harness.run(dq.names())).toEqual(['api', 'db']);
    expect(await harness.run(dq.instances('api'))).toEqual([api('i1', 9001), api('i2', 9002)]);
    expect(await harness.run(dq.instance('db', 'primary'))).toEqual({ name: 'db', id: 'primary', address: '::1', port: 5432 });
    await harness.run(da.unregister('api', 'i1'));
    await harness.run(q!.sync('/'));
    expect((await harness.run(dq.instances('api'))).map((i) => i.id)).toEqual(['i2']);
    expect(await harness.run(dq.instance('api', 'i1'))).toBeNull();
  });

  it('a service cache sees instances come, change and go (a closed session included), in order', async () => {
    h = await startHarness();
    const harness = h;
    const [a, b, watcher] = await Promise.all([harness.client(), harness.client(), harness.client()]);
    const cache = new ServiceDiscovery(watcher!).cache('api');
    const events: string[] = [];
    cache.on((e: ServiceCacheEvent) => events.push(`${e.type} ${e.instance.id}:${e.instance.port} [${e.instances.map((i) => i.id).join(',')}]`));
    await harness.run(cache.start());
    const da = new ServiceDiscovery(a!);
    const db = new ServiceDiscovery(b!);
    const step = async (p: Promise<unknown>): Promise<void> => {
      await harness.run(p);
      await harness.run(watcher!.sync('/'));
      await harness.run(cache.settled());
    };
    await step(da.register(api('i1', 1)));
    await step(db.register(api('i2', 2)));
    await step(da.update(api('i1', 11)));
    await step(b!.close());
    await step(da.unregister('api', 'i1'));
    expect(events).toEqual(['added i1:1 [i1]', 'added i2:2 [i1,i2]', 'updated i1:11 [i1,i2]', 'removed i2:2 [i1]', 'removed i1:11 []']);
    expect(cache.instances()).toEqual([]);
  });

  it('a provider hands out the live instances round robin, and repeatably at random from a seed', async () => {
    h = await startHarness();
    const harness = h;
    const [reg, user] = await Promise.all([harness.client(), harness.client()]);
    const d = new ServiceDiscovery(reg!);
    for (const [i, id] of ['x', 'y', 'z'].entries()) await harness.run(d.register(api(id, 7000 + i)));
    const discovery = new ServiceDiscovery(user!);
    const rr = discovery.provider('api', roundRobinPicker());
    await harness.run(rr.start());
    expect(Array.from({ length: 6 }, () => rr.getInstance()?.id)).toEqual(['x', 'y', 'z', 'x', 'y', 'z']);

    const picks = async (seed: number): Promise<string[]> => {
      const prng = createPrng(seed);
      const p = discovery.provider('api', randomPicker(() => prng.next()));
      await harness.run(p.start());
      const out = Array.from({ length: 30 }, () => p.getInstance()!.id);
      p.close();
      return out;
    };
    expect(await picks(42)).toEqual(await picks(42));

    await harness.run(d.unregister('api', 'y'));
    await harness.e.tickUntil('y has left the provider', () => rr.getAllInstances().length === 2);
    const after = Array.from({ length: 4 }, () => rr.getInstance()?.id);
    expect(new Set(after)).toEqual(new Set(['x', 'z']));
    await harness.run(d.close());
    await harness.e.tickUntil('no instances left', () => rr.getAllInstances().length === 0);
    expect(rr.getInstance()).toBeUndefined();
  });

  it('a registration whose reply was lost succeeds on retry, and an id another session holds is NODEEXISTS', async () => {
    h = await startHarness();
    const harness = h;
    const other = await harness.client(asPeerId(1));
    await harness.run(other.create('/services', bytes('')));
    await harness.run(other.create('/services/api', bytes('')));
    const client = await lossyClient(harness, asPeerId(2), firstN(1, (r) => r.type === 'create' && r.path === '/services/api/i1'));
    await harness.run(new ServiceDiscovery(client).register(api('i1', 1)));
    expect((await harness.run(other.exists('/services/api/i1')))?.ephemeralOwner).toBe(client.session);
    const error = await harness.run(new ServiceDiscovery(other).register(api('i1', 2)).catch((e: unknown) => e));
    expect(isKeeperError(error, Code.NODEEXISTS)).toBe(true);
  });

  it('an invalid instance is refused before sending, and an invalid stored one is reported, never returned', async () => {
    h = await startHarness();
    const harness = h;
    const c = await harness.client();
    const errors: unknown[] = [];
    const d = new ServiceDiscovery(c, { onError: (e) => errors.push(e) });
    for (const bad of [{ ...api('b', 1), port: 70_000 }, { ...api('b', 1), address: '' }, { ...api('b/c', 1) }]) {
      const e = await harness.run(d.register(bad).catch((x: unknown) => x));
      expect(isKeeperError(e, Code.BADARGUMENTS)).toBe(true);
    }
    expect(await harness.run(c.exists('/services/api/b'))).toBeNull();
    await harness.run(d.register(api('good', 1)));
    await harness.run(c.create('/services/api/junk', bytes('{"port":"x"}'), { mode: CreateMode.EPHEMERAL }));
    expect((await harness.run(d.instances('api'))).map((i) => i.id)).toEqual(['good']);
    const cache = d.cache('api');
    await harness.run(cache.start());
    expect(cache.instances().map((i) => i.id)).toEqual(['good']);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.every((e) => isKeeperError(e, Code.MARSHALLINGERROR))).toBe(true);
  });
});
