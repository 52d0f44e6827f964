// An in-process ensemble of runtime Peers for tests: a MemoryNetwork (codec on), a ManualClock and
// a store per peer from a factory (MemoryStore over a medium that survives restarts, or files).
// Waiting is by counts: settle() runs until every message is delivered and every peer is idle,
// tickUntil() advances the manual clock one tick at a time up to a bound.

import type { Reply } from '../../src/core/requests/reply.ts';
import type { Request } from '../../src/core/requests/request.ts';
import { asPeerId, type PeerId, type SessionId } from '../../src/core/util/ids.ts';
import { createPrng } from '../../src/core/util/prng.ts';
import { makeZabConfig, type ZabConfig, type ZabConfigInput } from '../../src/core/zab/config.ts';
import { ManualClock } from '../../src/runtime/clock.ts';
import { Peer } from '../../src/runtime/peer.ts';
import type { DurableStore } from '../../src/storage/durable-store.ts';
import { MemoryNetwork } from '../../src/transport/memory.ts';
import type { Transport } from '../../src/transport/transport.ts';

export interface EnsembleOptions {
  readonly voters: number;
  readonly openStore: (id: PeerId) => Promise<DurableStore>;
  readonly config?: Omit<ZabConfigInput, 'voters'>;
  /** Wraps a peer's transport (tests that watch what a peer sends). */
  readonly wrapTransport?: (id: PeerId, t: Transport) => Transport;
  /** Round-trip messages through the peer codec (default true). */
  readonly codec?: boolean;
}

export class Ensemble {
  readonly network: MemoryNetwork;
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly config: ZabConfig;
  readonly ids: PeerId[];
  readonly peers = new Map<PeerId, Peer>();
  private seed = 1;

  constructor(private readonly options: EnsembleOptions) {
    this.network = new MemoryNetwork({ codec: options.codec ?? true });
    this.ids = Array.from({ length: options.voters }, (_, i) => asPeerId(i + 1));
    this.config = makeZabConfig({ tickMs: 100, ...options.config, voters: this.ids });
  }

  async start(id: PeerId): Promise<Peer> {
    const joined = this.network.join(id);
    const transport = this.options.wrapTransport?.(id, joined) ?? joined;
    const store = await this.options.openStore(id);
    const peer = await Peer.start({ id, config: this.config, store, transport, clock: this.clock, prng: createPrng(this.seed++) });
    this.peers.set(id, peer);
    return peer;
  }

  async startAll(): Promise<void> {
    for (const id of this.ids) await this.start(id);
  }

  peer(id: PeerId): Peer {
    const p = this.peers.get(id);
    if (p === undefined) throw new Error(`peer ${id} is not running`);
    return p;
  }

  async stop(id: PeerId): Promise<void> {
    await this.peer(id).stop();
    this.peers.delete(id);
  }

  async stopAll(): Promise<void> {
    for (const id of [...this.peers.keys()]) await this.stop(id);
  }

  running(): Peer[] {
    return [...this.peers.values()].filter((p) => p.running);
  }

  /** Until every message is delivered and every peer idle (bounded). */
  async settle(rounds = 100_000): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      await Promise.all(this.running().map((p) => p.idle()));
      if (this.network.inFlight === 0 && this.running().every((p) => p.isIdle)) return;
      await Promise.resolve();
    }
    throw new Error('the ensemble never settled');
  }

  /** Yields `rounds` microtask turns without waiting on any peer (for tests that hold a peer back). */
  async flush(rounds = 200): Promise<void> {
    for (let i = 0; i < rounds; i++) await Promise.resolve();
  }

  /** Ticks (one tickMs at a time, settling after each) until `cond` holds; at most `ticks` ticks. */
  async tickUntil(what: string, cond: () => boolean, ticks = 200): Promise<void> {
    await this.settle();
    for (let i = 0; i < ticks; i++) {
      if (cond()) return;
      this.clock.advance(this.config.tickMs);
      await this.settle();
    }
    if (!cond()) throw new Error(`after ${ticks} ticks, still not: ${what}`);
  }

  /** The one serving leader all running peers agree on, if there is one. */
  leader(): PeerId | undefined {
    const running = this.running();
    const leaders = running.filter((p) => p.zab.state === 'LEADING' && p.zab.serving);
    const leader = leaders[0];
    if (leaders.length !== 1 || leader === undefined) return undefined;
    return running.every((p) => p.zab.serving && p.zab.leader === leader.id) ? leader.id : undefined;
  }

  async electLeader(): Promise<PeerId> {
    await this.tickUntil('one serving leader', () => this.leader() !== undefined);
    const id = this.leader();
    if (id === undefined) throw new Error('no leader');
    return id;
  }

  /** Waits for `calls` by settling, then by ticking (at most `ticks`): never unbounded. */
  async run<T>(calls: Promise<T>, ticks = 100): Promise<T> {
    let done = false;
    const watched = calls.finally(() => {
      done = true;
    });
    await this.tickUntil('the calls are answered', () => done, ticks);
    return watched;
  }

  async connect(id: PeerId): Promise<SessionId> {
    const answer = await this.run(this.peer(id).connect({ timeoutMs: 10_000 }));
    if (!answer.ok) throw new Error(`connect failed: ${answer.code} ${answer.reason}`);
    return answer.session;
  }

  async request(id: PeerId, session: SessionId, cxid: number, request: Request): Promise<Reply> {
    return this.run(this.peer(id).submit(session, cxid, request));
  }

  digests(): string[] {
    return this.running().map((p) => p.zab.machine.digest());
  }
}
