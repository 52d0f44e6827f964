// A 3-peer in-process ensemble (test/runtime/ensemble.ts) with Clients connected over
// LocalConnections; waiting is by settling and ticking the manual clock, never by sleeping.

import { Client } from '../../src/client/client.ts';
import { LocalConnection } from '../../src/client/local-connection.ts';
import type { PeerId } from '../../src/core/util/ids.ts';
import { MemoryStore } from '../../src/storage/memory.ts';
import { Ensemble } from '../runtime/ensemble.ts';

export interface Harness {
  readonly e: Ensemble;
  /** A client connected to peer `id` (round robin over the peers when omitted). */
  client(id?: PeerId): Promise<Client>;
  /** Runs `calls` to completion, ticking the clock when settling is not enough (bounded). */
  run<T>(calls: Promise<T>, ticks?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const e = new Ensemble({ voters: 3, openStore: async () => new MemoryStore() });
  await e.startAll();
  await e.electLeader();
  let next = 0;
  return {
    e,
    client: async (id) => {
      const peerId = id ?? e.ids[next++ % e.ids.length];
      if (peerId === undefined) throw new Error('no peers');
      const connection = await e.run(LocalConnection.open({ peer: e.peer(peerId), clock: e.clock }));
      return new Client(connection);
    },
    run: (calls, ticks = 200) => e.run(calls, ticks),
    stop: () => e.stopAll(),
  };
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
