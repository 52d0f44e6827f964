// The Client API (ZooKeeper's ZooKeeper class, as promises) over one ClientConnection, normally a
// Session (session.ts) that moves between peers: Client.connect({endpoints, open, clock, prng}).
// Input is checked here before it is sent (a bad path, a non-integer version, data over the
// limit: a KeeperError BADARGUMENTS); an error reply becomes a KeeperError with its code and path.
// Each request gets the next cxid, so one client's requests are answered in order. Every call takes
// optional CallOptions {timeoutMs, signal} (deadline.ts: REQUESTTIMEOUT / AbortedError). Watches are
// callbacks, or async iterators (watch()): one-shot ones fire once, persistent ones (addWatch) until
// removed; when the session expires every watch hears {type: None, state: Expired}. With `chroot`
// every path is relative to that root (chroot.ts). Calls made while disconnected wait for the
// session to reconnect (see session.ts); after expiry they fail SESSIONEXPIRED, after close()
// CONNECTIONLOSS.

import type { Acl, Id } from '../core/acl/types.ts';
import { Code, KeeperError } from '../core/errors.ts';
import type { MultiOpResult, ReadOpResult, Reply } from '../core/requests/reply.ts';
import type { MultiOp, ReadOp, Request } from '../core/requests/request.ts';
import { isSequentialMode } from '../core/tree/create-mode.ts';
import { validatePath } from '../core/tree/path.ts';
import type { Stat } from '../core/tree/stat.ts';
import { limits } from '../core/util/limits.ts';
import type { SessionId } from '../core/util/ids.ts';
import { AddWatchMode, EventType, KeeperState, WatcherType, type WatchedEvent } from '../core/watches/events.ts';
import { realClock, type Clock } from '../runtime/clock.ts';
import { Chroot } from './chroot.ts';
import type { ClientConnection, SessionState, SessionStateListener } from './connection.ts';
import { withDeadline, type CallOptions } from './deadline.ts';
import { EventStream } from './event-stream.ts';
import { Session, type SessionOptions } from './session.ts';
import { createOp, Transaction, type CreateOptions as CreateModeOptions } from './transaction.ts';
import { WatchRegistry, type Watcher, type WatchKind } from './watch-registry.ts';

export type { Watcher } from './watch-registry.ts';
export type { CallOptions } from './deadline.ts';
export { AbortedError } from './deadline.ts';

export type CreateOptions = CreateModeOptions & CallOptions;

export interface WatchOption extends CallOptions {
  readonly watch?: Watcher;
}

export interface ClientSettings {
  /** Every path is relative to this root (ZooKeeper's chroot). Default "/". */
  readonly chroot?: string;
  /** Timers for per-call timeouts. Default: the platform clock. */
  readonly clock?: Clock;
  /** Timeout of every call that passes none. Default: none (a call waits while the session lives). */
  readonly requestTimeoutMs?: number;
}

export type ClientOptions<E> = SessionOptions<E> & Omit<ClientSettings, 'clock'>;

/** A multi that failed: the code of the failing op, with every op's result (ZooKeeper's getResults). */
export class MultiError extends KeeperError {
  constructor(code: KeeperError['code'], readonly results: readonly MultiOpResult[], path?: string) {
    super(code, 'multi failed', path);
  }
}

type ReplyOf<T extends Reply['type']> = Extract<Reply, { type: T }>;
const encoder = new TextEncoder();
const EXPIRED_EVENT: WatchedEvent = { type: EventType.None, state: KeeperState.Expired, path: '' };

export class Client {
  private nextCxid = 1;
  private readonly watches = new WatchRegistry();
  private readonly stateListeners = new Set<SessionStateListener>();
  private readonly root: Chroot;
  private readonly clock: Clock;
  private readonly requestTimeoutMs: number | undefined;

