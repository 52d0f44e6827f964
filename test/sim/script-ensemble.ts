// The scenario scripts' ensemble: like etcd-raft's interaction env, every message waits in a FIFO
// queue per link until the script delivers it, so a script can say exactly which message arrives
// when. Links can be held (messages wait), cut (a partition: queued messages lost, new generation),
// and peers crash and restart from their stores.

import type { PeerMessage } from '../../src/core/messages.ts';
import type { Request } from '../../src/core/requests/request.ts';
import { asPeerId, asSessionId, type PeerId } from '../../src/core/util/ids.ts';
import { createPrng } from '../../src/core/util/prng.ts';
import { makeZabConfig, type ZabConfig } from '../../src/core/zab/config.ts';
import { ZabPeer } from '../../src/core/zab/peer.ts';
import { counterOf, epochOf, type Zxid } from '../../src/core/zxid.ts';
import { createRegisterMachine, registerValue } from './register-machine.ts';
import { MemoryStore } from './store.ts';

interface Queued {
  readonly message: PeerMessage;
  readonly generation: number;
}

export const showZxid = (zxid: Zxid): string => `${epochOf(zxid)}:${counterOf(zxid)}`;

export class ScriptEnsemble {
  readonly ids: PeerId[];
  readonly config: ZabConfig;
  readonly cores = new Map<PeerId, ZabPeer | undefined>();
  readonly stores = new Map<PeerId, MemoryStore>();
  private readonly queues = new Map<string, Queued[]>();
  private readonly generations = new Map<string, number>();
  private readonly held = new Set<string>();
  private readonly cut = new Set<string>();
  private restarts = 0;
  private cxid = 0;
  readonly output: string[] = [];

  constructor(voters: number, observers: number, snapCount: number) {
    this.ids = Array.from({ length: voters + observers }, (_, i) => asPeerId(i + 1));
    this.config = makeZabConfig({
      voters: this.ids.slice(0, voters),
      observers: this.ids.slice(voters),
      tickMs: 100,
      snapCount,
    });
    for (const id of this.ids) {
      this.stores.set(id, new MemoryStore());
      this.start(id);
    }
  }

  core(id: PeerId): ZabPeer | undefined {
    return this.cores.get(id);
  }

  private start(id: PeerId): void {
    const store = this.stores.get(id) ?? new MemoryStore();
    const core = new ZabPeer({
      id,
      config: this.config,
      prng: createPrng(id * 1000 + this.restarts++),
      machine: createRegisterMachine,
      durable: store.durable(),
    });
    this.cores.set(id, core);
    this.drive(id);
  }

  private key(from: PeerId, to: PeerId): string {
    return `${from}->${to}`;
  }

  private generation(a: PeerId, b: PeerId): number {
    return this.generations.get(a < b ? `${a}-${b}` : `${b}-${a}`) ?? 0;
  }

  private breakLink(a: PeerId, b: PeerId): void {
    this.generations.set(a < b ? `${a}-${b}` : `${b}-${a}`, this.generation(a, b) + 1);
    // In-flight messages are lost, except on a held link: those are late, not lost, and arrive
    // with their old generation when released.
    if (!this.held.has(this.key(a, b))) this.queues.delete(this.key(a, b));
    if (!this.held.has(this.key(b, a))) this.queues.delete(this.key(b, a));
  }

  drive(id: PeerId): void {
    const core = this.cores.get(id);
    while (core?.hasReady() === true) {
      const r = core.ready();
      this.stores.get(id)?.persist(r.persist);
      for (const [to, message] of r.send) this.enqueue(id, to, message);
      for (const t of r.trace) {
        if (t.type === 'role') this.output.push(`${id}: ${t.role}${t.leader === undefined || t.role === 'LEADING' ? '' : ` leader=${t.leader}`}`);
        if (t.type === 'established') this.output.push(`${id}: established epoch ${t.epoch}`);
        if (t.type === 'synced') {
          const at = t.mode === 'diff' ? '' : t.mode === 'trunc' ? ` to ${showZxid(t.zxid)}` : ` at ${showZxid(t.zxid)}`;
          this.output.push(`${id}: ${t.mode.toUpperCase()}${at} +${t.txns} txns`);
        }
      }
      for (const reply of r.replies) {
        const body = reply.reply.type === 'error' ? `error ${reply.reply.code}` : reply.reply.type === 'getData' ? `getData ${registerValue(reply.reply.data)}` : reply.reply.type;
        this.output.push(`${id}: reply cxid=${reply.cxid} ${body}${reply.zxid === undefined ? '' : ` zxid=${showZxid(reply.zxid)}`}`);
      }
      core.advance(r);
    }
  }

  private enqueue(from: PeerId, to: PeerId, message: PeerMessage): void {
    if (this.cut.has(this.key(from, to)) || this.cores.get(to) === undefined) {
      this.breakLink(from, to);
      return;
    }
    const k = this.key(from, to);
    const q = this.queues.get(k) ?? [];
    q.push({ message, generation: this.generation(from, to) });
    this.queues.set(k, q);
  }

  /** Delivers one queued message on from->to; false when there is none. */
  deliverOne(from: PeerId, to: PeerId): boolean {
    const q = this.queues.get(this.key(from, to));
    const m = q?.shift();
    if (m === undefined) return false;
    const core = this.cores.get(to);
    if (core === undefined) return true;
    core.step(from, m.message, m.generation);
    this.drive(to);
    return true;
  }

  /** Delivers until no unheld link has anything queued; `only` restricts to matching links. */
  deliverAll(only?: (from: PeerId, to: PeerId) => boolean): number {
    let n = 0;
    for (let progress = true; progress && n < 100_000; ) {
      progress = false;
      for (const from of this.ids) for (const to of this.ids) {
        if (from === to || this.held.has(this.key(from, to)) || (only !== undefined && !only(from, to))) continue;
        if (this.deliverOne(from, to)) {
          progress = true;
          n++;
        }
      }
    }
    return n;
  }

  queued(): string[] {
    const out: string[] = [];
    for (const [k, q] of this.queues) if (q.length > 0) out.push(`${k}: ${q.map((m) => m.message.type).join(' ')}`);
    return out.sort();
  }

  tick(): void {
    for (const id of this.ids) {
      this.cores.get(id)?.tick();
      this.drive(id);
    }
  }

  hold(from: PeerId, to: PeerId): void {
    this.held.add(this.key(from, to));
  }

  release(from: PeerId, to: PeerId): void {
    this.held.delete(this.key(from, to));
  }

  partition(groups: PeerId[][]): void {
    for (const g of groups) for (const h of groups) {
      if (g === h) continue;
      for (const a of g) for (const b of h) {
        this.cut.add(this.key(a, b));
        this.breakLink(a, b);
      }
    }
  }

  heal(): void {
    this.cut.clear();
  }

  crash(id: PeerId): void {
    this.cores.set(id, undefined);
    for (const other of this.ids) if (other !== id) this.breakLink(id, other);
  }

  restart(id: PeerId): void {
    if (this.cores.get(id) === undefined) this.start(id);
  }

  submit(id: PeerId, request: Request): void {
    const core = this.cores.get(id);
    if (core === undefined) return;
    core.submit(asSessionId(1), ++this.cxid, request);
    this.drive(id);
  }
}
