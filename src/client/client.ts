// The Client API (ZooKeeper's ZooKeeper class, as promises) over one ClientConnection. Input is
// checked here before it is sent (a bad path, a non-integer version, data over the limit: a
// KeeperError BADARGUMENTS); an error reply becomes a KeeperError with its code and path. Each
// request gets the next cxid, so one client's requests are answered in order. Watches are
// callbacks: one-shot ones fire once, persistent ones (addWatch) until removed.

import type { Acl, Id } from '../core/acl/types.ts';
import { Code, KeeperError } from '../core/errors.ts';
import type { MultiOpResult, ReadOpResult, Reply } from '../core/requests/reply.ts';
import type { MultiOp, ReadOp, Request } from '../core/requests/request.ts';
import { isSequentialMode } from '../core/tree/create-mode.ts';
import { validatePath } from '../core/tree/path.ts';
import type { Stat } from '../core/tree/stat.ts';
import { limits } from '../core/util/limits.ts';
import type { SessionId } from '../core/util/ids.ts';
import { AddWatchMode, type WatcherType } from '../core/watches/events.ts';
import type { ClientConnection, SessionState, SessionStateListener } from './connection.ts';
import { createOp, Transaction, type CreateOptions } from './transaction.ts';
import { WatchRegistry, type Watcher, type WatchKind } from './watch-registry.ts';

export type { CreateOptions } from './transaction.ts';
export type { Watcher } from './watch-registry.ts';

export interface WatchOption {
  readonly watch?: Watcher;
}

/** A multi that failed: the code of the failing op, with every op's result (ZooKeeper's getResults). */
export class MultiError extends KeeperError {
  constructor(code: KeeperError['code'], readonly results: readonly MultiOpResult[], path?: string) {
    super(code, 'multi failed', path);
  }
}

type ReplyOf<T extends Reply['type']> = Extract<Reply, { type: T }>;
const encoder = new TextEncoder();

export class Client {
  private nextCxid = 1;
  private readonly watches = new WatchRegistry();
  private readonly stateListeners = new Set<SessionStateListener>();

