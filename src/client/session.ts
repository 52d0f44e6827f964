// A client's session, carried over one SessionLink at a time (ZooKeeper's ClientCnxn). It owns what
// outlives a link: the session id and password, the negotiated timeout, lastZxidSeen (the newest
// ReplyHeader.zxid), and the calls waiting for a link.
//
// - Liveness (ZooKeeper's rule): after a third of the timeout without sending, it pings; a link
//   that has been silent for two thirds of the timeout is dropped.
// - A lost link: calls in flight on it fail with CONNECTIONLOSS (their outcome is unknown), the
//   state becomes `disconnected`, and the session is offered to the other endpoints in turn
//   (shuffled, jittered exponential backoff between rounds) with its id, password and
//   lastZxidSeen, so that no peer older than what the client has seen accepts it. Once attached,
//   the watches the client holds are re-registered with setWatches(relativeZxid = lastZxidSeen
//   before the loss) ahead of anything else, so changes made while it was away fire at once.
//   Before them go the credentials the client added (addAuth): a peer knows a session's auth ids
//   only from its own connection, so ZooKeeper's clients send them again on every reconnect.
// - Calls made while `connecting` or `disconnected` wait (in order) for the next link, as
//   ZooKeeper's Java client queues them; a caller that will not wait passes a timeout or an
//   AbortSignal to the Client call. They fail with SESSIONEXPIRED if the session expires first.
// - Expiry: a connect answered SESSIONEXPIRED, a peer telling the link the session was closed or
//   expired, or no link regained within the session timeout of the last word heard from a peer
//   (by then the leader has expired the session, unless a leader change reset its deadline: we
//   give up on it all the same, as Curator does). The state becomes `expired` for good.
// Time comes from the injected Clock, randomness from the injected Prng.

import { Code, KeeperError } from '../core/errors.ts';
import type { Reply } from '../core/requests/reply.ts';
import type { AuthRequest, Request } from '../core/requests/request.ts';
import type { ConnectAccepted } from '../core/sessions/connect.ts';
import type { SessionId } from '../core/util/ids.ts';
import type { Prng } from '../core/util/prng.ts';
import { ZXID_ZERO, type Zxid } from '../core/zxid.ts';
import type { Clock } from '../runtime/clock.ts';
import type { ClientConnection, SessionState, SessionStateListener, WatchEventListener, WatchSet } from './connection.ts';
import { backoffMs, EndpointRing } from './endpoints.ts';
import type { LinkLoss, LinkOpener, LinkReply, SessionLink } from './session-link.ts';
import { after, sleep } from './timers.ts';

export interface SessionOptions<E> {
  readonly endpoints: readonly E[];
  /** Shuffle the endpoints once, as ZooKeeper's clients do to spread over the ensemble (default
   * true); false tries them in the order given, the first first. */
  readonly shuffleEndpoints?: boolean;
  readonly open: LinkOpener<E>;
  readonly clock: Clock;
  readonly prng: Prng;
  /** The timeout asked for; the ensemble clamps it to its bounds. Default 10,000 ms. */
  readonly sessionTimeoutMs?: number;
  /** The first connect gives up (rejects) after this long. Default: the session timeout. */
  readonly connectTimeoutMs?: number;
  /** The first connect gives up after this many rounds over the endpoints. Default: unbounded. */
  readonly connectRounds?: number;
  /** Backoff between rounds: from this, doubling. Default 10 ms: a follower refuses clients only
   * while it syncs with a new leader, tens of ms, and a first retry that soon rides a failover. */
  readonly backoffFirstMs?: number;
  /** Backoff bound. Default: a third of the session timeout, at most 2,000 ms. */
  readonly backoffMaxMs?: number;
}

interface Waiting {
  readonly cxid: number;
  /** Undefined for the session's own closeSession. */
  readonly request: Request | undefined;
  readonly resolve: (reply: Reply) => void;
}

type Attempt =
  | { readonly kind: 'ok'; readonly link: SessionLink; readonly answer: ConnectAccepted }
  | { readonly kind: 'expired'; readonly reason: string }
  | { readonly kind: 'failed'; readonly code: number; readonly reason: string };

const LOST: Reply = { type: 'error', code: Code.CONNECTIONLOSS };
const EXPIRED: Reply = { type: 'error', code: Code.SESSIONEXPIRED };
/** cxids of the session's own requests (setWatches): negative, clear of clients' and of the core's
 * connect cxids (at most -2^23). */
const INTERNAL_CXID_FIRST = -100;