  constructor(private readonly connection: ClientConnection, settings: ClientSettings = {}) {
    this.root = new Chroot(settings.chroot ?? '/');
    this.clock = settings.clock ?? realClock();
    this.requestTimeoutMs = settings.requestTimeoutMs;
    connection.onWatch((event) => this.watches.dispatch(this.root.event(event)));
    connection.onState((state) => {
      // An expired session's watches will never fire: each hears the expiry, once.
      if (state === 'expired') for (const w of this.watches.drain()) w(EXPIRED_EVENT);
      for (const l of [...this.stateListeners]) l(state);
    });
    connection.setWatchSource?.(() => this.root.watchSet(this.watches.watchSet()));
  }

  /**
   * A client whose session moves between `endpoints` (see Session): resolves once connected, or
   * rejects with a KeeperError when no endpoint accepts a new session within connectTimeoutMs.
   */
  static async connect<E>(options: ClientOptions<E>): Promise<Client> {
    const session = await Session.open(options);
    const settings: ClientSettings = { clock: options.clock };
    return new Client(session, {
      ...settings,
      ...(options.chroot === undefined ? {} : { chroot: options.chroot }),
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    });
  }

  get session(): SessionId {
    return this.connection.session;
  }
  get state(): SessionState {
    return this.connection.state;
  }

  /** Session state changes; the listener is called at once with the current state. */
  on(_event: 'state', listener: SessionStateListener): () => void {
    this.stateListeners.add(listener);
    listener(this.connection.state);
    return () => this.stateListeners.delete(listener);
  }

  async create(path: string, data: Uint8Array, options: CreateOptions = {}): Promise<string> {
    return (await this.create2(path, data, options)).path;
  }

  async create2(path: string, data: Uint8Array, options: CreateOptions = {}): Promise<{ path: string; stat: Stat }> {
    const op = createOp(path, data, options);
    checkOp(op);
    const r = await this.call(op, 'create', options);
    return { path: r.path, stat: r.stat };
  }

  async delete(path: string, version = -1, options: CallOptions = {}): Promise<void> {
    checkOp({ type: 'delete', path, version });
    await this.call({ type: 'delete', path, version }, 'delete', options);
  }

  async exists(path: string, options: WatchOption = {}): Promise<Stat | null> {
    validatePath(path);
    const r = await this.watched('exist', path, options, { type: 'exists', path, watch: options.watch !== undefined }, 'exists');
    if (r.stat !== null && options.watch !== undefined) this.watches.refile(path, options.watch, 'exist', 'data');
    return r.stat;
  }

  async getData(path: string, options: WatchOption = {}): Promise<{ data: Uint8Array; stat: Stat }> {
    validatePath(path);
    const r = await this.watched('data', path, options, { type: 'getData', path, watch: options.watch !== undefined }, 'getData');
    return { data: r.data, stat: r.stat };
  }

  async setData(path: string, data: Uint8Array, version = -1, options: CallOptions = {}): Promise<Stat> {
    checkOp({ type: 'setData', path, data, version });
    return (await this.call({ type: 'setData', path, data, version }, 'setData', options)).stat;
  }

  getChildren(path: string, options?: WatchOption & { withStat?: false }): Promise<string[]>;
  getChildren(path: string, options: WatchOption & { withStat: true }): Promise<{ children: string[]; stat: Stat }>;
  async getChildren(path: string, options: WatchOption & { withStat?: boolean } = {}): Promise<string[] | { children: string[]; stat: Stat }> {
    validatePath(path);
    const withStat = options.withStat === true;
    const request = { type: 'getChildren', path, watch: options.watch !== undefined, withStat } as const;
    const r = await this.watched('child', path, options, request, 'getChildren');
    const children = [...r.children];
    if (!withStat) return children;
    if (r.stat === undefined) throw new KeeperError(Code.MARSHALLINGERROR, 'getChildren2 reply without a stat', path);
    return { children, stat: r.stat };
  }

  async getACL(path: string, options: CallOptions = {}): Promise<{ acl: Acl[]; stat: Stat }> {
    validatePath(path);
    const r = await this.call({ type: 'getACL', path }, 'getACL', options);
    return { acl: [...r.acl], stat: r.stat };
  }

  async setACL(path: string, acl: readonly Acl[], version = -1, options: CallOptions = {}): Promise<Stat> {
    validatePath(path);
    checkVersion(version, path);
    return (await this.call({ type: 'setACL', path, acl, version }, 'setACL', options)).stat;
  }

