import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client/client.ts';
import { asPeerId } from '../../src/core/util/ids.ts';
import { NodeCache } from '../../src/recipes/node-cache.ts';
import { bytes, startHarness, text, type Harness } from '../client/harness.ts';

describe('the node cache recipe', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  const caughtUp = async (harness: Harness, client: Client, cache: NodeCache): Promise<void> => {
    await harness.run(client.sync('/'));
    await harness.run(cache.settled());
  };

  it('sees the node created, each change in order, deleted and created again, and not its children', async () => {
    h = await startHarness();
    const harness = h;
    const [reader, writer] = await Promise.all([harness.client(asPeerId(1)), harness.client(asPeerId(2))]);
    const cache = new NodeCache(reader!, '/n');
    const events: string[] = [];
    cache.on((e) => events.push(e.type === 'deleted' ? `deleted (was ${text(e.previous.data)})` : `${e.type} ${text(e.node.data)} v${e.node.stat.version}`));
    await harness.run(cache.start());
    expect(cache.current).toBeNull();
    const steps: (() => Promise<unknown>)[] = [
      () => writer!.create('/n', bytes('a')),
      () => writer!.setData('/n', bytes('b')),
      () => writer!.create('/n/child', bytes('ignored')),
      () => writer!.setData('/n', bytes('c')),
      () => writer!.delete('/n/child'),
      () => writer!.delete('/n'),
      () => writer!.create('/n', bytes('d')),
    ];
    for (const step of steps) {
      await harness.run(step());
      await caughtUp(harness, reader!, cache);
    }
    expect(events).toEqual(['created a v0', 'changed b v1', 'changed c v2', 'deleted (was c)', 'created d v0']);
    expect(text(cache.current!.data)).toBe('d');
  });

  it('started while a writer changes the node, it ends with the latest state, its versions only rising', async () => {
    h = await startHarness();
    const harness = h;
    const [reader, writer] = await Promise.all([harness.client(asPeerId(3)), harness.client(asPeerId(1))]);
    await harness.run(writer!.create('/hot', bytes('0')));
    const cache = new NodeCache(reader!, '/hot');
    const versions: number[] = [];
    cache.on((e) => {
      if (e.type !== 'deleted') versions.push(e.node.stat.version);
    });
    const churn = async (): Promise<void> => {
      for (let i = 1; i <= 30; i++) await writer!.setData('/hot', bytes(String(i)));
    };
    await harness.run(Promise.all([cache.start(), churn()]), 1_000);
    await caughtUp(harness, reader!, cache);
    expect(text(cache.current!.data)).toBe('30');
    expect(cache.current!.stat.version).toBe(30);
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]!);
    expect(versions.at(-1)).toBe(30);
  });
});