export class Session<E> implements ClientConnection {
  private current: SessionState = 'connecting';
  private id = 0 as SessionId;
  private password: Uint8Array = new Uint8Array(0);
  private timeoutMs: number;
  private lastZxid: Zxid = ZXID_ZERO;
  private link: SessionLink | undefined;
  /** Bumped whenever the link changes: callbacks of an older link are ignored. */
  private linkGen = 0;
  private readonly inFlight = new Map<number, (reply: Reply) => void>();
  private readonly waiting: Waiting[] = [];
  /** The credentials peers accepted (addAuth), to present again after a reconnect. */
  private readonly auths: AuthRequest[] = [];
  private lastHeard: number;
  private lastSent: number;
  private closing = false;
  private internalCxid = INTERNAL_CXID_FIRST;
  private stopHeartbeat: (() => void) | undefined;
  private watchListener: WatchEventListener | undefined;
  private watchSource: (() => WatchSet) | undefined;
  private readonly stateListeners = new Set<SessionStateListener>();
  private readonly ring: EndpointRing<E>;

  private constructor(private readonly options: SessionOptions<E>) {
    if (options.endpoints.length === 0) throw new KeeperError(Code.BADARGUMENTS, 'no endpoints to connect to');
    this.timeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.ring = new EndpointRing(options.endpoints, options.prng, options.shuffleEndpoints ?? true);
    this.lastHeard = this.lastSent = options.clock.now();
  }

  /** Connects a new session; rejects with a KeeperError when no endpoint accepts it in time. */
  static async open<E>(options: SessionOptions<E>): Promise<Session<E>> {
    const session = new Session(options);
    await session.firstConnect();
    return session;
  }

  get session(): SessionId {
    return this.id;
  }
  get state(): SessionState {
    return this.current;
  }
  /** The negotiated session timeout. */
  get sessionTimeoutMs(): number {
    return this.timeoutMs;
  }
  /** The newest zxid a reply carried. */
  get lastZxidSeen(): Zxid {
    return this.lastZxid;
  }
  /** The session's password (to hand the session to another process, as ZooKeeper allows). */
  get sessionPassword(): Uint8Array {
    return this.password.slice();
  }

  send(cxid: number, request: Request): Promise<Reply> {
    if (this.current === 'closed' || this.closing) return Promise.resolve(LOST);
    if (this.current === 'expired') return Promise.resolve(EXPIRED);
    const reply = new Promise<Reply>((resolve) => {
      const link = this.link;
      if (this.current === 'connected' && link !== undefined) this.sendOn(link, cxid, request, resolve);
      else this.waiting.push({ cxid, request, resolve });
    });
    if (request.type !== 'auth') return reply;
    return reply.then((r) => {
      if (r.type !== 'error') this.rememberAuth(request);
      return r;
    });
  }

  private rememberAuth(auth: AuthRequest): void {
    const same = (a: AuthRequest): boolean => a.scheme === auth.scheme && a.auth.length === auth.auth.length && a.auth.every((b, i) => b === auth.auth[i]);
    if (!this.auths.some(same)) this.auths.push(auth);
  }

  async close(cxid: number): Promise<Reply> {
    if (this.current === 'closed' || this.closing) return LOST;
    if (this.current === 'expired') {
      this.setState('closed');
      return { type: 'closeSession' };
    }
    const reply = await new Promise<Reply>((resolve) => {
      const link = this.link;
      if (this.current === 'connected' && link !== undefined) this.closeOn(link, cxid, resolve);
      else this.waiting.push({ cxid, request: undefined, resolve });
    });
    if (this.state !== 'expired') this.shutDown('closed', LOST);
    return reply;
  }

  onWatch(listener: WatchEventListener): () => void {
    this.watchListener = listener;
    return () => {
      if (this.watchListener === listener) this.watchListener = undefined;
    };
  }