  constructor(private readonly connection: ClientConnection) {
    connection.onWatch((event) => this.watches.dispatch(event));
    connection.onState((state) => {
      for (const l of [...this.stateListeners]) l(state);
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
    const r = await this.call(op, 'create');
    return { path: r.path, stat: r.stat };
  }

  async delete(path: string, version = -1): Promise<void> {
    checkOp({ type: 'delete', path, version });
    await this.call({ type: 'delete', path, version }, 'delete');
  }

  async exists(path: string, options: WatchOption = {}): Promise<Stat | null> {
    validatePath(path);
    const r = await this.watched('exist', path, options.watch, { type: 'exists', path, watch: options.watch !== undefined }, 'exists');
    return r.stat;
  }

  async getData(path: string, options: WatchOption = {}): Promise<{ data: Uint8Array; stat: Stat }> {
    validatePath(path);
    const r = await this.watched('data', path, options.watch, { type: 'getData', path, watch: options.watch !== undefined }, 'getData');
    return { data: r.data, stat: r.stat };
  }

  async setData(path: string, data: Uint8Array, version = -1): Promise<Stat> {
    checkOp({ type: 'setData', path, data, version });
    return (await this.call({ type: 'setData', path, data, version }, 'setData')).stat;
  }

  getChildren(path: string, options?: WatchOption & { withStat?: false }): Promise<string[]>;
  getChildren(path: string, options: WatchOption & { withStat: true }): Promise<{ children: string[]; stat: Stat }>;
  async getChildren(path: string, options: WatchOption & { withStat?: boolean } = {}): Promise<string[] | { children: string[]; stat: Stat }> {
    validatePath(path);
    const withStat = options.withStat === true;
    const request = { type: 'getChildren', path, watch: options.watch !== undefined, withStat } as const;
    const r = await this.watched('child', path, options.watch, request, 'getChildren');
    const children = [...r.children];
    if (!withStat) return children;
    if (r.stat === undefined) throw new KeeperError(Code.MARSHALLINGERROR, 'getChildren2 reply without a stat', path);
    return { children, stat: r.stat };
  }

  async getACL(path: string): Promise<{ acl: Acl[]; stat: Stat }> {
    validatePath(path);
    const r = await this.call({ type: 'getACL', path }, 'getACL');
    return { acl: [...r.acl], stat: r.stat };
  }

  async setACL(path: string, acl: readonly Acl[], version = -1): Promise<Stat> {
    validatePath(path);
    checkVersion(version, path);
    return (await this.call({ type: 'setACL', path, acl, version }, 'setACL')).stat;
  }

  /** All or nothing; a failure rejects with a MultiError carrying every op's result. */
  async multi(ops: readonly MultiOp[]): Promise<MultiOpResult[]> {
    if (ops.length > limits.multi_ops_max) throw new KeeperError(Code.BADARGUMENTS, `more than ${limits.multi_ops_max} ops`);
    for (const op of ops) checkOp(op);
    const reply = await this.send({ type: 'multi', ops });
    if (reply.type === 'error') throw new KeeperError(reply.code, 'multi', reply.path);
    if (reply.type !== 'multi') throw unexpected(reply, 'multi');
    const failed = reply.results.findIndex((r) => r.type === 'error' && r.code !== Code.OK && r.code !== Code.RUNTIMEINCONSISTENCY);
    const failure = reply.results[failed];
    if (failure !== undefined && failure.type === 'error') throw new MultiError(failure.code, reply.results, ops[failed]?.path);
    return [...reply.results];
  }

  transaction(): Transaction {
    return new Transaction((ops) => this.multi(ops));
  }

  /** Reads served together; a failed op is an error result, not a rejection (ZooKeeper's multiRead). */
  async multiRead(ops: readonly ReadOp[]): Promise<ReadOpResult[]> {
    if (ops.length > limits.multi_ops_max) throw new KeeperError(Code.BADARGUMENTS, `more than ${limits.multi_ops_max} ops`);
    for (const op of ops) validatePath(op.path);
    return [...(await this.call({ type: 'multiRead', ops: ops.map((op) => ({ ...op, watch: false })) }, 'multiRead')).results];
  }

  async sync(path: string): Promise<string> {
    validatePath(path);
    return (await this.call({ type: 'sync', path }, 'sync')).path;
  }

  async getEphemerals(prefix = '/'): Promise<string[]> {
    return [...(await this.call({ type: 'getEphemerals', prefix }, 'getEphemerals')).paths];
  }

  async getAllChildrenNumber(path: string): Promise<number> {
    validatePath(path);
    return (await this.call({ type: 'getAllChildrenNumber', path }, 'getAllChildrenNumber')).count;
  }

  /** A persistent watch: `watcher` sees every event at `path` (or beneath it, when recursive). */
  async addWatch(path: string, watcher: Watcher, mode: AddWatchMode = AddWatchMode.PERSISTENT_RECURSIVE): Promise<void> {
    validatePath(path);
    const undo = this.watches.addPersistent(path, mode, watcher);
    await this.call({ type: 'addWatch', path, mode }, 'addWatch').catch((e: unknown) => {
      undo();
      throw e;
    });
  }

  /** Removes this session's watches of `watcherType` at `path`; their callbacks get the *WatchRemoved event. */
  async removeWatches(path: string, watcherType: WatcherType): Promise<void> {
    validatePath(path);
    await this.call({ type: 'removeWatches', path, watcherType }, 'removeWatches');
  }

  async addAuth(scheme: string, auth: Uint8Array | string): Promise<void> {
    const bytes = typeof auth === 'string' ? encoder.encode(auth) : auth;
    await this.call({ type: 'auth', scheme, auth: bytes }, 'auth');
  }

  async whoAmI(): Promise<Id[]> {
    return [...(await this.call({ type: 'whoAmI' }, 'whoAmI')).ids];
  }

  /** Closes the session: its ephemerals are deleted and its watches are gone. */
  async close(): Promise<void> {
    if (this.connection.state === 'closed') return;
    const reply = await this.connection.close(this.nextCxid++);
    this.watches.drain();
    if (reply.type === 'error') throw new KeeperError(reply.code, 'close');
  }

  private send(request: Request): Promise<Reply> {
    return this.connection.send(this.nextCxid++, request);
  }

  private async call<T extends Reply['type']>(request: Request, expected: T): Promise<ReplyOf<T>> {
    const reply = await this.send(request);
    if (reply.type === 'error') throw new KeeperError(reply.code, request.type, reply.path ?? pathOf(request));
    if (reply.type !== expected) throw unexpected(reply, request.type);
    return reply as ReplyOf<T>;
  }

  /** A read that may set a watch: the callback is in place before the request leaves. */
  private async watched<T extends Reply['type']>(kind: WatchKind, path: string, watcher: Watcher | undefined, request: Request, expected: T): Promise<ReplyOf<T>> {
    if (watcher === undefined) return this.call(request, expected);
    // exists on a missing node still sets a watch (for its creation); getData/getChildren errors don't.
    const undo = this.watches.add(kind, path, watcher);
    try {
      return await this.call(request, expected);
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
