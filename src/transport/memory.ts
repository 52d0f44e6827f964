// The in-process transport: a MemoryNetwork hub links every MemoryTransport that joined it, for
// in-process ensembles, tests and a demo without a network. Each link (an unordered pair of peers)
// is up or down and carries a generation that is bumped each time it comes up; a message travels
// with the generation it was sent on and is dropped on arrival if the link went down or came back
// since, so an old generation never arrives after a new one. Delivery is FIFO through one
// scheduler (a microtask by default, or an injected one), and link events travel the same queue so
// a receiver hears "up, generation g" before any message of g. With `codec` on (the default), every
// message is encoded and decoded through the peer codec on the way, so the codec is exercised.

import { decodePeerMessage, encodePeerMessage } from '../codec/peer-codec.ts';
import type { PeerMessage } from '../core/messages.ts';
import { assert } from '../core/util/assert.ts';
import type { PeerId } from '../core/util/ids.ts';
import type { LinkHandler, LinkInfo, LinkState, MessageHandler, Transport } from './transport.ts';

/** Runs `task` later, in the order tasks were scheduled. */
export type Scheduler = (task: () => void) => void;

export interface MemoryNetworkOptions {
  /** Default: queueMicrotask. */
  readonly schedule?: Scheduler;
  /** Round-trip messages through the peer codec (default true). */
  readonly codec?: boolean;
}

export interface MemoryNetworkStats {
  sent: number;
  delivered: number;
  /** Sent on a down link, or superseded by a new generation before arrival. */
  dropped: number;
  /** Arrived as bytes the codec refused (never, unless the codec has a bug). */
  undecodable: number;
}

interface Link {
  state: LinkState;
  generation: number;
  reason?: string;
}

const linkKey = (a: PeerId, b: PeerId): string => (a < b ? `${a}-${b}` : `${b}-${a}`);

export class MemoryNetwork {
  readonly stats: MemoryNetworkStats = { sent: 0, delivered: 0, dropped: 0, undecodable: 0 };
  private readonly members = new Map<PeerId, MemoryTransport>();
  private readonly links = new Map<string, Link>();
  /** Pairs kept apart by partition() or disconnect(), until heal() or connect(). */
  private readonly cut = new Set<string>();
  private readonly schedule: Scheduler;
  private readonly codec: boolean;
  private pending = 0;

  constructor(options: MemoryNetworkOptions = {}) {
    this.schedule = options.schedule ?? ((task) => queueMicrotask(task));
    this.codec = options.codec ?? true;
  }

  /** Messages and link events scheduled but not yet run. */
  get inFlight(): number {
    return this.pending;
  }

  /** Joins `self` to the hub; links to every other member come up. A closed peer may join again. */
  join(self: PeerId): MemoryTransport {
    const existing = this.members.get(self);
    assert(existing === undefined, `peer ${self} already joined this network`);
    const transport = new MemoryTransport(self, this);
    this.members.set(self, transport);
    for (const other of this.members.keys()) if (other !== self) this.bringUp(self, other);
    return transport;
  }

  /** Takes the link a<->b down until connect(a, b) or heal(). */
  disconnect(a: PeerId, b: PeerId, reason = 'disconnected'): void {
    this.cut.add(linkKey(a, b));
    this.bringDown(a, b, reason);
  }

  connect(a: PeerId, b: PeerId): void {
    this.cut.delete(linkKey(a, b));
    if (this.members.has(a) && this.members.has(b)) this.bringUp(a, b);
  }

  /** Splits the peers into groups that cannot reach each other. */
  partition(groups: readonly (readonly PeerId[])[]): void {
    for (const g of groups) for (const h of groups) {
      if (g === h) continue;
      for (const a of g) for (const b of h) if (a < b) this.disconnect(a, b, 'partitioned');
    }
  }

  /** Every cut link comes back (a new generation each). */
  heal(): void {
    const cut = [...this.cut];
    this.cut.clear();
    for (const key of cut) {
      const [a, b] = key.split('-').map(Number) as [PeerId, PeerId];
      if (this.members.has(a) && this.members.has(b)) this.bringUp(a, b);
    }
  }