  onState(listener: SessionStateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  setWatchSource(source: () => WatchSet): void {
    this.watchSource = source;
  }

  /** Drops the current link as if the network had failed (tests, and a caller that knows better). */
  dropLink(reason = 'dropped by the client'): void {
    this.lost(this.linkGen, { expired: false, reason });
  }

  // ---- links ----

  private sendOn(link: SessionLink, cxid: number, request: Request, resolve: (reply: Reply) => void): void {
    const gen = this.linkGen;
    this.inFlight.set(cxid, resolve);
    this.lastSent = this.options.clock.now();
    void link.send(cxid, request).then((r) => this.answered(gen, cxid, r));
  }

  private closeOn(link: SessionLink, cxid: number, resolve: (reply: Reply) => void): void {
    const gen = this.linkGen;
    this.closing = true;
    this.inFlight.set(cxid, resolve);
    void link.closeSession(cxid).then((r) => this.answered(gen, cxid, r));
  }

  private answered(gen: number, cxid: number, r: LinkReply): void {
    if (gen !== this.linkGen) return; // that link is gone: the call was failed with CONNECTIONLOSS
    const resolve = this.inFlight.get(cxid);
    if (resolve === undefined) return;
    this.inFlight.delete(cxid);
    this.heard();
    if (r.zxid !== undefined && r.zxid > this.lastZxid) this.lastZxid = r.zxid;
    resolve(r.reply);
    if (r.reply.type !== 'error' || this.closing) return;
    if (r.reply.code === Code.CONNECTIONLOSS) this.lost(gen, { expired: false, reason: 'the peer dropped the connection' });
    else if (r.reply.code === Code.SESSIONEXPIRED) this.expire();
  }

  private heard(): void {
    this.lastHeard = this.options.clock.now();
  }

  private lost(gen: number, loss: LinkLoss): void {
    if (gen !== this.linkGen || this.current !== 'connected' || this.closing) return;
    this.detachLink();
    if (loss.expired) {
      this.expire();
      return;
    }
    this.setState('disconnected');
    void this.reconnect();
  }

  /** Forgets the current link; its calls in flight fail with `reply` (CONNECTIONLOSS: their
   * outcome is unknown). */
  private detachLink(reply: Reply = LOST): void {
    this.linkGen++;
    this.link?.close();
    this.link = undefined;
    const pending = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const resolve of pending) resolve(reply);
  }

  private attach(link: SessionLink, answer: ConnectAccepted): void {
    this.linkGen++;
    const gen = this.linkGen;
    const reattached = this.id !== 0;
    // setWatches is relative to what the client had seen before the loss, not to the new peer.
    const relativeZxid = this.lastZxid;
    this.link = link;
    this.id = answer.session;
    this.password = answer.password;
    this.timeoutMs = answer.timeoutMs;
    link.onWatch((event) => {
      if (gen !== this.linkGen) return;
      this.heard();
      this.watchListener?.(event);
    });
    link.onLost((loss) => this.lost(gen, loss));
    this.lastHeard = this.lastSent = this.options.clock.now();
    this.startHeartbeat();
    this.setState('connected');
    if (this.link !== link) return; // a state listener closed the session or dropped the link
    if (reattached) {
      // Answers are not awaited: the link is FIFO, so calls sent next see the ids and watches.
      for (const auth of this.auths) this.sendOn(link, this.internalCxid--, auth, () => undefined);
      this.restoreWatches(link, relativeZxid);
    }
    for (const w of this.waiting.splice(0)) {
      if (w.request === undefined) this.closeOn(link, w.cxid, w.resolve);
      else this.sendOn(link, w.cxid, w.request, w.resolve);
    }
  }

  private restoreWatches(link: SessionLink, relativeZxid: Zxid): void {
    const watches = this.watchSource?.();
    if (watches === undefined) return;
    const count = watches.data.length + watches.exist.length + watches.child.length + watches.persistent.length + watches.persistentRecursive.length;
    if (count === 0) return;
    const cxid = this.internalCxid--;
    this.sendOn(link, cxid, { type: 'setWatches', relativeZxid, ...watches }, (reply) => {
      // Events that fired at once come in the reply (or came through onWatch already).
      if (reply.type === 'setWatches') for (const event of reply.events) this.watchListener?.(event);
    });
  }

  // ---- connecting ----

