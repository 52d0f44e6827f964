import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.ts';
import { Code, isKeeperError } from '../../src/core/errors.ts';
import { joinPath } from '../../src/core/tree/path.ts';
import { WatcherType } from '../../src/core/watches/events.ts';
import { TreeCache, type TreeCacheEvent } from '../../src/recipes/tree-cache.ts';
import { asPeerId } from '../../src/core/util/ids.ts';
import { createPrng } from '../../src/core/util/prng.ts';
import { bytes, startHarness, text, type Harness } from '../client/harness.ts';
import { outageClient } from './lossy-connection.ts';

/** The subtree at `root` as `path -> data`, read straight from the ensemble after a sync. */
async function snapshot(client: Client, root: string): Promise<Map<string, string>> {
  await client.sync(root);
  const out = new Map<string, string>();
  const walk = async (path: string): Promise<void> => {
    try {
      const { data } = await client.getData(path);
      out.set(path, text(data));
      for (const child of await client.getChildren(path)) await walk(joinPath(path, child));
    } catch (e) {
      if (!isKeeperError(e, Code.NONODE)) throw e;
    }
  };
  await walk(root);
  return out;
}

const view = (cache: TreeCache): Map<string, string> => new Map(cache.all().map((n) => [n.path, text(n.data)]));

