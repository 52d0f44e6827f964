// node-zookeeper-client (the npm ZooKeeper client, jute written in JavaScript) against a meshkeeper
// peer's client port: create, getData with a watcher, and a transaction.

import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveEnsemble, waitFor } from './live-ensemble.ts';

type Callback<T> = (error: Error | null, result: T) => void;
interface NzkEvent { readonly type: number; readonly name: string; readonly path: string }
interface NzkStat { readonly version: number }
interface NzkTransaction {
  create(path: string, data?: Buffer, mode?: number): NzkTransaction;
  setData(path: string, data: Buffer, version?: number): NzkTransaction;
  check(path: string, version: number): NzkTransaction;
  remove(path: string, version?: number): NzkTransaction;
  commit(cb: Callback<readonly { readonly type: number; readonly path?: string; readonly err?: number }[]>): void;
}
interface NzkClient {
  connect(): void;
  close(): void;
  once(event: 'connected', listener: () => void): void;
  getSessionId(): Buffer;
  create(path: string, data: Buffer, mode: number, cb: Callback<string>): void;
  getData(path: string, watcher: (event: NzkEvent) => void, cb: (error: Error | null, data: Buffer, stat: NzkStat) => void): void;
  setData(path: string, data: Buffer, version: number, cb: Callback<NzkStat>): void;
  getChildren(path: string, cb: Callback<string[]>): void;
  transaction(): NzkTransaction;
}
interface Nzk {
  createClient(connect: string, options: { sessionTimeout: number; retries: number }): NzkClient;
  CreateMode: { PERSISTENT: number; EPHEMERAL_SEQUENTIAL: number };
}
const nzk = createRequire(import.meta.url)('node-zookeeper-client') as Nzk;

const call = <T>(fn: (cb: Callback<T>) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((error, result) => (error === null ? resolve(result) : reject(error))));

describe('node-zookeeper-client against a meshkeeper ensemble', () => {
  const e = new LiveEnsemble({ voters: 3 });
  beforeAll(async () => {
    await e.startAll();
    await e.ready();
  }, 30_000);
  afterAll(() => e.stopAll());

  it('creates, reads with a watcher that fires on change, and commits a transaction', async () => {
    const client = nzk.createClient(e.connectString(), { sessionTimeout: 4000, retries: 0 });
    const connected = new Promise<void>((resolve) => client.once('connected', resolve));
    client.connect();
    try {
      await connected;
      expect(await call<string>((cb) => client.create('/n', Buffer.from('one'), nzk.CreateMode.PERSISTENT, cb))).toBe('/n');
      const events: NzkEvent[] = [];
      const [data, stat] = await new Promise<[Buffer, NzkStat]>((resolve, reject) =>
        client.getData('/n', (event) => events.push(event), (error, d, s) => (error === null ? resolve([d, s]) : reject(error))));
      expect(data.toString()).toBe('one');
      expect(stat.version).toBe(0);
      await call<NzkStat>((cb) => client.setData('/n', Buffer.from('two'), 0, cb));
      await waitFor('the data watch fired', () => events.length > 0, 10_000);
      expect(events.map((ev) => [ev.name, ev.path])).toEqual([['NODE_DATA_CHANGED', '/n']]);

      type Results = readonly { readonly type: number }[];
      const results = await call<Results>((cb) =>
        client.transaction().create('/n/a', Buffer.from('a')).setData('/n', Buffer.from('three'), 1).check('/n/a', 0).commit(cb));
      expect(results.map((r) => r.type)).toEqual([1, 5, 13]);
      expect(await call<string[]>((cb) => client.getChildren('/n', cb))).toEqual(['a']);

      const failed = await call((cb) => client.transaction().create('/n/b').check('/n', 99).commit(cb)).catch((error: unknown) => error);
      expect(String(failed)).toMatch(/BAD_VERSION/);
      expect(await call<string[]>((cb) => client.getChildren('/n', cb))).toEqual(['a']);
    } finally {
      client.close();
    }
  }, 60_000);

  it('re-registers its watch with SetWatches after its server stops, and the watch fires on the next change', async () => {
    const client = nzk.createClient(e.connectString(), { sessionTimeout: 4000, retries: 0 });
    const connected = new Promise<void>((resolve) => client.once('connected', resolve));
    client.connect();
    const other = nzk.createClient(e.connectString(), { sessionTimeout: 4000, retries: 0 });
    other.connect();
    try {
      await connected;
      await call<string>((cb) => client.create('/sw', Buffer.from('0'), nzk.CreateMode.PERSISTENT, cb));
      const events: NzkEvent[] = [];
      await new Promise<void>((resolve, reject) =>
        client.getData('/sw', (event) => events.push(event), (error) => (error === null ? resolve() : reject(error))));
      const session = client.getSessionId().readBigUInt64BE(0);
      const carrier = [...e.members.values()].find((m) => m.gateway.connections().some((c) => BigInt(c.session ?? 0) === session));
      expect(carrier).toBeDefined();
      await e.stop(carrier!.id);
      await waitFor('the client on another peer', () =>
        [...e.members.values()].some((m) => m.gateway.connections().some((c) => BigInt(c.session ?? 0) === session)), 20_000);
      await e.ready();
      await call<NzkStat>((cb) => other.setData('/sw', Buffer.from('1'), -1, cb));
      await waitFor('the re-registered watch fired', () => events.length > 0, 10_000);
      expect(events.map((ev) => [ev.name, ev.path])).toEqual([['NODE_DATA_CHANGED', '/sw']]);
      await e.start(carrier!.id);
    } finally {
      client.close();
      other.close();
    }
  }, 60_000);
});
