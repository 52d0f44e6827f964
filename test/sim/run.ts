// One seeded simulation run: a cluster, clients and faults for `ticks` ticks with the checkers
// after every step, then a quiet phase (faults healed, every peer restarted) in which the ensemble
// must converge and every acknowledged write must be present on every peer. Same seed, same run.

import { OPEN_ACL_UNSAFE } from '../../src/core/acl/types.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { asPeerId, asSessionId } from '../../src/core/util/ids.ts';
import { createPrng } from '../../src/core/util/prng.ts';
import type { Zxid } from '../../src/core/zxid.ts';
import { SimClients } from './clients.ts';
import { Cluster } from './cluster.ts';
import { toCheckerHistory } from './history.ts';
import { checkHistory } from './linearizability.ts';
import { FaultInjector, type FaultCounts, type FaultKind } from './faults.ts';
import { createRegisterMachine, registerData } from './register-machine.ts';
import { TreeMachine, treeMachineFactory } from '../../src/core/zab/tree-machine.ts';
import { missingEphemerals, ownersNotLive } from './checkers/ephemerals.ts';

export interface RunOptions {
  readonly seed: number;
  readonly peers: number;
  readonly observers?: number;
  readonly ticks: number;
  readonly faults: readonly FaultKind[];
  readonly clients?: number;
  readonly snapCount?: number;
  readonly zxidCounterMax?: number;
  /** The replicated state machine: the DataTree with the request pipeline (default), or registers. */
  readonly machine?: 'tree' | 'register';
  /** Check the client history for linearizability at the end (default: runs up to 20,000 ticks,
   * where the search, guided by the delivered zxids, takes seconds; never for the register machine,
   * whose setData creates a missing node unlike ZooKeeper). */
  readonly checkHistory?: boolean;
  /** Search nodes per path the linearizability check may spend before answering unknown. */
  readonly historyBudget?: number;
}

export interface RunSummary {
  readonly seed: number;
  readonly peers: number;
  readonly observers: number;
  readonly ticks: number;
  readonly ok: boolean;
  readonly violations: readonly string[];
  readonly delivered: number;
  readonly ackedWrites: number;
  readonly requests: number;
  readonly elections: number;
  readonly leaderships: number;
  readonly snapshotsSent: number;
  readonly syncMismatch: number;
  readonly faults: FaultCounts;
  readonly messages: number;
  /** Watch events the watch checker saw, sweep txns (deleteContainer) and sequential creates delivered. */
  readonly watchEvents: number;
  readonly sweeps: number;
  readonly sequentialCreates: number;
  /** The client history's linearizability verdict (unknown: the search budget ran out). */
  readonly linearizable: boolean | 'unknown' | 'skipped';
  /** Why the history check gave up (its budget ran out), when it did. */
  readonly historyNote?: string;
}

export function runSimulation(options: RunOptions): RunSummary {
  const prng = createPrng(options.seed ^ 0x5eed);
  const cluster = new Cluster({
    seed: options.seed,
    voters: options.peers,
    machine: options.machine === 'register' ? createRegisterMachine : treeMachineFactory({ tickMs: 100 }),
    observers: options.observers ?? 0,
    config: {
      tickMs: 100,
      initLimit: 10,
      syncLimit: 5,
      snapCount: options.snapCount ?? 200,
      // Containers and TTL nodes are swept every half second of txn time.
      sweepTicks: 5,
      ...(options.zxidCounterMax === undefined ? {} : { zxidCounterMax: options.zxidCounterMax }),
    },
  });
  const clients = new SimClients(prng.fork(), cluster.ids, {
    sessions: options.machine !== 'register',
    clients: options.clients ?? 4,
    rate: 0.3 / cluster.stepsPerTick,
    pipeline: 3,
    paths: ['/a', '/b', '/c'],
    timeoutSteps: 40 * cluster.stepsPerTick,
    pingSteps: 3 * cluster.stepsPerTick,
  });
  cluster.onReply = (peer, reply) => {
    if (clients.isConnectReply(reply)) clients.onConnected(reply);
    else clients.onReply(cluster.step, reply, peer);
  };
  cluster.onWatch = (peer, delivery, zxid) => clients.onWatch(peer, delivery, zxid);
  cluster.onForget = (peer) => clients.watches.forget(peer);
  const host = {
    submit: cluster.submit.bind(cluster),
    isUp: cluster.isUp.bind(cluster),
    connect: cluster.connect.bind(cluster),
    closeSession: cluster.closeSession.bind(cluster),
    ping: cluster.ping.bind(cluster),
    revalidate: cluster.revalidate.bind(cluster),
  };
  const faults = new FaultInjector(prng.fork(), new Set(options.faults));
  const violations = (): string[] => [...cluster.checker.violations, ...clients.violations, ...clients.watches.violations];

  for (let t = 0; t < options.ticks && violations().length === 0; t++) {
    faults.tick(cluster);
    cluster.runTicks(1, () => clients.act(cluster.step, host));
  }
  const extra: string[] = [];
  if (violations().length === 0) extra.push(...quietPhase(cluster, faults, clients));
  let linearizable: RunSummary['linearizable'] = 'skipped';
  let historyNote: string | undefined;
  const check = options.checkHistory ?? options.ticks <= 20_000;
  if (check && options.machine !== 'register' && extra.length === 0 && violations().length === 0) {
    const zxidOf = (session: number, cxid: number): number | undefined => cluster.checker.zxidOfRequest(session, cxid);
    const verdict = checkHistory(toCheckerHistory(clients.history, zxidOf), { budget: options.historyBudget ?? 20_000 });
    linearizable = verdict.ok;
    if (verdict.ok === false) extra.push(`Linearizability: ${verdict.explanation}`);
    if (verdict.ok === 'unknown') historyNote = verdict.explanation.slice(0, 2000);
  }
  const all = [...violations(), ...extra];
  const stats = cluster.totalStats();
  return {
    seed: options.seed,
    peers: options.peers,
    observers: options.observers ?? 0,
    ticks: options.ticks,
    ok: all.length === 0,
    violations: all,
    delivered: cluster.checker.delivered,
    ackedWrites: clients.ackedWrites().length,
    requests: clients.history.length,
    elections: stats.elections,
    leaderships: stats.leaderships,
    snapshotsSent: stats.snapshotsSent,
    syncMismatch: stats.syncMismatch,
    faults: faults.counts,
    messages: cluster.network.sent,
    watchEvents: clients.watches.events,
    sweeps: cluster.checker.sweeps,
    sequentialCreates: cluster.checker.sequentialCreates,
    linearizable,
    ...(historyNote === undefined ? {} : { historyNote }),
  };
}

