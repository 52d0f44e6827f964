// Test helpers for the recipes: count the watch events a client's callbacks receive (the herd
// measure), and a client whose chosen writes take effect but answer CONNECTIONLOSS (a lost reply:
// the outcome-unknown case every recipe must survive).

import { Code, KeeperError } from '../../src/core/errors.ts';
import type { WatchedEvent } from '../../src/core/watches/events.ts';
import type { Client, Watcher } from '../../src/client/client.ts';
import { Transaction } from '../../src/client/transaction.ts';

export interface WatchCount {
  /** Every event delivered to a recipe's one-shot watch callback, in order. */
  readonly events: WatchedEvent[];
}

/** Wraps the watch callbacks the recipes hand to exists/getData/getChildren on this client instance. */
export function countWatches(client: Client, into: WatchCount = { events: [] }): WatchCount {
  for (const method of ['exists', 'getData', 'getChildren'] as const) {
    const original = client[method].bind(client) as (path: string, options?: { watch?: Watcher }) => Promise<unknown>;
    const patched = (path: string, options: { watch?: Watcher } = {}): Promise<unknown> => {
      const watch = options.watch;
      if (watch === undefined) return original(path, options);
      return original(path, {
        ...options,
        watch: (event) => {
          into.events.push(event);
          watch(event);
        },
      });
    };
    Object.defineProperty(client, method, { value: patched, configurable: true });
  }
  return into;
}

export type LossyWrite = 'create' | 'delete' | 'setData' | 'multi';

/**
 * A view of `client` whose successful writes named by `lose` (asked once each write succeeded; it may
 * hold the answer back) took effect, but whose reply is replaced by CONNECTIONLOSS: the client stays
 * connected, as after a quick reconnect. Failed writes answer as they did.
 */
export function lossyClient(client: Client, lose: (write: LossyWrite, path: string) => boolean | Promise<boolean>): Client {
  const wrap =
    (write: LossyWrite, call: (...args: never[]) => Promise<unknown>) =>
    async (...args: never[]): Promise<unknown> => {
      const first = args[0] as unknown;
      const path = write === 'multi' ? String((first as { path: string }[])[0]?.path) : String(first);
      const result = await call(...args);
      if (await lose(write, path)) throw new KeeperError(Code.CONNECTIONLOSS, `${write} (reply lost)`, path);
      return result;
    };
  const proxy: Client = new Proxy(client, {
    get(target, prop) {
      if (prop === 'transaction') return () => new Transaction((ops) => proxy.multi(ops));
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: never[]) => unknown).bind(target) as (...args: never[]) => Promise<unknown>;
      if (prop === 'create' || prop === 'delete' || prop === 'setData' || prop === 'multi') return wrap(prop, bound);
      return bound;
    },
  });
  return proxy;
}

/** Resolves once `path` has at least `n` children (a line has formed), re-reading on each change. */
export async function waitForLine(client: Client, path: string, n: number): Promise<void> {
  for (;;) {
    let wake: () => void = () => undefined;
    const changed = new Promise<void>((resolve) => (wake = resolve));
    const children = await client.getChildren(path, { watch: () => wake() }).catch(() => [] as string[]);
    if (children.length >= n) return;
    if (children.length === 0) await client.exists(path, { watch: () => wake() });
    await changed;
  }
}

/** `n` clients, connected one after another (round robin over the peers). */
export async function connectClients(h: { client(): Promise<Client> }, n: number): Promise<Client[]> {
  const out: Client[] = [];
  for (let i = 0; i < n; i++) out.push(await h.client());
  return out;
}
