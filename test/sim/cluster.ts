// The simulator's world: N ZabPeers over a MemoryNetwork with MemoryStores, a virtual clock, and the
// runtime's driver loop written exactly once here: tick -> step -> ready -> persist -> send ->
// apply -> advance. Each tick is `stepsPerTick` steps; messages take a seeded number of steps.
// Crash and restart rebuild a peer from its store; a torn crash keeps part of the last persist.

import type { Request } from '../../src/core/requests/request.ts';
import { asPeerId, type PeerId, type SessionId } from '../../src/core/util/ids.ts';
import { createPrng, type Prng } from '../../src/core/util/prng.ts';
import { makeZabConfig, type ZabConfig, type ZabConfigInput } from '../../src/core/zab/config.ts';
import type { StateMachineFactory } from '../../src/core/zab/machine.ts';
import { ZabPeer } from '../../src/core/zab/peer.ts';
import type { Ready } from '../../src/core/zab/ready.ts';
import { newZabStats, type ZabStats } from '../../src/core/zab/stats.ts';
import type { Delivery } from '../../src/core/watches/registry.ts';
import { ZXID_ZERO, type Zxid } from '../../src/core/zxid.ts';
import { ZabChecker } from './checkers/zab-properties.ts';
import { MemoryNetwork } from './network.ts';
import { createRegisterMachine } from './register-machine.ts';
import { MemoryStore, persistUnits } from './store.ts';

export interface ClusterOptions {
  readonly seed: number;
  readonly voters: number;
  readonly observers?: number;
  readonly stepsPerTick?: number;
  readonly delayMin?: number;
  readonly delayMax?: number;
  readonly config?: Omit<ZabConfigInput, 'voters' | 'observers'>;
  readonly machine?: StateMachineFactory;
}

export interface SimPeer {
  readonly id: PeerId;
  readonly store: MemoryStore;
  core: ZabPeer | undefined;
  /** The next persist is torn: keep this share of it, then crash. */
  tornNext: number | undefined;
}

export type ReplyListener = (peer: PeerId, reply: import('../../src/core/zab/ready.ts').ClientReply) => void;
export type WatchListener = (peer: PeerId, delivery: Delivery, zxid: Zxid) => void;
/** A peer's watch registry is gone (crash, or its machine replaced by a SNAP). */
export type ForgetListener = (peer: PeerId) => void;

export class Cluster {
  readonly ids: PeerId[];
  readonly config: ZabConfig;
  readonly network: MemoryNetwork;
  readonly checker = new ZabChecker();
  readonly peers = new Map<PeerId, SimPeer>();
  readonly stepsPerTick: number;
  step = 0;
  onReply: ReplyListener = () => {};
  onWatch: WatchListener = () => {};
  onForget: ForgetListener = () => {};
  /** Trace lines (role changes etc.), kept for scenario output. */
  readonly log: string[] = [];
  logEnabled = false;
  /** Stats of crashed incarnations, so run totals survive restarts. */
  readonly retiredStats: ZabStats[] = [];
  private readonly prng: Prng;
  private readonly machine: StateMachineFactory;

  constructor(readonly options: ClusterOptions) {
    this.prng = createPrng(options.seed);
    const voters = Array.from({ length: options.voters }, (_, i) => asPeerId(i + 1));
    const observers = Array.from({ length: options.observers ?? 0 }, (_, i) => asPeerId(options.voters + i + 1));
    this.ids = [...voters, ...observers];
    this.config = makeZabConfig({ ...options.config, voters, observers });
    this.stepsPerTick = options.stepsPerTick ?? 10;
    this.network = new MemoryNetwork(this.prng.fork(), { delayMin: options.delayMin ?? 1, delayMax: options.delayMax ?? 4 });
    this.machine = options.machine ?? createRegisterMachine;
    // What the network can tell (a crash, a broken link, a restart) reaches the live end at once.
    this.network.onLink = (self, peer, up) => {
      const p = this.peers.get(self);
      if (p?.core === undefined) return;
      if (up) p.core.linkUp(peer);
      else p.core.linkLost(peer);
      this.drive(p);
    };
    for (const id of this.ids) {
      const sim: SimPeer = { id, store: new MemoryStore(), core: undefined, tornNext: undefined };
      this.peers.set(id, sim);
      this.start(sim);
    }
  }

  get tick(): number {
    return Math.floor(this.step / this.stepsPerTick);
  }

  peer(id: PeerId): SimPeer {
    const p = this.peers.get(id);
    if (p === undefined) throw new Error(`no peer ${id}`);
    return p;
  }

  core(id: PeerId): ZabPeer {
    const core = this.peer(id).core;
    if (core === undefined) throw new Error(`peer ${id} is down`);
    return core;
  }

  isUp(id: PeerId): boolean {
    return this.peers.get(id)?.core !== undefined;
  }

  /** Advances one step: deliver due messages; on a tick boundary tick every live peer. */
  runStep(): void {
    this.step++;
    for (const e of this.network.takeDue(this.step)) {
      const p = this.peers.get(e.to);
      if (p?.core === undefined) continue;
      p.core.step(e.from, e.message, e.generation);
      this.drive(p);
    }
    if (this.step % this.stepsPerTick === 0) {
      for (const p of this.peers.values()) {
        if (p.core === undefined) continue;
        p.core.tick();
        this.drive(p);
      }
    }
  }