/** Heals everything; the ensemble must then elect, converge, commit a fresh write, and hold every acked write. */
function quietPhase(cluster: Cluster, faults: FaultInjector, clients: SimClients): string[] {
  faults.stop(cluster);
  const problems: string[] = [];
  const probe = asSessionId(999_999);
  let submitted = false;
  let probeCxid = 0;
  let probeZxid: Zxid | undefined;
  cluster.onReply = (peer, reply) => {
    // Any answer with a zxid went through consensus, even an error txn.
    if (reply.session === probe && reply.zxid !== undefined) probeZxid = reply.zxid;
    // A read still in flight may set a watch now: the watch checker must know of it.
    else clients.watchedRead(peer, reply);
  };
  for (let t = 0; t < 300 && probeZxid === undefined; t++) {
    const leader = cluster.leader();
    if (leader !== undefined && !submitted) {
      cluster.submit(leader, probe, ++probeCxid, { type: 'create', path: '/probe', data: registerData('probe'), acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT });
      submitted = true;
    }
    if (leader === undefined) submitted = false;
    cluster.runTicks(1);
  }
  if (probeZxid === undefined) return ['Liveness: no write committed within 300 quiet ticks'];
  const target = probeZxid;
  cluster.runTicks(cluster.config.syncLimit * 4, () => undefined);
  for (let t = 0; t < 200 && !cluster.ids.every((id) => cluster.core(id).machine.lastZxid >= target); t++) cluster.runTicks(1);
  for (const id of cluster.ids) {
    if (cluster.core(id).machine.lastZxid < target) problems.push(`Liveness: peer ${id} never applied the probe write`);
  }
  for (const zxid of clients.ackedWrites()) {
    const i = cluster.checker.indexOf(zxid as Zxid);
    if (i < 0) {
      problems.push(`Durability: acknowledged write ${zxid} is not in the delivered sequence`);
      break;
    }
    const lagging = cluster.ids.find((id) => cluster.checker.positionOf(asPeerId(id)) <= i);
    if (lagging !== undefined) {
      problems.push(`Durability: peer ${lagging} lacks acknowledged write ${zxid}`);
      break;
    }
  }
  problems.push(...ephemeralChecks(cluster, clients));
  return [...problems, ...cluster.checker.violations];
}

/** "An ephemeral exists iff its session is live" on every replica once the run is quiet (see
 * checkers/ephemerals.ts); the client workload only ever removes its /e{i} by ending its session. */
function ephemeralChecks(cluster: Cluster, clients: SimClients): string[] {
  const problems: string[] = [];
  const acked = clients.history
    .filter((h) => h.kind === 'write' && h.outcome === 'ok' && /^\/e\d+$/.test(h.path))
    .map((h) => ({ path: h.path, session: asSessionId(h.session) }));
  for (const id of cluster.ids) {
    const machine = cluster.core(id).machine;
    if (!(machine instanceof TreeMachine)) continue;
    for (const owner of ownersNotLive(machine)) problems.push(`Ephemeral: peer ${id} keeps ephemerals of closed session ${owner}`);
    const missing = missingEphemerals(machine, acked)[0];
    if (missing !== undefined) problems.push(`Ephemeral: peer ${id} lacks ${missing.path} of live session ${missing.session}`);
  }
  return problems;
}
