// ZAB core benchmark (issue 4). Prints one JSON line per figure. Run with `npx tsx bench/core.ts`
// (npm run bench:core).
// - core_commits_per_s_{3,5}: committed txns per second of this process's CPU time through the
//   pure cores of a 3- and a 5-peer ensemble with no I/O cost: MemoryStores, instant in-process FIFO
//   delivery, no faults, the real tree machine. Writes go in batches of thousands submitted at the
//   leader before draining; each peer steps every message that has arrived before it builds its
//   next Ready, as the runtime's driver does. The timed region is the whole drive loop (submit,
//   ready, persist, send, step, advance), not the setup or the election. Every peer applies every
//   txn, so this figure pays for n tree applies per commit in one process.
// - core_leader_commits_per_s_{3,5}: the same commits per CPU second spent inside the leader's
//   core alone (its submit, step, ready/advance and store calls): the bound of a deployment, where
//   each peer has a CPU of its own and the leader does the most work (prep, apply, fan-out).
// - zab_commits_per_s_{3,5}: core_commits_per_s with the simulator's register machine instead of
//   the DataTree: the cost of the protocol and the core's bookkeeping alone.
// - election_ticks_{median,p99}: ticks from a leader crash to a new established leader (LEADING in
//   broadcast phase, which needs a quorum's NEWLEADER acks) over many seeds, with the simulator's
//   Cluster (seeded message delays) and makeZabConfig's default timing; sync_limit_ticks is the
//   syncLimit they ran with.

import { OPEN_ACL_UNSAFE } from '../src/core/acl/types.ts';
import type { PeerMessage } from '../src/core/messages.ts';
import type { Request } from '../src/core/requests/request.ts';
import { CreateMode } from '../src/core/tree/create-mode.ts';
import { asPeerId, asSessionId, type PeerId } from '../src/core/util/ids.ts';
import { createPrng } from '../src/core/util/prng.ts';
import { defaultZabConfig, makeZabConfig } from '../src/core/zab/config.ts';
import type { StateMachineFactory } from '../src/core/zab/machine.ts';
import { ZabPeer } from '../src/core/zab/peer.ts';
import type { ClientReply } from '../src/core/zab/ready.ts';
import { treeMachineFactory } from '../src/core/zab/tree-machine.ts';
import { Cluster } from '../test/sim/cluster.ts';
import { createRegisterMachine } from '../test/sim/register-machine.ts';
import { MemoryStore } from '../test/sim/store.ts';

// BENCH_COMMITS, BENCH_PEERS (e.g. 1,3,5) and BENCH_SEEDS (0 skips the election figures) for
// shorter or longer runs.
const COMMITS = Number(process.env['BENCH_COMMITS'] ?? 50_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 2_000);
const NODES = 100;
const ELECTION_SEEDS = Number(process.env['BENCH_SEEDS'] ?? 1_000);
const TICK_MS = defaultZabConfig.tickMs;

function figure(name: string, value: number, unit: string): void {
  console.log(JSON.stringify({ bench: 'core', figure: name, value, unit }));
}

interface Envelope {
  readonly from: PeerId;
  readonly to: PeerId;
  readonly message: PeerMessage;
}

/** An ensemble of cores wired to each other with instant FIFO delivery and memory stores. */
class Ensemble {
  readonly peers = new Map<PeerId, { core: ZabPeer; store: MemoryStore }>();
  private queue: Envelope[] = [];
  replies: ClientReply[] = [];
  /** Txns applied at the leader (each one committed). */
  committed = 0;
  /** CPU µs spent inside the leader's core calls (and its store), once timing is on. */
  leaderCpuUs = 0;
  timeLeader = false;
  private leaderId: PeerId | undefined;

  constructor(n: number, seed: number, machine: StateMachineFactory = treeMachineFactory({ tickMs: TICK_MS })) {
    const voters = Array.from({ length: n }, (_, i) => asPeerId(i + 1));
    const config = makeZabConfig({ voters });
    const prng = createPrng(seed);
    for (const id of voters) {
      const store = new MemoryStore();
      this.peers.set(id, { core: new ZabPeer({ id, config, prng: prng.fork(), machine, durable: store.durable() }), store });
    }
  }

  /** Runs `f`, adding its CPU time to the leader's when timing is on and `id` is the leader. */
  onPeer(id: PeerId, f: () => void): void {
    if (!this.timeLeader || id !== this.leaderId) return f();
    const start = process.cpuUsage();
    f();
    const used = process.cpuUsage(start);
    this.leaderCpuUs += used.user + used.system;
  }

  drive(id: PeerId): void {
    this.onPeer(id, () => this.driveNow(id));
  }

  private driveNow(id: PeerId): void {
    const p = this.peers.get(id)!;
    const core = p.core;
    while (core.hasReady()) {
      const r = core.ready();
      p.store.persist(r.persist);
      for (const [to, message] of r.send) this.queue.push({ from: id, to, message });
      if (id === this.leaderId) {
        this.committed += r.applied.length;
        for (const reply of r.replies) this.replies.push(reply);
      }
      core.advance(r);
    }
  }

  /**
   * Delivers every message, including those sent meanwhile, until the network is quiet. Like the
   * runtime's driver (src/runtime/peer.ts), a peer steps every input that has arrived before it
   * builds its next Ready: each round steps all queued messages, then drives each peer that got one.
   */
  pump(): void {
    const touched = new Set<PeerId>();
    while (this.queue.length > 0) {
      const round = this.queue;
      this.queue = [];
      for (const e of round) {
        const core = this.peers.get(e.to)!.core;
        if (e.to === this.leaderId && this.timeLeader) this.onPeer(e.to, () => core.step(e.from, e.message, 0));
        else core.step(e.from, e.message, 0);
        touched.add(e.to);
      }
      for (const id of touched) this.drive(id);
      touched.clear();
    }
  }

