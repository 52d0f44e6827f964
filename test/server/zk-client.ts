// A third-party ZooKeeper client (node-zookeeper-client, the npm package) against a peer's client
// port, for process tests that need writes committed through the ensemble: if it works with an
// independent client, it works with the wire protocol, not only with ours. Promisified, bounded.

import { createRequire } from 'node:module';

interface ZkError {
  getCode(): number;
  toString(): string;
}
interface ZkClient {
  connect(): void;
  close(): void;
  once(event: 'connected' | 'disconnected' | 'expired', listener: () => void): void;
  create(path: string, data: Buffer, callback: (error: ZkError | null, path: string) => void): void;
  getChildren(path: string, callback: (error: ZkError | null, children: string[]) => void): void;
}
interface ZkModule {
  createClient(connection: string, options: { sessionTimeout: number; spinDelay: number; retries: number }): ZkClient;
}

const zookeeper = createRequire(import.meta.url)('node-zookeeper-client') as ZkModule;

export interface Zk {
  create(path: string, data?: string): Promise<string>;
  children(path: string): Promise<string[]>;
  close(): void;
}

/** Connects to `host:port` (a peer's ZooKeeper client port); rejects if no session within `ms`. */
export function connectZk(hostPort: string, ms = 15_000): Promise<Zk> {
  // retries: the client itself re-sends a request that failed with CONNECTION_LOSS, so a create whose
  // first attempt committed before a leader died answers NODE_EXISTS on its retry (as with ZooKeeper).
  const client = zookeeper.createClient(hostPort, { sessionTimeout: 10_000, spinDelay: 200, retries: 3 });
  const done = <T>(resolve: (v: T) => void, reject: (e: Error) => void) => (error: ZkError | null, value: T) =>
    error ? reject(new Error(`zookeeper client: ${error.toString()}`)) : resolve(value);
  const zk: Zk = {
    create: (path, data = '') => new Promise((res, rej) => client.create(path, Buffer.from(data), done(res, rej))),
    children: (path) => new Promise((res, rej) => client.getChildren(path, done(res, rej))),
    close: () => client.close(),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new Error(`no ZooKeeper session at ${hostPort} within ${ms} ms`));
    }, ms);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(zk);
    });
    client.connect();
  });
}

/** Creates `count` znodes `${parent}/n-<i>` with `inFlight` requests outstanding at a time. */
export async function createMany(zk: Zk, parent: string, count: number, inFlight = 100): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await zk.create(`${parent}/n-${next++}`, 'x'.repeat(100));
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
}
