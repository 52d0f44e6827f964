// Simulated clients: each holds a session, is connected to one peer, and issues random writes
// (unique values), reads and syncs with a few requests in flight. They record a history and check
// per-session FIFO: replies come back in the order the requests were sent. On CONNECTIONLOSS, a
// crash of their peer or a timeout they move to another peer; outcomes then become unknown.

import { Code } from '../../src/core/errors.ts';
import type { Reply } from '../../src/core/requests/reply.ts';
import type { Request } from '../../src/core/requests/request.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { OPEN_ACL_UNSAFE } from '../../src/core/acl/types.ts';
import { asSessionId, type PeerId, type SessionId } from '../../src/core/util/ids.ts';
import type { Prng } from '../../src/core/util/prng.ts';
import type { ClientReply } from '../../src/core/zab/ready.ts';
import type { HistoryOp } from './history.ts';
import { registerData, registerValue } from './register-machine.ts';
import type { Delivery } from '../../src/core/watches/registry.ts';
import type { Zxid } from '../../src/core/zxid.ts';
import { WatchChecker } from './checkers/watches.ts';
import { extraOp } from './workload-extras.ts';

export interface ClientOptions {
  /** Connect through createSession (a machine with sessions), or use fixed session ids. */
  readonly sessions: boolean;
  readonly clients: number;
  /** Chance per step that a client with room in its pipeline issues a request. */
  readonly rate: number;
  readonly pipeline: number;
  readonly paths: readonly string[];
  /** Steps (the simulator's finest time unit) before a client gives up on a request. */
  readonly timeoutSteps: number;
  /** Steps of idleness after which a client pings. */
  readonly pingSteps: number;
}

export interface ClientHost {
  submit(peer: PeerId, session: SessionId, cxid: number, request: Request): void;
  connect(peer: PeerId, token: number, timeoutMs: number): void;
  closeSession(peer: PeerId, session: SessionId, cxid: number): void;
  ping(peer: PeerId, session: SessionId): void;
  revalidate(peer: PeerId, session: SessionId): void;
  isUp(peer: PeerId): boolean;
}

interface SimClient {
  readonly index: number;
  /** Undefined until a connect succeeds (and again once the session expired or closed). */
  session: SessionId | undefined;
  /** The token of the connect in flight, if any, and when it started. */
  connecting: { token: number; at: number } | undefined;
  peer: PeerId;
  nextCxid: number;
  lastSent: number;
  /** Moved to another peer with a live session: tell it (revalidate) before anything else. */
  moved: boolean;
  /** The last sequential node this client created (a candidate for delete). */
  lastSequential: string | undefined;
  /** Numbers the client's connections for the history (see HistoryOp.connection). */
  connection: number;
  outstanding: HistoryOp[];
}

export class SimClients {
  readonly history: HistoryOp[] = [];
  readonly violations: string[] = [];
  private readonly clients: SimClient[] = [];
  /** Sessions and cxids whose reply we stopped waiting for. */
  private readonly abandoned = new Set<string>();
  /** Reads in flight (`session/cxid`): their path, and whether they set a watch. */
  private readonly reads = new Map<string, { readonly path: string; readonly watch: boolean }>();
  readonly watches = new WatchChecker();

  constructor(
    private readonly prng: Prng,
    private readonly peers: readonly PeerId[],
    private readonly options: ClientOptions,
  ) {
    for (let i = 0; i < options.clients; i++) {
      const session = options.sessions ? undefined : asSessionId(1000 + i);
      this.clients.push({ index: i, session, connecting: undefined, peer: prng.pick(peers), nextCxid: 1, lastSent: 0, moved: false, lastSequential: undefined, connection: i * 1_000_000, outstanding: [] });
    }
  }

  /** Acknowledged writes (zxids), for the durability check. */
  ackedWrites(): number[] {
    return this.history.filter((h) => h.kind === 'write' && h.outcome === 'ok' && h.zxid !== undefined).map((h) => h.zxid as number);
  }