  tickAll(): void {
    for (const [id, p] of this.peers) {
      p.core.tick();
      this.drive(id);
    }
    this.pump();
  }

  /** Ticks until one leader and all followers serve; returns the leader. */
  elect(): PeerId {
    for (let t = 0; t < 1_000; t++) {
      this.tickAll();
      const all = [...this.peers.values()];
      const leader = all.find((p) => p.core.state === 'LEADING' && p.core.serving);
      if (leader !== undefined && all.every((p) => p.core.serving)) {
        this.leaderId = leader.core.id;
        return leader.core.id;
      }
    }
    throw new Error('no leader within 1,000 ticks');
  }

  core(id: PeerId): ZabPeer {
    return this.peers.get(id)!.core;
  }
}

/**
 * Commits per CPU second through an n-peer ensemble (all peers' cores together, one process), and
 * per CPU second of the leader's core alone (what bounds a deployment, where each peer has its own
 * CPU and the leader does the most work); setup (election, session, nodes) is untimed.
 */
function commitsPerSecond(n: number, total = COMMITS, machine?: StateMachineFactory): { ensemble: number; leader: number } {
  const ens = new Ensemble(n, 42 + n, machine);
  const leaderId = ens.elect();
  const leader = ens.core(leaderId);
  let session = asSessionId(1); // the register machine has no sessions
  if (machine === undefined) {
    leader.connect(1, 30_000);
    ens.drive(leaderId);
    ens.pump();
    const connected = ens.replies.find((r) => r.reply.type === 'createSession');
    if (connected === undefined) throw new Error('no session');
    session = connected.session;
  }
  const data = new Uint8Array(100);
  let cxid = 0;
  for (let i = 0; i < NODES; i++) {
    leader.submit(session, ++cxid, { type: 'create', path: `/n${i}`, data, acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT });
  }
  ens.drive(leaderId);
  ens.pump();
  // Requests built beforehand: the timing covers the cores, not the benchmark's own allocation.
  const requests: Request[] = [];
  for (let i = 0; i < total; i++) {
    requests.push(
      i % 4 === 3
        ? { type: 'create', path: `/n${i % NODES}/c${i}`, data, acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT }
        : { type: 'setData', path: `/n${i % NODES}`, data, version: -1 },
    );
  }
  ens.replies = [];
  const base = ens.committed;
  const cpu = process.cpuUsage();
  ens.timeLeader = true;
  for (let i = 0; i < total; ) {
    const end = Math.min(total, i + BATCH);
    ens.onPeer(leaderId, () => {
      for (; i < end; i++) leader.submit(session, ++cxid, requests[i]!);
    });
    ens.drive(leaderId);
    ens.pump();
  }
  ens.timeLeader = false;
  const used = process.cpuUsage(cpu);
  const commits = ens.committed - base;
  const errors = ens.replies.filter((r) => r.reply.type === 'error').length;
  if (commits !== total || errors > 0) throw new Error(`expected ${total} commits, got ${commits} (${errors} errors)`);
  return { ensemble: commits / ((used.user + used.system) / 1e6), leader: commits / (ens.leaderCpuUs / 1e6) };
}

/** Ticks (fractional: measured per simulator step) from a leader crash to a new established leader. */
function electionTicks(seed: number): number {
  const cluster = new Cluster({ seed, voters: 5, machine: treeMachineFactory({ tickMs: TICK_MS }) });
  const prng = createPrng(seed ^ 0xe1ec);
  let old: PeerId | undefined;
  for (let t = 0; t < 500 && old === undefined; t++) {
    cluster.runTicks(1);
    old = cluster.leader();
  }
  if (old === undefined) throw new Error(`seed ${seed}: no first leader`);
  // Let the followers settle, then crash at a random step within a tick.
  cluster.runTicks(3);
  for (let s = prng.int(cluster.stepsPerTick); s > 0; s--) cluster.runStep();
  cluster.crash(old);
  const start = cluster.step;
  const limit = start + 1_000 * cluster.stepsPerTick;
  while (cluster.step < limit) {
    cluster.runStep();
    const now = cluster.leader();
    if (now !== undefined && now !== old) return (cluster.step - start) / cluster.stepsPerTick;
  }
  throw new Error(`seed ${seed}: no new leader within 1,000 ticks`);
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

// An untimed warm-up so the JIT has compiled the hot paths before the first timed run.
commitsPerSecond(3, 5_000);
for (const n of (process.env['BENCH_PEERS'] ?? '3,5').split(',').map(Number)) {
  const rate = commitsPerSecond(n);
  figure(`core_commits_per_s_${n}`, Math.round(rate.ensemble), 'txns/s');
  figure(`core_leader_commits_per_s_${n}`, Math.round(rate.leader), 'txns/s');
}
// The protocol alone: the same run with the simulator's register machine (a map of paths to
// bytes) in place of the DataTree and its request pipeline, to show what ZAB itself costs.
for (const n of (process.env['BENCH_PEERS'] ?? '3,5').split(',').map(Number)) {
  figure(`zab_commits_per_s_${n}`, Math.round(commitsPerSecond(n, COMMITS, createRegisterMachine).ensemble), 'txns/s');
}

if (ELECTION_SEEDS > 0) {
  const ticks: number[] = [];
  for (let seed = 1; seed <= ELECTION_SEEDS; seed++) ticks.push(electionTicks(seed));
  ticks.sort((a, b) => a - b);
  figure('election_ticks_median', quantile(ticks, 0.5), 'ticks');
  figure('election_ticks_p99', quantile(ticks, 0.99), 'ticks');
  figure('sync_limit_ticks', defaultZabConfig.syncLimit, 'ticks');
}