  /** The link as `self` sees it (down when never established). */
  linkInfo(self: PeerId, peer: PeerId): LinkInfo {
    const link = this.links.get(linkKey(self, peer));
    if (link === undefined) return { peer, state: 'down', generation: 0 };
    return link.reason === undefined ? { peer, state: link.state, generation: link.generation } : { peer, state: link.state, generation: link.generation, reason: link.reason };
  }

  /** Every peer `self` has had a link with. */
  peersOf(self: PeerId): PeerId[] {
    const out: PeerId[] = [];
    for (const key of this.links.keys()) {
      const [a, b] = key.split('-').map(Number) as [PeerId, PeerId];
      if (a === self) out.push(b);
      else if (b === self) out.push(a);
    }
    return out.sort((x, y) => x - y);
  }

  /** @internal MemoryTransport.send */
  send(from: PeerId, to: PeerId, message: PeerMessage): void {
    this.stats.sent++;
    const link = this.links.get(linkKey(from, to));
    if (link?.state !== 'up') {
      this.stats.dropped++;
      return;
    }
    const generation = link.generation;
    const payload = this.codec ? encodePeerMessage(message) : message;
    this.enqueue(() => {
      const now = this.links.get(linkKey(from, to));
      const receiver = this.members.get(to);
      if (now?.state !== 'up' || now.generation !== generation || receiver === undefined) {
        this.stats.dropped++;
        return;
      }
      let decoded: PeerMessage;
      try {
        decoded = payload instanceof Uint8Array ? decodePeerMessage(payload) : payload;
      } catch {
        this.stats.undecodable++;
        return;
      }
      this.stats.delivered++;
      receiver.deliver(from, decoded, generation);
    });
  }

  /** @internal MemoryTransport.close */
  leave(self: PeerId): void {
    for (const other of this.members.keys()) if (other !== self) this.bringDown(self, other, 'closed');
    this.members.delete(self);
  }

  private bringUp(a: PeerId, b: PeerId): void {
    const key = linkKey(a, b);
    if (this.cut.has(key)) return;
    const link = this.links.get(key) ?? { state: 'down', generation: 0 };
    if (link.state === 'up') return;
    const next: Link = { state: 'up', generation: link.generation + 1 };
    this.links.set(key, next);
    this.announce(a, b);
  }

  private bringDown(a: PeerId, b: PeerId, reason: string): void {
    const key = linkKey(a, b);
    const link = this.links.get(key);
    if (link?.state !== 'up') return;
    this.links.set(key, { state: 'down', generation: link.generation, reason });
    this.announce(a, b);
  }

  /** Both ends hear of a link change, in queue order, as it was when it happened. */
  private announce(a: PeerId, b: PeerId): void {
    for (const [self, peer] of [[a, b], [b, a]] as const) {
      const receiver = this.members.get(self);
      if (receiver === undefined) continue;
      const info = this.linkInfo(self, peer);
      this.enqueue(() => {
        if (this.members.get(self) === receiver) receiver.linkChanged(info);
      });
    }
  }

  private enqueue(task: () => void): void {
    this.pending++;
    this.schedule(() => {
      this.pending--;
      task();
    });
  }
}

export class MemoryTransport implements Transport {
  private readonly messageHandlers = new Set<MessageHandler>();
  private readonly linkHandlers = new Set<LinkHandler>();
  private closed = false;

  constructor(
    readonly self: PeerId,
    private readonly network: MemoryNetwork,
  ) {}

  send(to: PeerId, message: PeerMessage): void {
    if (this.closed) return;
    this.network.send(this.self, to, message);
  }

  onMessage(handler: MessageHandler): () => void {
    this.messageHandlers.add(handler);
    return () => this.messageHandlers.delete(handler);
  }

  onLink(handler: LinkHandler): () => void {
    this.linkHandlers.add(handler);
    return () => this.linkHandlers.delete(handler);
  }

  links(): readonly LinkInfo[] {
    return this.network.peersOf(this.self).map((peer) => this.network.linkInfo(this.self, peer));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.network.leave(this.self);
  }

  /** @internal MemoryNetwork */
  deliver(from: PeerId, message: PeerMessage, generation: number): void {
    if (this.closed) return;
    for (const handler of this.messageHandlers) handler(from, message, generation);
  }

  /** @internal MemoryNetwork */
  linkChanged(info: LinkInfo): void {
    if (this.closed) return;
    for (const handler of this.linkHandlers) handler(info);
  }
}
