// The simulator's memory network: seeded per-message delay, FIFO per direction, and links that are
// reliable while up. Anything that loses a message (a partition, a crashed peer, an explicit break)
// breaks the link: both directions move to a new generation and what was in flight is dropped, so
// within one generation a link never has a gap, as the core assumes of real data channels.
// A crash and an explicit break are reported to both ends (onLink, as a real transport hears a
// closed channel or a peer leaving signaling); a partition is not: only silence tells there.

import type { PeerMessage } from '../../src/core/messages.ts';
import type { PeerId } from '../../src/core/util/ids.ts';
import type { Prng } from '../../src/core/util/prng.ts';

export interface Envelope {
  readonly from: PeerId;
  readonly to: PeerId;
  readonly message: PeerMessage;
  readonly generation: number;
  readonly deliverAt: number;
  readonly seq: number;
}

export interface NetworkOptions {
  /** Delay of a message, in simulator steps, drawn uniformly from [min, max]. */
  readonly delayMin: number;
  readonly delayMax: number;
}

const linkKey = (a: PeerId, b: PeerId): string => (a < b ? `${a}-${b}` : `${b}-${a}`);
const dirKey = (a: PeerId, b: PeerId): string => `${a}>${b}`;

export class MemoryNetwork {
  private readonly queue: Envelope[] = [];
  private readonly generations = new Map<string, number>();
  private readonly lastDeliverAt = new Map<string, number>();
  /** Directions that currently lose every message. */
  private readonly blocked = new Set<string>();
  private readonly down = new Set<PeerId>();
  private seq = 0;
  sent = 0;
  dropped = 0;
  /** Tells the cluster that `self`'s link to `peer` was lost (up = false) or came up. */
  onLink: (self: PeerId, peer: PeerId, up: boolean) => void = () => {};

  constructor(
    private readonly prng: Prng,
    private readonly options: NetworkOptions,
  ) {}

  generation(a: PeerId, b: PeerId): number {
    return this.generations.get(linkKey(a, b)) ?? 0;
  }

  send(from: PeerId, to: PeerId, message: PeerMessage, now: number): void {
    this.sent++;
    if (this.down.has(from) || this.down.has(to) || this.blocked.has(dirKey(from, to))) {
      this.dropped++;
      this.newGeneration(from, to);
      return;
    }
    const delay = this.options.delayMin + this.prng.int(this.options.delayMax - this.options.delayMin + 1);
    const deliverAt = Math.max(now + delay, this.lastDeliverAt.get(dirKey(from, to)) ?? 0);
    this.lastDeliverAt.set(dirKey(from, to), deliverAt);
    this.insert({ from, to, message, generation: this.generation(from, to), deliverAt, seq: this.seq++ });
  }

  /** Messages due at `now`, in delivery order; stale ones (a link broke meanwhile) are dropped. */
  takeDue(now: number): Envelope[] {
    let n = 0;
    while (n < this.queue.length && (this.queue[n]?.deliverAt ?? Infinity) <= now) n++;
    const due = this.queue.splice(0, n);
    return due.filter((e) => {
      const ok = e.generation === this.generation(e.from, e.to) && !this.down.has(e.to);
      if (!ok) this.dropped++;
      return ok;
    });
  }

  get inFlight(): number {
    return this.queue.length;
  }

  /** Breaks the link a<->b: new generation, in-flight messages both ways lost; both ends hear it. */
  breakLink(a: PeerId, b: PeerId): void {
    this.newGeneration(a, b);
    this.onLink(a, b, false);
    this.onLink(b, a, false);
  }

  private newGeneration(a: PeerId, b: PeerId): void {
    this.generations.set(linkKey(a, b), this.generation(a, b) + 1);
    this.lastDeliverAt.delete(dirKey(a, b));
    this.lastDeliverAt.delete(dirKey(b, a));
  }

  /** Messages from `from` to `to` are lost until healed (a one-way partition). */
  block(from: PeerId, to: PeerId): void {
    this.blocked.add(dirKey(from, to));
    this.newGeneration(from, to);
  }

  /** Splits the peers into groups that cannot talk to each other. */
  partition(groups: readonly (readonly PeerId[])[]): void {
    for (const g of groups) for (const h of groups) {
      if (g === h) continue;
      for (const a of g) for (const b of h) this.block(a, b);
    }
  }

  heal(): void {
    this.blocked.clear();
  }

  get partitioned(): boolean {
    return this.blocked.size > 0;
  }

  /** A crashed peer loses every link. */
  crash(peer: PeerId, all: readonly PeerId[]): void {
    this.down.add(peer);
    for (const other of all) if (other !== peer) this.newGeneration(peer, other);
    for (const other of all) if (other !== peer && !this.down.has(other)) this.onLink(other, peer, false);
  }

  restart(peer: PeerId): void {
    this.down.delete(peer);
  }

  /** The restarted `peer`'s links are up again: the live peers hear it. */
  linksUp(peer: PeerId, all: readonly PeerId[]): void {
    for (const other of all) if (other !== peer && !this.down.has(other)) this.onLink(other, peer, true);
  }

  private insert(e: Envelope): void {
    // Binary search on (deliverAt, seq): the queue stays sorted.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.queue[mid];
      if (m !== undefined && (m.deliverAt < e.deliverAt || (m.deliverAt === e.deliverAt && m.seq < e.seq))) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, e);
  }
}
