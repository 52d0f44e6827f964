// Recipe benchmark on a real running 3-peer in-process ensemble: the platform's clock (ticks every
// TICK_MS), a MemoryNetwork (codec on) and memory stores, clients over LocalConnections spread over
// the peers. Prints one JSON line per figure (npm run bench:recipes):
//   lock_handoffs_per_s   one DistributedLock handed between CONTENDERS clients (withLock in a
//                         loop), HANDOFFS handoffs counted after the first acquisition
//   election_failover_ms  the leader's session closed -> the new leader observed (observeLeader) by
//                         every other contender; the median over ROUNDS rounds (p90 printed too)
// Every wait is bounded by DEADLINE_MS; a run that does not finish in time fails loudly.

import { Client } from '../src/client/client.ts';
import { LocalConnection } from '../src/client/local-connection.ts';
import { asPeerId, type PeerId } from '../src/core/util/ids.ts';
import { createPrng } from '../src/core/util/prng.ts';
import { makeZabConfig } from '../src/core/zab/config.ts';
import { LeaderElection, observeLeader } from '../src/recipes/leader-election.ts';
import { DistributedLock } from '../src/recipes/lock.ts';
import { realClock } from '../src/runtime/clock.ts';
import { Peer } from '../src/runtime/peer.ts';
import { MemoryStore } from '../src/storage/memory.ts';
import { MemoryNetwork } from '../src/transport/memory.ts';

const TICK_MS = 50;
const CONTENDERS = 10;
const HANDOFFS = 1_000;
const ROUNDS = 21;
const DEADLINE_MS = 120_000;

function figure(name: string, value: number, unit: string): void {
  console.log(JSON.stringify({ bench: 'recipes', figure: name, value: Math.round(value * 100) / 100, unit }));
}

/** Polls `cond` every few ms until it holds; throws after `ms`. Only for setup and teardown. */
async function until(what: string, cond: () => boolean, ms = DEADLINE_MS): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Rejects if `p` has not settled after `ms`. */
function bounded<T>(what: string, p: Promise<T>, ms = DEADLINE_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

interface Ensemble {
  readonly peers: Peer[];
  client(i: number): Promise<Client>;
  stop(): Promise<void>;
}

async function startEnsemble(): Promise<Ensemble> {
  const clock = realClock();
  const network = new MemoryNetwork({ codec: true });
  const ids: PeerId[] = [1, 2, 3].map(asPeerId);
  const config = makeZabConfig({ tickMs: TICK_MS, voters: ids });
  const peers: Peer[] = [];
  for (const id of ids) {
    peers.push(await Peer.start({ id, config, store: new MemoryStore(), transport: network.join(id), clock, prng: createPrng(id) }));
  }
  await until('a serving leader', () => {
    const leaders = peers.filter((p) => p.zab.state === 'LEADING' && p.zab.serving);
    return leaders.length === 1 && peers.every((p) => p.zab.serving);
  });
  return {
    peers,
    client: async (i) => {
      const peer = peers[i % peers.length];
      if (peer === undefined) throw new Error('no peer');
      return new Client(await LocalConnection.open({ peer, clock, sessionTimeoutMs: 20 * TICK_MS }));
    },
    stop: async () => {
      for (const p of peers) await p.stop();
    },
  };
}

async function lockHandoffs(e: Ensemble): Promise<number> {
  const clients = await Promise.all(Array.from({ length: CONTENDERS }, (_, i) => e.client(i)));
  let acquisitions = 0;
  let firstAt = 0;
  let lastAt = 0;
  const contender = async (client: Client): Promise<void> => {
    const lock = new DistributedLock(client, '/bench/lock');
    while (acquisitions <= HANDOFFS) {
      await lock.withLock(() => {
        if (acquisitions > HANDOFFS) return;
        acquisitions++;
        if (acquisitions === 1) firstAt = performance.now();
        lastAt = performance.now();
      });
    }
  };
  await bounded('lock handoffs', Promise.all(clients.map(contender)));
  for (const c of clients) await c.close();
  return (HANDOFFS / (lastAt - firstAt)) * 1000;
}

interface Contender {
  readonly client: Client;
  readonly election: LeaderElection;
  readonly id: string;
  seen: string | null;
  stop(): void;
}

async function electionFailover(e: Ensemble): Promise<{ median: number; p90: number }> {
  let next = 0;
  let onSeen: () => void = () => undefined;
  const enlist = async (): Promise<Contender> => {
    const n = next++;
    const client = await e.client(n);
    const c: Contender = { client, election: new LeaderElection(client, '/bench/election', `c${n}`), id: `c${n}`, seen: null, stop: () => undefined };
    c.stop = observeLeader(client, '/bench/election', (leader) => {
      c.seen = leader;
      onSeen();
    });
    await c.election.join();
    return c;
  };
  const line: Contender[] = [];
  for (let i = 0; i < CONTENDERS; i++) line.push(await enlist());
  const agreed = (): string | undefined => {
    const leaders = line.filter((c) => c.election.isLeader);
    const leader = leaders[0];
    if (leaders.length !== 1 || leader === undefined) return undefined;
    return line.every((c) => c.seen === leader.id) ? leader.id : undefined;
  };
  await until('every contender sees one leader', () => agreed() !== undefined);

  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const old = line.find((c) => c.election.isLeader);
    if (old === undefined) throw new Error('no leader');
    line.splice(line.indexOf(old), 1);
    old.stop();
    const observed = new Promise<void>((resolve) => {
      onSeen = () => {
        const leader = agreed();
        if (leader !== undefined && leader !== old.id) resolve();
      };
    });
    const start = performance.now();
    await old.client.close();
    onSeen(); // the new leader may already be agreed on
    await bounded('failover observed', observed);
    samples.push(performance.now() - start);
    onSeen = () => undefined;
    line.push(await enlist()); // keep CONTENDERS in line (the newcomer queues last)
    await until('the newcomer sees the leader', () => agreed() !== undefined);
  }
  for (const c of line) {
    c.stop();
    await c.client.close();
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)] ?? 0, p90: samples[Math.floor(samples.length * 0.9)] ?? 0 };
}

const ensemble = await startEnsemble();
try {
  figure('lock_handoffs_per_s', await lockHandoffs(ensemble), 'handoffs/s');
  const failover = await electionFailover(ensemble);
  figure('election_failover_ms', failover.median, 'ms');
  figure('election_failover_p90_ms', failover.p90, 'ms');
} finally {
  await ensemble.stop();
}