  /** One simulator step; `now` is the step count (history times are in steps). */
  act(now: number, host: ClientHost): void {
    for (const c of this.clients) {
      const oldest = c.outstanding[0];
      if (oldest !== undefined && (now - oldest.invokedAt > this.options.timeoutSteps || !host.isUp(c.peer))) {
        this.reconnect(c, now);
      }
      if (c.connecting !== undefined && (now - c.connecting.at > this.options.timeoutSteps || !host.isUp(c.peer))) {
        c.connecting = undefined;
        c.peer = this.prng.pick(this.peers);
      }
      if (c.session === undefined) {
        if (c.connecting === undefined && host.isUp(c.peer)) {
          c.connecting = { token: this.tokens++, at: now };
          host.connect(c.peer, c.connecting.token, 2000);
        }
        continue;
      }
      if (c.moved && this.options.sessions && host.isUp(c.peer)) {
        host.revalidate(c.peer, c.session);
        c.moved = false;
      }
      if (now - c.lastSent >= this.options.pingSteps && host.isUp(c.peer)) {
        host.ping(c.peer, c.session);
        c.lastSent = now;
      }
      if (c.outstanding.length >= this.options.pipeline || !this.prng.chance(this.options.rate)) continue;
      this.issue(c, c.session, now, host);
    }
  }

  onConnected(r: ClientReply): void {
    const c = this.clients.find((x) => x.connecting?.token === r.cxid);
    if (c === undefined) return;
    c.connecting = undefined;
    if (r.reply.type === 'createSession') c.session = r.session;
    else c.peer = this.prng.pick(this.peers);
  }

  /** True when `r` answers a connect (its cxid is a connect token). */
  isConnectReply(r: ClientReply): boolean {
    return this.clients.some((x) => x.connecting?.token === r.cxid) || r.cxid >= SimClients.tokenBase;
  }

  private static readonly tokenBase = 1_000_000_000;
  private tokens = SimClients.tokenBase;

  private issue(c: SimClient, session: SessionId, now: number, host: ClientHost): void {
    c.lastSent = now;
    if (this.options.sessions && this.prng.chance(0.01)) {
      // Now and then a client closes its session and starts a new one.
      const cxid = c.nextCxid++;
      this.abandoned.add(`${session}/${cxid}`);
      this.reconnect(c, now);
      host.closeSession(c.peer, session, cxid);
      c.session = undefined;
      return;
    }
    if (this.options.sessions && this.prng.chance(0.15)) {
      this.issueExtra(c, session, now, host);
      return;
    }
    const path = this.prng.pick(this.options.paths);
    const cxid = c.nextCxid++;
    const roll = this.prng.next();
    const base = { client: c.index, session, connection: c.connection, cxid, path, invokedAt: now, outcome: 'pending' as const };
    let op: HistoryOp;
    let request: Request;
    if (roll < 0.55) {
      const value = `c${c.index}-${cxid}`;
      op = { ...base, kind: 'write', value, op: { type: 'setData', path, data: value, version: -1 } };
      request = { type: 'setData', path, data: registerData(value), version: -1 };
    } else if (roll < 0.6) {
      const value = `c${c.index}-${cxid}`;
      op = { ...base, kind: 'write', value, op: { type: 'create', path, data: value } };
      request = { type: 'create', path, data: registerData(value), acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT };
    } else if (roll < 0.63 && this.options.sessions) {
      // An ephemeral: it must vanish with its session.
      const value = `c${c.index}-${cxid}`;
      op = { ...base, path: `/e${c.index}`, kind: 'write', value };
      request = { type: 'create', path: `/e${c.index}`, data: registerData(value), acl: OPEN_ACL_UNSAFE, mode: CreateMode.EPHEMERAL };
    } else if (roll < 0.9) {
      // A third of the reads set a watch (the registry of the peer that answers keeps it).
      const watch = this.options.sessions && this.prng.chance(0.33);
      op = { ...base, kind: 'read', op: { type: 'getData', path } };
      request = { type: 'getData', path, watch };
      this.reads.set(`${session}/${cxid}`, { path, watch });
    } else {
      op = { ...base, kind: 'sync', op: { type: 'sync', path } };
      request = { type: 'sync', path };
    }
    this.history.push(op);
    c.outstanding.push(op);
    if (!host.isUp(c.peer)) {
      this.reconnect(c, now);
      return;
    }
    host.submit(c.peer, session, cxid, request);
  }

