import { afterEach, describe, expect, it } from 'vitest';
import { Code, isKeeperError } from '../../src/core/errors.ts';
import { asPeerId } from '../../src/core/util/ids.ts';
import { ConfigStore, InvalidConfigError } from '../../src/recipes/config-store.ts';
import { bytes, startHarness, type Harness } from '../client/harness.ts';
import { firstN, lossyClient } from './lossy-connection.ts';

interface Settings {
  readonly replicas: number;
  readonly mode: 'fast' | 'safe';
}

const isSettings = (v: unknown): v is Settings =>
  typeof v === 'object' &&
  v !== null &&
  Number.isInteger((v as Settings).replicas) &&
  (v as Settings).replicas >= 0 &&
  ((v as Settings).mode === 'fast' || (v as Settings).mode === 'safe');

describe('the config store recipe', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('stores and reads a typed value, and refuses an invalid one before sending anything', async () => {
    h = await startHarness();
    const harness = h;
    const [c, other] = await Promise.all([harness.client(), harness.client()]);
    const store = new ConfigStore<Settings>(c!, '/config/app/settings', { validate: isSettings });
    expect(await harness.run(store.get())).toBeNull();
    await harness.run(store.set({ replicas: 3, mode: 'safe' }));
    expect((await harness.run(store.get()))?.value).toEqual({ replicas: 3, mode: 'safe' });

    const bad = await harness.run(store.set({ replicas: -1, mode: 'safe' }).catch((e: unknown) => e));
    expect(bad).toBeInstanceOf(InvalidConfigError);
    expect(isKeeperError(bad, Code.BADARGUMENTS)).toBe(true);
    expect((bad as InvalidConfigError).stored).toBe(false);
    const reasoned = new ConfigStore<number>(c!, '/config/n', { validate: (v) => (typeof v === 'number' && v < 10) || 'must be a number under 10' });
    const why = await harness.run(reasoned.set(12).catch((e: unknown) => e));
    expect((why as InvalidConfigError).reason).toBe('must be a number under 10');
    expect(await harness.run(other!.exists('/config/n'))).toBeNull();
    await harness.run(other!.sync('/'));
    expect((await harness.run(other!.getData('/config/app/settings'))).stat.version).toBe(0); // the bad set never left
  });

  it('an invalid stored value is reported, by get() and to a watcher, and never handed on', async () => {
    h = await startHarness();
    const harness = h;
    const [c, writer] = await Promise.all([harness.client(), harness.client()]);
    const store = new ConfigStore<Settings>(c!, '/cfg', { validate: isSettings });
    const changes: (Settings | undefined)[] = [];
    const invalid: string[] = [];
    const stop = await harness.run(store.watch({ onChange: (v) => changes.push(v), onInvalid: (e) => invalid.push(e.reason) }));
    await harness.run(writer!.create('/cfg', bytes('{"replicas": 1, "mode": "fast"}')));
    await harness.e.tickUntil('seen', () => changes.length === 2);
    await harness.run(writer!.setData('/cfg', bytes('{"replicas": "many"}')));
    await harness.e.tickUntil('invalid reported', () => invalid.length === 1);
    await harness.run(writer!.setData('/cfg', bytes('not json')));
    await harness.e.tickUntil('invalid reported', () => invalid.length === 2);
    const error = await harness.run(store.get().catch((e: unknown) => e));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).stored).toBe(true);
    expect(await harness.run(store.update((v) => v ?? { replicas: 0, mode: 'safe' }).catch((e: unknown) => e))).toBeInstanceOf(InvalidConfigError);
    await harness.run(writer!.setData('/cfg', bytes('{"replicas": 2, "mode": "safe"}')));
    await harness.run(writer!.delete('/cfg'));
    await harness.e.tickUntil('the deletion seen', () => changes.length === 4);
    expect(changes).toEqual([undefined, { replicas: 1, mode: 'fast' }, { replicas: 2, mode: 'safe' }, undefined]);
    expect(invalid).toEqual(['refused by the validation hook', 'not JSON']);
    stop();
  });

  it('ten clients running five concurrent update(fn)s each: all fifty land, none overwrites another', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await Promise.all(Array.from({ length: 10 }, () => harness.client()));
    const stores = clients.map((c) => new ConfigStore<{ count: number; by: string[] }>(c, '/counter/config'));
    const bump = async (i: number): Promise<void> => {
      for (let n = 0; n < 5; n++) await stores[i]!.update((v) => ({ count: (v?.count ?? 0) + 1, by: [...(v?.by ?? []), `c${i}`] }));
    };
    await harness.run(Promise.all(stores.map((_, i) => bump(i))), 2_000);
    const final = await harness.run(stores[0]!.get());
    expect(final?.value.count).toBe(50);
    expect(final?.value.by.length).toBe(50);
    for (let i = 0; i < 10; i++) expect(final?.value.by.filter((b) => b === `c${i}`).length).toBe(5);
    expect(final?.stat.version).toBe(49); // one create, then 49 setData: no write was lost or doubled
  });

  it('an update whose write landed but whose reply was lost is counted once', async () => {
    h = await startHarness();
    const harness = h;
    const plain = await harness.client(asPeerId(1));
    await harness.run(plain.create('/lost', bytes('')));
    const client = await lossyClient(harness, asPeerId(2), firstN(2, (r) => r.type === 'setData' || r.type === 'create'));
    const store = new ConfigStore<number>(client, '/lost/n');
    await harness.run(store.update((v) => (v ?? 0) + 1)); // a lost create
    await harness.run(store.update((v) => (v ?? 0) + 1)); // a lost setData
    await harness.run(store.update((v) => (v ?? 0) + 1));
    const read = await harness.run(new ConfigStore<number>(plain, '/lost/n').get());
    expect(read?.value).toBe(3);
    expect(read?.stat.version).toBe(2);
  });

  it('set at a stale version is BADVERSION and leaves the value alone', async () => {
    h = await startHarness();
    const harness = h;
    const c = await harness.client();
    const store = new ConfigStore<string>(c, '/v');
    const first = await harness.run(store.set('a'));
    await harness.run(store.set('b', first.version));
    const e = await harness.run(store.set('c', first.version).catch((x: unknown) => x));
    expect(isKeeperError(e, Code.BADVERSION)).toBe(true);
    expect((await harness.run(store.get()))?.value).toBe('b');
  });
});