describe('the tree cache recipe', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  /** Waits until the cache's peer has applied everything written so far and the cache has read it. */
  const caughtUp = async (harness: Harness, client: Client, cache: TreeCache, root: string): Promise<void> => {
    await harness.run(client.sync(root));
    await harness.run(cache.settled());
  };

  it('reports each change made one at a time as its own event, in order, the initial nodes included', async () => {
    h = await startHarness();
    const harness = h;
    const [reader, writer] = await Promise.all([harness.client(1 as never), harness.client(2 as never)]);
    await harness.run(writer!.create('/app', bytes('a0')));
    await harness.run(writer!.create('/app/x', bytes('x0')));
    const cache = new TreeCache(reader!, '/app');
    const events: string[] = [];
    cache.on((e) => events.push(`${e.type} ${e.node.path} ${text(e.node.data)}`));
    await harness.run(cache.start());
    expect(events).toEqual(['added /app a0', 'added /app/x x0']);

    const steps: (() => Promise<unknown>)[] = [
      () => writer!.setData('/app/x', bytes('x1')),
      () => writer!.create('/app/y', bytes('y0')),
      () => writer!.create('/app/y/z', bytes('z0')),
      () => writer!.setData('/app', bytes('a1')),
      () => writer!.delete('/app/y/z'),
      () => writer!.delete('/app/x'),
      () => writer!.create('/app/x', bytes('x-again')),
    ];
    for (const step of steps) {
      await harness.run(step());
      await caughtUp(harness, reader!, cache, '/app');
    }
    expect(events.slice(2)).toEqual([
      'updated /app/x x1',
      'added /app/y y0',
      'added /app/y/z z0',
      'updated /app a1',
      'removed /app/y/z z0',
      'removed /app/x x1',
      'added /app/x x-again',
    ]);
    expect(view(cache)).toEqual(await harness.run(snapshot(reader!, '/app')));
  });

  it('a cache started while a writer races its load misses nothing: it ends equal to the tree, each node moving only forward', async () => {
    h = await startHarness();
    const harness = h;
    const [reader, writer] = await Promise.all([harness.client(1 as never), harness.client(3 as never)]);
    await harness.run(writer!.create('/race', bytes('r')));
    for (let i = 0; i < 20; i++) await harness.run(writer!.create(`/race/n${i}`, bytes('0')));

    const cache = new TreeCache(reader!, '/race');
    // Per node, the (czxid, mzxid) of every state the cache showed: must only grow.
    const seen = new Map<string, [number, number][]>();
    cache.on((e: TreeCacheEvent) => {
      if (e.type === 'removed') return;
      const list = seen.get(e.node.path) ?? [];
      list.push([e.node.stat.czxid, e.node.stat.mzxid]);
      seen.set(e.node.path, list);
    });
    const churn = async (): Promise<void> => {
      for (let round = 1; round <= 3; round++) {
        for (let i = 0; i < 20; i++) {
          const path = `/race/n${i}`;
          if ((i + round) % 5 === 0) await writer!.delete(path).catch(() => undefined);
          else if ((i + round) % 5 === 1) await writer!.create(path, bytes(`c${round}`)).catch(() => undefined);
          else await writer!.setData(path, bytes(`v${round}`)).catch(() => undefined);
          if (i % 4 === 0) await writer!.create(`/race/n${i}/deep${round}`, bytes('d')).catch(() => undefined);
        }
      }
    };
    // The writer's requests go out together with the cache's watch and first reads.
    await harness.run(Promise.all([cache.start(), churn()]), 2_000);
    await caughtUp(harness, reader!, cache, '/race');

    expect(view(cache)).toEqual(await harness.run(snapshot(reader!, '/race')));
    for (const [path, states] of seen) {
      for (let i = 1; i < states.length; i++) {
        const [c0, m0] = states[i - 1]!;
        const [c1, m1] = states[i]!;
        expect(c1 > c0 || (c1 === c0 && m1 > m0), `${path} went back in time`).toBe(true);
      }
    }
  });

  it('over 8 seeds of random creates, changes and deletes by two writers racing the load, the cache equals the tree at every quiet point', async () => {
    for (let seed = 1; seed <= 8; seed++) {
      h = await startHarness();
      const harness = h;
      const [reader, w1, w2] = await Promise.all([harness.client(asPeerId(1)), harness.client(asPeerId(2)), harness.client(asPeerId(3))]);
      await harness.run(w1!.create('/rnd', bytes('')));
      const prng = createPrng(seed);
      const names = ['a', 'b', 'c'];
      const randomPath = (): string => {
        const depth = 1 + prng.int(3);
        return `/rnd/${Array.from({ length: depth }, () => prng.pick(names)).join('/')}`;
      };
      const ops = async (writer: Client, count: number): Promise<void> => {
        for (let i = 0; i < count; i++) {
          const path = randomPath();
          const roll = prng.int(3);
          const op =
            roll === 0 ? writer.create(path, bytes(`c${i}`)) : roll === 1 ? writer.setData(path, bytes(`s${i}`)) : writer.delete(path);
          await op.catch(() => undefined); // NONODE, NODEEXISTS, NOTEMPTY: part of the game
        }
      };
      const cache = new TreeCache(reader!, '/rnd');
      const shown = new Map<string, [number, number]>();
      cache.on((e) => {
        if (e.type === 'removed') return;
        const before = shown.get(e.node.path);
        const now: [number, number] = [e.node.stat.czxid, e.node.stat.mzxid];
        if (before !== undefined) {
          expect(now[0] > before[0] || (now[0] === before[0] && now[1] >= before[1]), `seed ${seed}: ${e.node.path} went back in time`).toBe(true);
        }
        shown.set(e.node.path, now);
      });
      await harness.run(Promise.all([cache.start(), ops(w1!, 40), ops(w2!, 40)]), 2_000);
      await caughtUp(harness, reader!, cache, '/rnd');
      expect(view(cache), `seed ${seed}`).toEqual(await harness.run(snapshot(reader!, '/rnd')));
      await harness.run(Promise.all([ops(w1!, 40), ops(w2!, 40)]), 2_000);
      await caughtUp(harness, reader!, cache, '/rnd');
      expect(view(cache), `seed ${seed}`).toEqual(await harness.run(snapshot(reader!, '/rnd')));
      await harness.stop();
      h = undefined;
    }
  });

  it('with maxDepth 1 mirrors the root and its children only', async () => {
    h = await startHarness();
    const harness = h;
    const [reader, writer] = await Promise.all([harness.client(), harness.client()]);
    await harness.run(writer!.create('/d', bytes('')));
    await harness.run(writer!.create('/d/a', bytes('1')));
    await harness.run(writer!.create('/d/a/deep', bytes('2')));
    const cache = new TreeCache(reader!, '/d', { maxDepth: 1 });
    await harness.run(cache.start());
    await harness.run(writer!.create('/d/b', bytes('3')));
    await harness.run(writer!.create('/d/b/deep', bytes('4')));
    await caughtUp(harness, reader!, cache, '/d');
    expect(cache.all().map((n) => n.path)).toEqual(['/d', '/d/a', '/d/b']);
    expect(cache.childrenOf('/d')).toEqual(['a', 'b']);
  });

  it('a cache of a root that does not exist yet fills in once the root and its children are created', async () => {
    h = await startHarness();
    const harness = h;
    const [reader, writer] = await Promise.all([harness.client(), harness.client()]);
    const cache = new TreeCache(reader!, '/later/root');
    await harness.run(cache.start());
    expect(cache.size).toBe(0);
    await harness.run(writer!.create('/later', bytes('')));
    await harness.run(writer!.create('/later/root', bytes('r')));
    await harness.run(writer!.create('/later/root/c', bytes('c')));
    await caughtUp(harness, reader!, cache, '/later');
    expect(view(cache)).toEqual(new Map([['/later/root', 'r'], ['/later/root/c', 'c']]));
    await harness.run(writer!.delete('/later/root/c'));
    await harness.run(writer!.delete('/later/root'));
    await caughtUp(harness, reader!, cache, '/later');
    expect(cache.size).toBe(0);
  });

  it('a cache whose connection drops, losing the events meanwhile, reads everything again on reconnect and converges', async () => {
    h = await startHarness();
    const harness = h;
    const link = await outageClient(harness, asPeerId(2));
    const writer = await harness.client(asPeerId(3));
    await harness.run(writer.create('/o', bytes('')));
    for (const n of ['a', 'b', 'c']) await harness.run(writer.create(`/o/${n}`, bytes('0')));
    const cache = new TreeCache(link.client, '/o');
    await harness.run(cache.start());
    link.down();
    await harness.run(writer.setData('/o/a', bytes('1')));
    await harness.run(writer.delete('/o/b'));
    await harness.run(writer.create('/o/d', bytes('new')));
    await harness.run(writer.create('/o/d/e', bytes('deep')));
    await harness.run(writer.delete('/o/c'));
    await harness.run(writer.create('/o/c', bytes('again')));
    await harness.run(link.client.sync('/').catch(() => undefined)); // fails: the link is down
    expect(view(cache).get('/o/b')).toBe('0'); // stale while away, as it must be
    link.up();
    await caughtUp(harness, link.client, cache, '/o');
    expect(view(cache)).toEqual(await harness.run(snapshot(writer, '/o')));
  });

  it('a cache whose client moves to another peer (its link to the first one broken) follows the tree there', async () => {
    h = await startHarness();
    const harness = h;
    const roaming = await harness.roaming({ first: asPeerId(1) });
    const writer = await harness.client(asPeerId(3));
    await harness.run(writer.create('/m', bytes('')));
    await harness.run(writer.create('/m/a', bytes('0')));
    const cache = new TreeCache(roaming.client, '/m');
    const events: string[] = [];
    cache.on((e) => events.push(`${e.type} ${e.node.path} ${text(e.node.data)}`));
    await harness.run(cache.start());
    expect(roaming.peer()).toBe(1);
    roaming.blocked.add(asPeerId(1));
    roaming.session.dropLink('the test cuts the link to peer 1');
    await harness.run(writer.setData('/m/a', bytes('1')));
    await harness.run(writer.create('/m/b', bytes('b')));
    await harness.e.tickUntil('moved to another peer', () => roaming.client.state === 'connected' && roaming.peer() !== 1);
    await harness.run(writer.delete('/m/b'));
    await harness.run(writer.create('/m/c', bytes('c')));
    await caughtUp(harness, roaming.client, cache, '/m');
    expect(view(cache)).toEqual(await harness.run(snapshot(writer, '/m')));
    expect(events).toEqual(['added /m ', 'added /m/a 0', 'updated /m/a 1', 'added /m/b b', 'removed /m/b b', 'added /m/c c']);
  });

  it('two caches of one path on one client: closing one leaves the other following, closing both takes the watch off the peer', async () => {
    h = await startHarness();
    const harness = h;
    const [reader, writer] = await Promise.all([harness.client(), harness.client()]);
    const first = new TreeCache(reader!, '/two');
    const second = new TreeCache(reader!, '/two');
    await harness.run(Promise.all([first.start(), second.start()]));
    first.close();
    await harness.run(writer!.create('/two', bytes('x')));
    await caughtUp(harness, reader!, second, '/');
    expect(view(second)).toEqual(new Map([['/two', 'x']]));
    expect(first.size).toBe(0);
    second.close();
    await harness.run(reader!.sync('/'));
    const e = await harness.run(reader!.removeWatches('/two', WatcherType.PersistentRecursive).catch((x: unknown) => x));
    expect(isKeeperError(e, Code.NOWATCHER)).toBe(true);
  });

  it('a closed cache emits nothing more', async () => {
    h = await startHarness();
    const harness = h;
    const [reader, writer] = await Promise.all([harness.client(), harness.client()]);
    const cache = new TreeCache(reader!, '/c');
    const events: TreeCacheEvent[] = [];
    cache.on((e) => events.push(e));
    await harness.run(cache.start());
    cache.close();
    await harness.run(writer!.create('/c', bytes('')));
    await caughtUp(harness, reader!, cache, '/');
    expect(events).toEqual([]);
  });
});