  /** All or nothing; a failure rejects with a MultiError carrying every op's result. */
  async multi(ops: readonly MultiOp[], options: CallOptions = {}): Promise<MultiOpResult[]> {
    if (ops.length > limits.multi_ops_max) throw new KeeperError(Code.BADARGUMENTS, `more than ${limits.multi_ops_max} ops`);
    for (const op of ops) checkOp(op);
    const reply = await this.send({ type: 'multi', ops }, options);
    if (reply.type === 'error') throw new KeeperError(reply.code, 'multi', reply.path);
    if (reply.type !== 'multi') throw unexpected(reply, 'multi');
    const failed = reply.results.findIndex((r) => r.type === 'error' && r.code !== Code.OK && r.code !== Code.RUNTIMEINCONSISTENCY);
    const failure = reply.results[failed];
    if (failure !== undefined && failure.type === 'error') throw new MultiError(failure.code, reply.results, ops[failed]?.path);
    return [...reply.results];
  }

  transaction(options: CallOptions = {}): Transaction {
    return new Transaction((ops) => this.multi(ops, options));
  }

  /** Reads served together; a failed op is an error result, not a rejection (ZooKeeper's multiRead). */
  async multiRead(ops: readonly ReadOp[], options: CallOptions = {}): Promise<ReadOpResult[]> {
    if (ops.length > limits.multi_ops_max) throw new KeeperError(Code.BADARGUMENTS, `more than ${limits.multi_ops_max} ops`);
    for (const op of ops) validatePath(op.path);
    return [...(await this.call({ type: 'multiRead', ops: ops.map((op) => ({ ...op, watch: false })) }, 'multiRead', options)).results];
  }

  async sync(path: string, options: CallOptions = {}): Promise<string> {
    validatePath(path);
    return (await this.call({ type: 'sync', path }, 'sync', options)).path;
  }

  async getEphemerals(prefix = '/', options: CallOptions = {}): Promise<string[]> {
    return [...(await this.call({ type: 'getEphemerals', prefix }, 'getEphemerals', options)).paths];
  }

  async getAllChildrenNumber(path: string, options: CallOptions = {}): Promise<number> {
    validatePath(path);
    return (await this.call({ type: 'getAllChildrenNumber', path }, 'getAllChildrenNumber', options)).count;
  }

  /** A persistent watch: `watcher` sees every event at `path` (or beneath it, when recursive). */
  async addWatch(path: string, watcher: Watcher, mode: AddWatchMode = AddWatchMode.PERSISTENT_RECURSIVE, options: CallOptions = {}): Promise<void> {
    validatePath(path);
    const undo = this.watches.addPersistent(path, mode, watcher);
    await this.call({ type: 'addWatch', path, mode }, 'addWatch', options).catch((e: unknown) => {
      undo();
      throw e;
    });
  }

  /**
   * A persistent watch as an async iterator: `for await (const e of client.watch('/app'))`. The
   * watch is set at once (events are buffered until read); leaving the loop, or aborting `signal`,
   * removes it. It ends when the client closes and fails with SESSIONEXPIRED when the session
   * expires, or with the error of the addWatch that set it.
   */
  watch(path: string, mode: AddWatchMode = AddWatchMode.PERSISTENT_RECURSIVE, options: { readonly signal?: AbortSignal } = {}): AsyncIterableIterator<WatchedEvent> {
    validatePath(path);
    const { signal } = options;
    const onAbort = (): void => stream.finish();
    const stream = new EventStream(() => {
      signal?.removeEventListener('abort', onAbort);
      offWatch();
      offState();
      const type = mode === AddWatchMode.PERSISTENT ? WatcherType.Persistent : WatcherType.PersistentRecursive;
      if (this.connection.state === 'closed' || this.connection.state === 'expired' || this.watches.hasPersistent(path, mode)) return;
      // The last local watcher of this kind at `path`: take the session's watch off the peer too.
      this.send({ type: 'removeWatches', path, watcherType: type }, {}).catch(() => undefined);
    });
    const offState = this.stateListenersAdd((state) => {
      if (state === 'closed') stream.finish();
    });
    const offWatch = this.watches.addPersistent(path, mode, (event) => {
      if (event.state === KeeperState.Expired) stream.fail(new KeeperError(Code.SESSIONEXPIRED, 'the session expired', path));
      else if (event.type === EventType.PersistentWatchRemoved) stream.finish();
      else stream.push(event);
    });
    if (signal?.aborted === true) stream.finish();
    else signal?.addEventListener('abort', onAbort, { once: true });
    this.call({ type: 'addWatch', path, mode }, 'addWatch', {}).catch((e: unknown) => stream.fail(e));
    return stream;
  }

