// A 3-peer ensemble for the recipes' fault tests: peers keep their durable media across restarts,
// clients are roaming Clients (a Session over LocalLinks to every peer, moving when their peer
// stops), and a seeded fault driver stops and restarts peers while the clock runs. Checkers read
// the most advanced applied tree to tell which ephemeral nodes (so which sessions) are alive.
// Everything is bounded in ticks; nothing sleeps.

import { Client } from '../../src/client/client.ts';
import { localOpener, type LocalLink } from '../../src/client/local-link.ts';
import type { PeerId } from '../../src/core/util/ids.ts';
import { createPrng, type Prng } from '../../src/core/util/prng.ts';
import type { TreeMachine } from '../../src/core/zab/tree-machine.ts';
import { MemoryMedium, MemoryStore } from '../../src/storage/memory.ts';
import { Ensemble } from '../runtime/ensemble.ts';

export interface Roamer {
  readonly client: Client;
  /** Breaks the client's link and keeps it from reaching any peer. */
  isolate(): void;
  /** Lets it reach the peers again. */
  rejoin(): void;
}

export interface FaultLog {
  readonly stops: number;
  readonly restarts: number;
}

export interface FaultRig {
  readonly e: Ensemble;
  readonly prng: Prng;
  /** A Client whose session moves between the peers. */
  client(): Promise<Client>;
  /** A roaming Client that the test can cut off from every peer (its link breaks) and let back. */
  roamer(): Promise<Roamer>;
  /** Whether `path` exists in the most advanced applied tree among running peers. */
  exists(path: string): boolean;
  /**
   * Ticks `ticks` times; every `period` ticks (jittered) one fault: a peer stops (never more than
   * one at once, so a quorum stays) or the stopped one restarts. `check` runs after every tick.
   */
  faults(ticks: number, check: () => void, period?: number): Promise<FaultLog>;
  /** Restarts every stopped peer, then ticks until `done` (at most `ticks`), checking each tick. */
  heal(done: () => boolean, check: () => void, ticks?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultRig(seed: number): Promise<FaultRig> {
  const media = new Map<PeerId, MemoryMedium>();
  const e = new Ensemble({
    voters: 3,
    openStore: async (id) => {
      const medium = media.get(id) ?? new MemoryMedium({ name: `peer-${id}` });
      media.set(id, medium);
      return new MemoryStore(medium);
    },
  });
  await e.startAll();
  await e.electLeader();
  const prng = createPrng(seed);
  const stopped = new Set<PeerId>();
  let clients = 0;

  const roamer = async (): Promise<Roamer> => {
    const blocked = new Set<PeerId>();
    const links: LocalLink[] = [];
    const open = localOpener((id) => (blocked.has(id) ? undefined : e.peers.get(id)), (link) => links.push(link));
    const client = await e.run(
      Client.connect({ endpoints: e.ids, open, clock: e.clock, prng: createPrng(seed * 1000 + clients++), sessionTimeoutMs: 2_000 }),
    );
    return {
      client,
      isolate: () => {
        for (const id of e.ids) blocked.add(id);
        for (const link of links) if (!link.closed) link.break();
      },
      rejoin: () => blocked.clear(),
    };
  };

  const tick = async (check: () => void): Promise<void> => {
    e.clock.advance(e.config.tickMs);
    await e.settle();
    check();
  };

  return {
    e,
    prng,
    client: async () => (await roamer()).client,
    roamer,
    exists: (path) => {
      const running = e.running();
      let best: TreeMachine | undefined;
      for (const p of running) {
        const machine = p.zab.machine as unknown as TreeMachine;
        if (best === undefined || machine.lastZxid > best.lastZxid) best = machine;
      }
      return best?.tree.get(path) !== undefined;
    },
    faults: async (ticks, check, period = 25) => {
      let stops = 0;
      let restarts = 0;
      let next = period;
      for (let t = 0; t < ticks; t++) {
        if (t === next) {
          next = t + period + prng.int(period);
          const down = [...stopped][0];
          if (down !== undefined) {
            await e.start(down);
            stopped.delete(down);
            restarts++;
          } else {
            // The leader half the time: its followers must elect, and its clients move.
            const leader = e.leader();
            const victim = leader !== undefined && prng.chance(0.5) ? leader : prng.pick(e.ids);
            await e.stop(victim);
            stopped.add(victim);
            stops++;
          }
        }
        await tick(check);
      }
      return { stops, restarts };
    },
    heal: async (done, check, ticks = 3_000) => {
      for (const id of [...stopped]) {
        await e.start(id);
        stopped.delete(id);
      }
      for (let t = 0; t < ticks && !done(); t++) await tick(check);
      if (!done()) throw new Error(`no progress after ${ticks} healed ticks`);
    },
    stop: () => e.stopAll(),
  };
}
