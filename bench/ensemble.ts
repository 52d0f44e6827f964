// bench:ensemble — real `meshkeeper peer` processes (3, then 5) over WebRTC with file storage and
// fsync, loaded through the native Client over each peer's WebSocket client endpoint: SESSIONS
// sessions, each keeping IN_FLIGHT creates of 100 bytes outstanding. Prints one JSON line per
// figure:
//   ensemble_writes_per_s_{3,5}   acknowledged creates per second over the measured window
//   commit_p50_ms_3, commit_p99_ms_3   client-observed latency of those creates (send -> reply)
//   leader_txns_per_persist_{3,5}  measured creates per durable write of the leader's log (group
//                                 commit: every persist is one O_DSYNC write, or write + fsync)
//   failover_ms_median            SIGKILL of the leader under load -> the first create issued after
//                                 the kill that succeeds (median of KILLS kills; 3 peers)
// The peers run with the CLI's default tick, as a user's would. Measured, never asserted.

import { Client } from '../src/client/client.ts';
import { nodeWebSocketOpener } from '../src/client/ws-opener-node.ts';
import { Code, isKeeperError } from '../src/core/errors.ts';
import { createPrng } from '../src/core/util/prng.ts';
import { realClock } from '../src/runtime/clock.ts';
import { DEFAULT_TICK_MS } from '../src/server/cli.ts';
import { ProcessEnsemble, type SrvrView } from '../test/server/processes.ts';

const SESSIONS = 8;
const IN_FLIGHT = 32;
const WARMUP_WRITES = 2_000;
const MEASURED_WRITES = 30_000;
const KILLS = 5;
const DATA = new Uint8Array(100).fill(7);

const emit = (figure: string, value: number, unit: string): void =>
  console.log(JSON.stringify({ bench: 'ensemble', figure, value, unit }));

const wsEndpoint = (adminUrl: string): string => `${adminUrl.replace(/^http/, 'ws')}/zookeeper`;

async function openEnsemble(peers: number): Promise<ProcessEnsemble> {
  const ids = Array.from({ length: peers }, (_, i) => i + 1);
  const e = await ProcessEnsemble.open({ ensemble: `bench${peers}`, ids, secret: 'bench-secret', tickMs: DEFAULT_TICK_MS });
  await Promise.all(ids.map((id) => e.start(id)));
  await e.settled(`${peers} peers settled`, 60_000);
  return e;
}

/** SESSIONS clients spread over the peers: client i starts at peer i mod N and may move to any. */
async function connectClients(e: ProcessEnsemble, seed: number): Promise<Client[]> {
  const endpoints = e.urls().map(wsEndpoint);
  return Promise.all(
    Array.from({ length: SESSIONS }, (_, i) =>
      Client.connect({
        endpoints: [...endpoints.slice(i % endpoints.length), ...endpoints.slice(0, i % endpoints.length)],
        open: nodeWebSocketOpener(),
        clock: realClock(),
        prng: createPrng(seed + i),
        sessionTimeoutMs: 10_000,
      }),
    ),
  );
}

/** Keeps IN_FLIGHT creates outstanding per client until `total` have been acknowledged. */
async function load(clients: Client[], prefix: string, total: number): Promise<{ seconds: number; latencies: number[] }> {
  let issued = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const lane = async (client: Client): Promise<void> => {
    while (issued < total) {
      const n = issued++;
      const t0 = performance.now();
      await client.create(`${prefix}-${n}`, DATA);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(clients.flatMap((c) => Array.from({ length: IN_FLIGHT }, () => lane(c))));
  return { seconds: (performance.now() - started) / 1000, latencies };
}

/** The leader's count of durable writes (mntr `persists`); 0 if no peer says LEADING. */
async function leaderPersists(e: ProcessEnsemble): Promise<number> {
  const leader = (await e.views('mntr')).find((v) => v?.role === 'LEADING') as (SrvrView & { persists?: number }) | undefined;
  return leader?.persists ?? 0;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

async function throughput(peers: number): Promise<void> {
  const e = await openEnsemble(peers);
  try {
    const clients = await connectClients(e, peers * 100);
    await clients[0]!.create(`/w${peers}`, new Uint8Array(0));
    await load(clients, `/w${peers}/warm`, WARMUP_WRITES);
    const persistsBefore = await leaderPersists(e);
    const { seconds, latencies } = await load(clients, `/w${peers}/n`, MEASURED_WRITES);
    const persists = (await leaderPersists(e)) - persistsBefore;
    emit(`ensemble_writes_per_s_${peers}`, Math.round(MEASURED_WRITES / seconds), 'writes/s');
    if (persists > 0) emit(`leader_txns_per_persist_${peers}`, Math.round(MEASURED_WRITES / persists), 'txns');
    if (peers === 3) {
      const sorted = latencies.sort((a, b) => a - b);
      emit('commit_p50_ms_3', round2(percentile(sorted, 0.5)), 'ms');
      emit('commit_p99_ms_3', round2(percentile(sorted, 0.99)), 'ms');
    }
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  } finally {
    await e.close();
  }
}

/** Background writers that shrug off the errors a failover brings, until stopped. */
function backgroundLoad(clients: Client[], prefix: string): { stop: () => Promise<void> } {
  let running = true;
  let n = 0;
  const lane = async (client: Client): Promise<void> => {
    while (running) {
      await client.create(`${prefix}-${n++}`, DATA, { timeoutMs: 2_000 }).catch(() => undefined);
    }
  };
  const lanes = clients.map(lane);
  return {
    stop: async () => {
      running = false;
      await Promise.all(lanes);
    },
  };
}

/** Creates from `probe` until one issued at or after `since` succeeds; the time it took, in ms. */
async function firstWriteAfter(probe: Client, since: number, path: string): Promise<number> {
  for (let attempt = 0; performance.now() - since < 60_000; attempt++) {
    try {
      await probe.create(`${path}-${attempt}`, DATA, { timeoutMs: 1_000 });
      return performance.now() - since;
    } catch (error) {
      if (!isKeeperError(error)) throw error;
      if (error.code === Code.SESSIONEXPIRED) throw error;
    }
  }
  throw new Error('no write succeeded within 60 s of the kill');
}

async function failover(): Promise<void> {
  const e = await openEnsemble(3);
  const times: number[] = [];
  try {
    for (let kill = 0; kill < KILLS; kill++) {
      const { leader } = await e.settled(`settled before kill ${kill + 1}`, 60_000);
      const clients = await connectClients(e, 1_000 + kill * 100);
      // The probe sits on a follower, so its own link survives the kill and only the commit waits.
      const follower = e.urls().find((u) => u !== e.url(leader.id));
      if (follower === undefined) throw new Error('no follower');
      const probe = await Client.connect({ endpoints: [wsEndpoint(follower)], open: nodeWebSocketOpener(), clock: realClock(), prng: createPrng(kill), sessionTimeoutMs: 10_000 });
      if (kill === 0) await probe.create('/f', new Uint8Array(0));
      const background = backgroundLoad(clients, `/f/load${kill}`);
      await probe.create(`/f/warm${kill}`, DATA);
      const killedAt = performance.now();
      await e.stop(leader.id, 'SIGKILL');
      times.push(await firstWriteAfter(probe, killedAt, `/f/probe${kill}`));
      await background.stop();
      await Promise.all([...clients, probe].map((c) => c.close().catch(() => undefined)));
      await e.start(leader.id);
    }
    const sorted = times.sort((a, b) => a - b);
    emit('failover_ms_median', Math.round(percentile(sorted, 0.5)), 'ms');
  } finally {
    await e.close();
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

await throughput(3);
await throughput(5);
await failover();