  private issueExtra(c: SimClient, session: SessionId, now: number, host: ClientHost): void {
    const extra = extraOp(this.prng, c.index, c.lastSequential);
    const cxid = c.nextCxid++;
    const op: HistoryOp = { client: c.index, session, connection: c.connection, cxid, path: extra.path, kind: extra.kind, invokedAt: now, outcome: 'pending' };
    if (extra.request.type === 'exists') this.reads.set(`${session}/${cxid}`, { path: extra.path, watch: extra.request.watch });
    if (extra.request.type === 'delete' && extra.path === c.lastSequential) c.lastSequential = undefined;
    this.history.push(op);
    c.outstanding.push(op);
    if (!host.isUp(c.peer)) {
      this.reconnect(c, now);
      return;
    }
    host.submit(c.peer, session, cxid, extra.request);
  }

  /** A watch event the session's peer delivered (triggered by the txn at `zxid`). */
  onWatch(peer: PeerId, d: Delivery, zxid: Zxid): void {
    this.watches.event(d.session, peer, d.event.path, d.event.type, zxid);
  }

  /** The reply to a read: what it saw of its node, for the watch checker (even if abandoned, and
   * in the quiet phase, when clients no longer act on replies). */
  watchedRead(peer: PeerId, r: ClientReply): void {
    const key = `${r.session}/${r.cxid}`;
    const read = this.reads.get(key);
    if (read === undefined) return;
    this.reads.delete(key);
    const reply = r.reply;
    const seen =
      reply.type === 'getData' ? `${reply.stat.czxid}/${reply.stat.mzxid}`
      : reply.type === 'exists' ? (reply.stat === null ? 'absent' : `${reply.stat.czxid}/${reply.stat.mzxid}`)
      : reply.type === 'error' && reply.code === Code.NONODE ? 'absent'
      : undefined;
    if (seen === undefined) return;
    // getData on a missing node sets no watch; exists sets one either way.
    if (read.watch && reply.type !== 'error') this.watches.armed(r.session, peer, read.path, seen);
    else this.watches.read(r.session, peer, read.path, seen);
  }

  onReply(now: number, r: ClientReply, peer?: PeerId): void {
    if (peer !== undefined) this.watchedRead(peer, r);
    const c = this.clients.find((x) => x.session === r.session);
    if (c === undefined || this.abandoned.has(`${r.session}/${r.cxid}`)) return;
    const head = c.outstanding[0];
    if (head === undefined || head.cxid !== r.cxid) {
      this.violations.push(`FIFO: session ${r.session} got a reply for ${r.cxid}, expected ${head?.cxid ?? 'none'}`);
      return;
    }
    c.outstanding.shift();
    head.returnedAt = now;
    this.settle(head, r.reply, r);
    if (r.reply.type === 'error' && r.reply.code === Code.CONNECTIONLOSS) this.reconnect(c, now);
    if (r.reply.type === 'error' && r.reply.code === Code.SESSIONMOVED) this.reconnect(c, now);
    if (r.reply.type === 'error' && r.reply.code === Code.SESSIONEXPIRED && this.options.sessions) {
      this.reconnect(c, now);
      c.session = undefined;
    }
  }

  private settle(op: HistoryOp, reply: Reply, r: ClientReply): void {
    op.answer =
      reply.type === 'error'
        ? { code: reply.code }
        : reply.type === 'getData'
          ? { code: 0, data: registerValue(reply.data), version: reply.stat.version }
          : reply.type === 'setData'
            ? { code: 0, version: reply.stat.version }
            : { code: 0 };
    if (reply.type === 'error') {
      if (reply.code === Code.CONNECTIONLOSS) op.outcome = 'unknown';
      else {
        op.outcome = 'fail';
        if (op.kind === 'read' && reply.code === Code.NONODE) {
          op.outcome = 'ok';
          op.result = null;
        }
      }
      return;
    }
    op.outcome = 'ok';
    if (reply.type === 'create' && op.path.startsWith('/q/')) {
      const c = this.clients[op.client];
      if (c !== undefined) c.lastSequential = reply.path;
    }
    if (reply.type === 'getData') op.result = registerValue(reply.data);
    if (r.zxid !== undefined) op.zxid = r.zxid;
  }

  /** Gives up on in-flight requests (outcome unknown) and moves to another peer. */
  private reconnect(c: SimClient, now: number): void {
    for (const op of c.outstanding) {
      op.outcome = 'unknown';
      op.returnedAt = now;
      this.abandoned.add(`${c.session}/${op.cxid}`);
    }
    c.outstanding = [];
    c.peer = this.prng.pick(this.peers);
    c.moved = true;
    c.connection++;
  }
}
