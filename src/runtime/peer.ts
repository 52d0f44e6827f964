// A running peer: the ZAB core + a clock + a DurableStore + a Transport, and THE driver loop (the
// one the simulator writes out in test/sim/cluster.ts): every input (a tick, a peer message, a
// client call) is queued and applied to the core in arrival order; then, while the core has work,
// r = ready() -> await store.persist(r.persist) (one group commit) -> send r.send -> deliver watch
// events and replies -> advance(r). One persist at a time, and nothing is sent before the persist
// it follows is durable; inputs that arrive meanwhile wait their turn (FIFO). A store failure
// stops the peer, as ZooKeeper exits on a log write error. No node:* here: it runs in a tab too.

import { Code } from '../core/errors.ts';
import type { PeerMessage } from '../core/messages.ts';
import type { Reply } from '../core/requests/reply.ts';
import type { Request } from '../core/requests/request.ts';
import type { ConnectAnswer, ConnectRequest } from '../core/sessions/connect.ts';
import { assert } from '../core/util/assert.ts';
import type { PeerId, SessionId } from '../core/util/ids.ts';
import type { Prng } from '../core/util/prng.ts';
import type { WatchedEvent } from '../core/watches/events.ts';
import type { ZabConfig } from '../core/zab/config.ts';
import type { StateMachineFactory } from '../core/zab/machine.ts';
import { ZabPeer } from '../core/zab/peer.ts';
import type { ClientReply, Ready } from '../core/zab/ready.ts';
import { treeMachineFactory } from '../core/zab/tree-machine.ts';
import type { DurableStore } from '../storage/durable-store.ts';
import type { LinkInfo, Transport } from '../transport/transport.ts';
import type { Clock } from './clock.ts';
import { isClientChannelMessage } from './peer-client-channels.ts';
import { PeerEvents, type PeerStatus } from './events.ts';
import { ReplyWaiters, type ZxidReply } from './reply-waiters.ts';

export interface PeerOptions {
  readonly id: PeerId;
  readonly config: ZabConfig;
  readonly store: DurableStore;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly prng: Prng;
  /** Default: the DataTree machine with the ensemble's tickMs. */
  readonly machine?: StateMachineFactory;
  readonly events?: PeerEvents;
}

type Input =
  | { readonly kind: 'tick' }
  | { readonly kind: 'message'; readonly from: PeerId; readonly message: PeerMessage; readonly generation: number }
  | { readonly kind: 'submit'; readonly session: SessionId; readonly cxid: number; readonly request: Request }
  | { readonly kind: 'connect'; readonly token: number; readonly request: ConnectRequest }
  | { readonly kind: 'close'; readonly session: SessionId; readonly cxid: number }
  | { readonly kind: 'revalidate'; readonly session: SessionId }
  | { readonly kind: 'ping'; readonly session: SessionId }
  | { readonly kind: 'link'; readonly peer: PeerId; readonly up: boolean };

export type WatchListener = (event: WatchedEvent) => void;
export type SessionClosedListener = () => void;

export class Peer {
  readonly events: PeerEvents;
  private readonly queue: Input[] = [];
  private readonly waiters = new ReplyWaiters();
  private readonly watchers = new Map<SessionId, WatchListener>();
  private readonly closers = new Map<SessionId, SessionClosedListener>();
  private readonly unsubscribe: (() => void)[] = [];
  /** Peers whose link the transport last reported up (to turn its link events into core inputs). */
  private readonly linksUp = new Set<PeerId>();
  private idleWaiters: (() => void)[] = [];
  private state: 'running' | 'stopping' | 'stopped' | 'failed' = 'running';
  private pumping = false;
  /** A pump is due in a microtask (kick). */
  private kicked = false;
  private nextToken = 1;
  private counters = { messagesIn: 0, messagesOut: 0, persists: 0 };

  private constructor(
    readonly zab: ZabPeer,
    private readonly store: DurableStore,
    private readonly transport: Transport,
    events: PeerEvents,
  ) {
    this.events = events;
  }

  /** Loads durable state, builds the core and starts ticking and listening. */
  static async start(options: PeerOptions): Promise<Peer> {
    assert(options.transport.self === options.id, 'the transport belongs to another peer');
    const durable = await options.store.load();
    const machine = options.machine ?? treeMachineFactory({ tickMs: options.config.tickMs });
    const zab = new ZabPeer({ id: options.id, config: options.config, prng: options.prng, machine, durable });
    const peer = new Peer(zab, options.store, options.transport, options.events ?? new PeerEvents());
    peer.listen(options);
    peer.kick();
    return peer;
  }