  private async firstConnect(): Promise<void> {
    const clock = this.options.clock;
    const deadline = clock.now() + (this.options.connectTimeoutMs ?? this.timeoutMs);
    const rounds = this.options.connectRounds ?? Infinity;
    let last: Attempt | undefined;
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < this.ring.size; i++) {
        const budget = deadline - clock.now();
        if (budget <= 0) break;
        last = await this.attempt(this.ring.take(), budget);
        if (last.kind === 'ok') return this.attach(last.link, last.answer);
      }
      if (deadline - clock.now() <= 0 || round + 1 >= rounds) break;
      await sleep(clock, Math.min(this.backoff(round), deadline - clock.now()));
    }
    this.current = 'closed';
    const code = last?.kind === 'failed' ? last.code : Code.CONNECTIONLOSS;
    const reason = last === undefined || last.kind === 'ok' ? 'no time left' : last.reason;
    throw new KeeperError(code as KeeperError['code'], `could not connect: ${reason}`);
  }

  private async reconnect(): Promise<void> {
    const clock = this.options.clock;
    // The leader expires the session a timeout after it last heard from the client.
    const deadline = this.lastHeard + this.timeoutMs;
    for (let round = 0; this.current === 'disconnected'; round++) {
      for (let i = 0; i < this.ring.size && this.current === 'disconnected'; i++) {
        const budget = deadline - clock.now();
        if (budget <= 0) break;
        const result = await this.attempt(this.ring.take(), budget);
        if (this.current !== 'disconnected') {
          if (result.kind === 'ok') result.link.close();
          return;
        }
        if (result.kind === 'ok') return this.attach(result.link, result.answer);
        if (result.kind === 'expired') return this.expire();
      }
      if (this.current !== 'disconnected') return;
      if (deadline - clock.now() <= 0) return this.expire();
      await sleep(clock, Math.min(this.backoff(round), deadline - clock.now()));
    }
  }

  /** One endpoint: open a link and shake hands, within `budget` ms and a fair share of the timeout
   * (ZooKeeper's connectTimeout = sessionTimeout / number of hosts). */
  private async attempt(endpoint: E, budget: number): Promise<Attempt> {
    const limitMs = Math.max(1, Math.min(budget, Math.floor(this.timeoutMs / this.ring.size)));
    let cancel = (): void => undefined;
    const timer = new Promise<'timeout'>((resolve) => {
      cancel = after(this.options.clock, limitMs, () => resolve('timeout'));
    });
    let link: SessionLink | undefined;
    try {
      const opened = await Promise.race([this.options.open(endpoint), timer]);
      if (opened === 'timeout') return { kind: 'failed', code: Code.CONNECTIONLOSS, reason: 'opening the link timed out' };
      link = opened;
      const request = this.id === 0
        ? { timeoutMs: this.timeoutMs, lastZxidSeen: this.lastZxid }
        : { timeoutMs: this.timeoutMs, session: this.id, password: this.password, lastZxidSeen: this.lastZxid };
      const answer = await Promise.race([link.connect(request), timer]);
      if (answer === 'timeout') return { kind: 'failed', code: Code.CONNECTIONLOSS, reason: 'the handshake timed out' };
      if (answer.ok) {
        const ok = { kind: 'ok', link, answer } as const;
        link = undefined;
        return ok;
      }
      if (answer.code === Code.SESSIONEXPIRED && this.id !== 0) return { kind: 'expired', reason: answer.reason };
      return { kind: 'failed', code: answer.code, reason: answer.reason };
    } catch (e) {
      const code = e instanceof KeeperError ? e.code : Code.CONNECTIONLOSS;
      return { kind: 'failed', code, reason: e instanceof Error ? e.message : String(e) };
    } finally {
      cancel();
      if (link !== undefined) link.close();
    }
  }

  private backoff(round: number): number {
    const max = this.options.backoffMaxMs ?? Math.min(2_000, Math.max(1, Math.floor(this.timeoutMs / 3)));
    return backoffMs(round, this.options.backoffFirstMs ?? 10, max, this.options.prng);
  }

  // ---- liveness ----

  private startHeartbeat(): void {
    this.stopHeartbeat?.();
    const period = Math.max(1, Math.floor(this.timeoutMs / 12));
    this.stopHeartbeat = this.options.clock.every(period, () => this.heartbeat());
  }

  private heartbeat(): void {
    const link = this.link;
    if (this.current !== 'connected' || link === undefined) return;
    const now = this.options.clock.now();
    if (now - this.lastHeard >= (2 * this.timeoutMs) / 3) {
      this.lost(this.linkGen, { expired: false, reason: 'the peer was silent for two thirds of the session timeout' });
      return;
    }
    if (now - this.lastSent >= this.timeoutMs / 3) {
      const gen = this.linkGen;
      this.lastSent = now;
      link.ping().then(
        () => {
          if (gen === this.linkGen) this.heard();
        },
        () => undefined,
      );
    }
  }

  // ---- the end ----

  private expire(): void {
    if (this.current === 'expired' || this.current === 'closed') return;
    this.shutDown('expired', EXPIRED);
  }

  private shutDown(state: 'expired' | 'closed', reply: Reply): void {
    this.detachLink(reply);
    this.stopHeartbeat?.();
    this.stopHeartbeat = undefined;
    for (const w of this.waiting.splice(0)) w.resolve(reply);
    this.closing = false;
    this.setState(state);
  }

  private setState(state: SessionState): void {
    if (this.current === state) return;
    this.current = state;
    for (const l of [...this.stateListeners]) l(state);
  }
}