  /** Removes this session's watches of `watcherType` at `path`; their callbacks get the *WatchRemoved event. */
  async removeWatches(path: string, watcherType: WatcherType, options: CallOptions = {}): Promise<void> {
    validatePath(path);
    await this.call({ type: 'removeWatches', path, watcherType }, 'removeWatches', options);
    this.watches.removeLocal(path, watcherType);
  }

  async addAuth(scheme: string, auth: Uint8Array | string, options: CallOptions = {}): Promise<void> {
    const bytes = typeof auth === 'string' ? encoder.encode(auth) : auth;
    await this.call({ type: 'auth', scheme, auth: bytes }, 'auth', options);
  }

  async whoAmI(options: CallOptions = {}): Promise<Id[]> {
    return [...(await this.call({ type: 'whoAmI' }, 'whoAmI', options)).ids];
  }

  /** Closes the session: its ephemerals are deleted and its watches are gone. */
  async close(): Promise<void> {
    if (this.connection.state === 'closed') return;
    const reply = await this.connection.close(this.nextCxid++);
    this.watches.drain();
    if (reply.type === 'error') throw new KeeperError(reply.code, 'close');
  }

  private stateListenersAdd(listener: SessionStateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private send(request: Request, options: CallOptions): Promise<Reply> {
    const cxid = this.nextCxid++;
    const out = this.root.request(request);
    return withDeadline(
      () => this.connection.send(cxid, out).then((r) => this.root.reply(r)),
      options,
      this.clock,
      this.requestTimeoutMs,
      request.type,
      pathOf(request),
    );
  }

  private async call<T extends Reply['type']>(request: Request, expected: T, options: CallOptions): Promise<ReplyOf<T>> {
    const reply = await this.send(request, options);
    if (reply.type === 'error') throw new KeeperError(reply.code, request.type, reply.path ?? pathOf(request));
    if (reply.type !== expected) throw unexpected(reply, request.type);
    return reply as ReplyOf<T>;
  }

  /** A read that may set a watch: the callback is in place before the request leaves. */
  private async watched<T extends Reply['type']>(kind: WatchKind, path: string, options: WatchOption, request: Request, expected: T): Promise<ReplyOf<T>> {
    const watcher = options.watch;
    if (watcher === undefined) return this.call(request, expected, options);
    // exists on a missing node still sets a watch (for its creation); getData/getChildren errors don't.
    const undo = this.watches.add(kind, path, watcher);
    try {
      return await this.call(request, expected, options);
    } catch (e) {
      undo();
      throw e;
    }
  }
}

function checkVersion(version: number, path: string): void {
  if (!Number.isInteger(version) || version < -1 || version > 0x7fffffff) {
    throw new KeeperError(Code.BADARGUMENTS, `invalid version ${version}`, path);
  }
}

function checkOp(op: MultiOp): void {
  if (op.type === 'create') {
    validatePath(op.path, isSequentialMode(op.mode));
  } else {
    validatePath(op.path);
    checkVersion(op.version, op.path);
  }
  if ((op.type === 'create' || op.type === 'setData') && op.data.byteLength > limits.data_bytes_max) {
    throw new KeeperError(Code.BADARGUMENTS, `data over ${limits.data_bytes_max} bytes`, op.path);
  }
}

const pathOf = (r: Request): string | undefined => ('path' in r ? r.path : undefined);

const unexpected = (reply: Reply, what: string): KeeperError =>
  new KeeperError(Code.MARSHALLINGERROR, `${what} answered with a ${reply.type} reply`);