  get id(): PeerId {
    return this.zab.id;
  }
  get running(): boolean {
    return this.state === 'running';
  }

  /** A client request from `session`; resolves with its reply (an error reply is a value too). */
  submit(session: SessionId, cxid: number, request: Request): Promise<Reply> {
    return this.call(session, cxid, request).then((r) => r.reply);
  }

  /** As submit, with the zxid the reply carries (ZooKeeper's ReplyHeader.zxid: a write's txn
   * zxid, else the last zxid this peer had applied), from which a client tracks lastZxidSeen. */
  call(session: SessionId, cxid: number, request: Request): Promise<ZxidReply> {
    const reply = this.waiters.forRequest(session, cxid);
    this.enqueue({ kind: 'submit', session, cxid, request });
    return reply;
  }

  /**
   * A client's handshake (see ZabPeer.connect): a new session when `request.session` is absent,
   * else the session reattached here. Resolves with the session's terms or a refusal (never
   * rejects): CONNECTIONLOSS (try another peer), SESSIONEXPIRED, BADARGUMENTS or THROTTLEDOP.
   */
  connect(request: ConnectRequest): Promise<ConnectAnswer> {
    const token = this.nextToken++;
    const answer = this.waiters.forConnect(token);
    this.enqueue({ kind: 'connect', token, request });
    return answer;
  }

  closeSession(session: SessionId, cxid: number): Promise<Reply> {
    const reply = this.waiters.forRequest(session, cxid);
    this.enqueue({ kind: 'close', session, cxid });
    return reply.then((r) => r.reply);
  }

  /** A client with a session moved here from another peer, without waiting for an answer
   * (connect with the session does it and answers). */
  revalidate(session: SessionId): void {
    this.enqueue({ kind: 'revalidate', session });
  }

  /** A client heartbeat. */
  ping(session: SessionId): void {
    this.enqueue({ kind: 'ping', session });
  }

  /** Watch events for a session connected here (one listener per session). */
  onWatch(session: SessionId, listener: WatchListener): () => void {
    this.watchers.set(session, listener);
    return () => {
      if (this.watchers.get(session) === listener) this.watchers.delete(session);
    };
  }

  /** Called when the session's closeSession txn applies here (a close or an expiry), so a client
   * connected here learns its session is gone (one listener per session). */
  onClosed(session: SessionId, listener: SessionClosedListener): () => void {
    this.closers.set(session, listener);
    return () => {
      if (this.closers.get(session) === listener) this.closers.delete(session);
    };
  }