  runTicks(ticks: number, after?: () => void): void {
    const end = this.step + ticks * this.stepsPerTick;
    while (this.step < end) {
      this.runStep();
      after?.();
    }
  }

  submit(peer: PeerId, session: SessionId, cxid: number, request: Request): void {
    const p = this.peer(peer);
    if (p.core === undefined) return;
    p.core.submit(session, cxid, request);
    this.drive(p);
  }

  connect(peer: PeerId, token: number, timeoutMs: number): void {
    const p = this.peer(peer);
    p.core?.connect(token, timeoutMs);
    this.drive(p);
  }

  closeSession(peer: PeerId, session: SessionId, cxid: number): void {
    const p = this.peer(peer);
    p.core?.closeSession(session, cxid);
    this.drive(p);
  }

  revalidate(peer: PeerId, session: SessionId): void {
    const p = this.peer(peer);
    p.core?.revalidate(session);
    this.drive(p);
  }

  ping(peer: PeerId, session: SessionId): void {
    this.peer(peer).core?.ping(session);
  }

  /** The runtime's loop for one peer, until it has nothing more to do. */
  drive(p: SimPeer): void {
    for (let guard = 0; p.core?.hasReady() === true; guard++) {
      if (guard > 1000) throw new Error(`peer ${p.id} never settles`);
      const core = p.core;
      const r = core.ready();
      if (p.tornNext !== undefined) {
        p.store.persistTorn(r.persist, Math.floor(persistUnits(r.persist) * p.tornNext));
        this.crash(p.id);
        return;
      }
      p.store.persist(r.persist);
      for (const [to, message] of r.send) this.network.send(p.id, to, message, this.step);
      this.deliver(p.id, core, r);
      core.advance(r);
    }
  }

  private deliver(id: PeerId, core: ZabPeer, r: Ready): void {
    for (const t of r.trace) {
      if (t.type === 'established') this.checker.established(id, t.epoch);
      else if (t.type === 'proposed') this.checker.proposedBy(id, t.txn);
      else if (t.type === 'restored') this.checker.restored(id, t.zxid);
      if (this.logEnabled && t.type === 'role') this.log.push(`${this.tick}: peer ${id} ${t.role}${t.leader === undefined ? '' : ` (leader ${t.leader})`}`);
      if (this.logEnabled && t.type === 'established') this.log.push(`${this.tick}: peer ${id} established epoch ${t.epoch}`);
    }
    for (const a of r.applied) this.checker.applied(id, a.txn);
    if (r.applied.length > 0) {
      this.checker.digest(id, core.machine.lastZxid, core.machine.digest());
      this.checker.ephemerals(id, core.machine);
    }
    if (r.trace.some((t) => t.type === 'restored')) this.onForget(id);
    // Watch events and replies in the one order the Ready prescribes (ZooKeeper's per-connection stream).
    let events = 0;
    const eventsUpTo = (n: number): void => {
      for (; events < n; events++) {
        const a = r.applied[events]!;
        for (const d of a.deliveries) this.onWatch(id, d, a.txn.header.zxid);
      }
    };
    r.replies.forEach((reply, i) => {
      eventsUpTo(r.replyAfter?.[i] ?? r.applied.length);
      this.onReply(id, reply);
    });
    eventsUpTo(r.applied.length);
  }

  crash(id: PeerId): void {
    const p = this.peer(id);
    if (p.core === undefined) return;
    this.retiredStats.push({ ...p.core.stats });
    p.core = undefined;
    p.tornNext = undefined;
    this.network.crash(id, this.ids);
    this.onForget(id);
    if (this.logEnabled) this.log.push(`${this.tick}: peer ${id} crashed`);
  }

  /** Crashes the peer during its next persist, keeping `share` (0..1) of it. */
  crashDuringNextPersist(id: PeerId, share: number): void {
    const p = this.peer(id);
    if (p.core !== undefined) p.tornNext = share;
  }

  restart(id: PeerId): void {
    const p = this.peer(id);
    if (p.core !== undefined) return;
    this.network.restart(id);
    this.start(p);
    this.network.linksUp(id, this.ids);
    if (this.logEnabled) this.log.push(`${this.tick}: peer ${id} restarted`);
  }

  private start(p: SimPeer): void {
    const durable = p.store.durable();
    p.core = new ZabPeer({ id: p.id, config: this.config, prng: this.prng.fork(), machine: this.machine, durable });
    this.checker.restored(p.id, durable.snapshot?.zxid ?? ZXID_ZERO);
    this.drive(p);
  }

  /** Every incarnation's stats, summed. */
  totalStats(): ZabStats {
    const all = [...this.retiredStats, ...this.ids.flatMap((id) => this.peers.get(id)?.core?.stats ?? [])];
    const total = newZabStats();
    for (const s of all) for (const k of Object.keys(total) as (keyof ZabStats)[]) total[k] += s[k];
    return total;
  }

  /** The established leader, if exactly one live peer is LEADING and serving. */
  leader(): PeerId | undefined {
    const leaders = this.ids.filter((id) => this.peers.get(id)?.core?.state === 'LEADING' && this.peers.get(id)?.core?.serving);
    return leaders.length === 1 ? leaders[0] : undefined;
  }
}
