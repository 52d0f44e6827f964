// A 3-peer in-process ensemble (test/runtime/ensemble.ts) with Clients: `client(id)` is pinned to
// one peer (LocalConnection, the first Client API); `roaming()` is a Client whose Session moves
// between all peers over LocalLinks, with a `blocked` set standing in for peers the client cannot
// reach. Waiting is by settling and ticking the manual clock, never by sleeping.

import { Client } from '../../src/client/client.ts';
import { LocalConnection } from '../../src/client/local-connection.ts';
import { localOpener, type LocalLink } from '../../src/client/local-link.ts';
import { Session } from '../../src/client/session.ts';
import type { PeerId } from '../../src/core/util/ids.ts';
import { createPrng } from '../../src/core/util/prng.ts';
import { MemoryStore } from '../../src/storage/memory.ts';
import { Ensemble } from '../runtime/ensemble.ts';

export interface RoamingOptions {
  /** The peer the session starts on (any when omitted). */
  readonly first?: PeerId;
  readonly sessionTimeoutMs?: number;
  readonly chroot?: string;
  readonly requestTimeoutMs?: number;
  readonly seed?: number;
}

export interface Roaming {
  readonly client: Client;
  readonly session: Session<PeerId>;
  /** Peers this client cannot reach (new links to them fail). */
  readonly blocked: Set<PeerId>;
  /** Every link the client opened, oldest first. */
  readonly links: LocalLink[];
  /** The peer of the newest link. */
  peer(): PeerId | undefined;
  /** Cuts the client off every peer and breaks its link. */
  isolate(): void;
}

export interface Harness {
  readonly e: Ensemble;
  /** A client connected to peer `id` (round robin over the peers when omitted). */
  client(id?: PeerId): Promise<Client>;
  /** A client whose session moves between the peers. */
  roaming(options?: RoamingOptions): Promise<Roaming>;
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
      return new Client(connection, { clock: e.clock });
    },
    roaming: async (options = {}) => {
      const blocked = new Set<PeerId>(options.first === undefined ? [] : e.ids.filter((id) => id !== options.first));
      const links: LocalLink[] = [];
      const open = localOpener((id) => (blocked.has(id) ? undefined : e.peers.get(id)), (link) => links.push(link));
      const session = await e.run(
        Session.open({
          endpoints: e.ids,
          open,
          clock: e.clock,
          prng: createPrng(options.seed ?? 7),
          sessionTimeoutMs: options.sessionTimeoutMs ?? 4_000,
        }),
      );
      blocked.clear();
      const client = new Client(session, {
        clock: e.clock,
        ...(options.chroot === undefined ? {} : { chroot: options.chroot }),
        ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      });
      return {
        client,
        session,
        blocked,
        links,
        peer: () => links.filter((l) => !l.closed).at(-1)?.peer.id,
        isolate: () => {
          for (const id of e.ids) blocked.add(id);
          session.dropLink('isolated by the test');
        },
      };
    },
    run: (calls, ticks = 200) => e.run(calls, ticks),
    stop: () => e.stopAll(),
  };
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