  /** Resolves once nothing is queued, persisting or ready (or the peer stopped). */
  idle(): Promise<void> {
    if (this.isIdle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get isIdle(): boolean {
    return this.state !== 'running' || (!this.pumping && !this.kicked && this.queue.length === 0 && !this.zab.hasReady());
  }

  status(): PeerStatus {
    const z = this.zab;
    return {
      id: z.id,
      role: z.state,
      leader: z.leader,
      serving: z.serving,
      epoch: z.epoch,
      acceptedEpoch: z.acceptedEpoch,
      currentEpoch: z.currentEpoch,
      lastLoggedZxid: z.lastLoggedZxid,
      committedZxid: z.committedZxid,
      appliedZxid: z.machine.lastZxid,
      ticks: z.ticks,
      ...this.counters,
      pendingRequests: z.pendingRequests,
    };
  }

  /**
   * Finishes the Ready in progress (its persist, sends and replies), then stops: no more ticks or
   * messages, the transport and the store are closed, and unanswered clients get CONNECTIONLOSS.
   */
  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    this.detach();
    await this.drained();
    this.queue.length = 0;
    await this.transport.close();
    await this.store.close();
    this.finish('stopped');
  }

  private listen(options: PeerOptions): void {
    for (const link of this.transport.links()) if (link.state === 'up') this.linksUp.add(link.peer);
    this.unsubscribe.push(
      options.clock.every(options.config.tickMs, () => this.enqueue({ kind: 'tick' })),
      this.transport.onMessage((from, message, generation) => {
        if (isClientChannelMessage(message)) return; // PeerClientChannels' business, never the core's
        this.counters.messagesIn++;
        this.enqueue({ kind: 'message', from, message, generation });
      }),
      this.transport.onLink((link) => {
        this.events.emit({ type: 'link', link });
        this.linkChanged(link);
      }),
    );
  }

  /** A link that was up and is not any more is lost; one that comes up is new: both go to the core
   * in turn with the messages (ZabPeer.linkLost / linkUp), so a follower rejoins as soon as its
   * leader's link is gone rather than after syncLimit ticks of silence. */
  private linkChanged(link: LinkInfo): void {
    const up = link.state === 'up';
    if (up === this.linksUp.has(link.peer)) return;
    if (up) this.linksUp.add(link.peer);
    else this.linksUp.delete(link.peer);
    this.enqueue({ kind: 'link', peer: link.peer, up });
  }

  private detach(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private enqueue(input: Input): void {
    if (this.state !== 'running') {
      this.waiters.failInput(input);
      return;
    }
    this.queue.push(input);
    this.kick();
  }

  /** Starts the driver loop in a microtask, so that inputs enqueued in one go (the requests of one
   * client packet batch, a batch of peer messages) reach the core together and share one Ready. */
  private kick(): void {
    if (this.pumping || this.kicked) return;
    this.kicked = true;
    queueMicrotask(() => {
      this.kicked = false;
      if (!this.pumping && this.state === 'running') void this.pump();
    });
  }

  /** The driver loop. Only one runs at a time; it returns when there is nothing left to do. */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.state === 'running' || (this.state === 'stopping' && this.zab.hasReady())) {
        const input = this.state === 'running' ? this.queue.shift() : undefined;
        if (input !== undefined) {
          this.apply(input);
          continue;
        }
        if (!this.zab.hasReady()) break;
        await this.carryOut(this.zab.ready());
      }
    } catch (error) {
      await this.fail(error);
    } finally {
      this.pumping = false;
    }
    if (this.state === 'running' && this.queue.length > 0) {
      this.kick();
      return;
    }
    this.emitStatus();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private apply(input: Input): void {
    const z = this.zab;
    switch (input.kind) {
      case 'tick':
        return z.tick();
      case 'message':
        return z.step(input.from, input.message, input.generation);
      case 'submit':
        return z.submit(input.session, input.cxid, input.request);
      case 'connect':
        return z.connect(input.token, input.request);
      case 'close':
        return z.closeSession(input.session, input.cxid);
      case 'revalidate':
        return z.revalidate(input.session);
      case 'ping':
        return z.ping(input.session);
      case 'link':
        return input.up ? z.linkUp(input.peer) : z.linkLost(input.peer);
    }
  }

  /** persist (durably) -> send -> deliver -> advance: the order ready.ts prescribes. */
  private async carryOut(r: Ready): Promise<void> {
    if (r.persist.length > 0) {
      await this.store.persist(r.persist);
      this.counters.persists++;
    }
    for (const [to, message] of r.send) {
      this.counters.messagesOut++;
      this.transport.send(to, message);
    }
    for (const t of r.trace) if (t.type !== 'proposed') this.events.emit(t);
    // Watch events and replies in the order the core produced them (Ready.replyAfter): a client
    // sees an event before the data that triggered it, and the reply that set a watch before its event.
    let events = 0;
    const eventsUpTo = (n: number): void => {
      for (; events < n; events++) {
        for (const d of r.applied[events]?.deliveries ?? []) this.watchers.get(d.session)?.(d.event);
      }
    };
    r.replies.forEach((reply, i) => {
      eventsUpTo(r.replyAfter?.[i] ?? r.applied.length);
      this.answer(reply);
    });
    eventsUpTo(r.applied.length);
    for (const applied of r.applied) {
      if (applied.txn.body.type === 'closeSession') this.closers.get(applied.txn.header.sessionId)?.();
    }
    this.zab.advance(r);
  }

  private answer(reply: ClientReply): void {
    this.waiters.resolve(reply);
  }

  private drained(): Promise<void> {
    return this.pumping ? new Promise((resolve) => this.idleWaiters.push(resolve)) : Promise.resolve();
  }

  private async fail(error: unknown): Promise<void> {
    if (this.state === 'failed' || this.state === 'stopped') return;
    this.state = 'failed';
    this.detach();
    this.queue.length = 0;
    this.events.emit({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
    // Peers must see this one gone; the store is left as it is (it failed).
    await this.transport.close().catch(() => undefined);
    this.waiters.failAll(Code.CONNECTIONLOSS);
  }

  private finish(state: 'stopped'): void {
    this.state = state;
    this.waiters.failAll(Code.CONNECTIONLOSS);
    this.events.emit({ type: 'stopped' });
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private emitStatus(): void {
    this.events.emit({ type: 'status', status: this.status() });
  }
}
