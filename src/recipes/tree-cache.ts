// TreeCache: a subtree mirrored locally (data + Stat of every node), kept up to date by one
// persistent recursive watch, with added / updated / removed events.
//
// How no change is lost between the initial load and the watch: the watch is placed first (the
// client's watch() stream; its addWatch leaves before any read, and a peer answers in order), then
// the tree is read. Every change after the watch yields an event, and every event (created, changed,
// deleted) re-reads its node (data and children in one multiRead). Reads are pipelined but applied
// strictly in the order they were issued (ordered-reads.ts), so each node's state only moves forward:
// a read shows the node (added; updated when its mzxid moved; removed + added when its czxid changed,
// i.e. deleted and created again) or answers NONODE (it and its subtree are removed); a children
// list drops cached children no longer there and loads the new ones. Events carry no data, so changes
// that follow each other faster than a read may be seen as one (as in ZooKeeper and Curator), and a
// subtree deleted and created again under in-flight reads may show a node removed and added again on
// its way; the view converges to the tree.
//
// After a reconnect every cached node is read again, since a persistent watch re-registered on
// reconnect replays no missed events. An expired session never comes back: the view stays as last
// seen, and onError says so. maxDepth bounds the mirrored levels (0: the root only, watched with a
// non-recursive persistent watch; events deeper than maxDepth are ignored). close() ends the stream,
// and the client takes the watch off the peer unless another local watcher holds the same path.

import { Code, KeeperError } from '../core/errors.ts';
import type { ReadOpResult } from '../core/requests/reply.ts';
import type { ReadOp } from '../core/requests/request.ts';
import { isWithin, joinPath, parentOf, validatePath } from '../core/tree/path.ts';
import type { Stat } from '../core/tree/stat.ts';
import { AddWatchMode, EventType, type WatchedEvent } from '../core/watches/events.ts';
import type { Client } from '../client/client.ts';
import { OrderedReads, type Settled } from './ordered-reads.ts';
import { whenConnected } from './retry.ts';
import { isOutcomeUnknown, isSessionGone, onStateChange, stateOf } from './session-wait.ts';

export interface CachedNode {
  readonly path: string;
  readonly data: Uint8Array;
  readonly stat: Stat;
}

export type TreeCacheEvent =
  | { readonly type: 'added'; readonly node: CachedNode }
  | { readonly type: 'updated'; readonly node: CachedNode; readonly previous: CachedNode }
  | { readonly type: 'removed'; readonly node: CachedNode };

export type TreeCacheListener = (event: TreeCacheEvent) => void;

export interface TreeCacheOptions {
  /** Levels mirrored below the root: 0 is the root alone, 1 adds its children. Default: all. */
  readonly maxDepth?: number;
  /** Errors the cache cannot act on (NOAUTH on a node, a session that expired). Default: dropped. */
  readonly onError?: (error: unknown) => void;
}

type Phase = 'new' | 'starting' | 'started' | 'closed';

export class TreeCache {
  private readonly nodes = new Map<string, CachedNode>();
  private readonly kids = new Map<string, Set<string>>();
  private readonly listeners = new Set<TreeCacheListener>();
  private readonly reads: OrderedReads;
  private readonly maxDepth: number;
  private readonly onError: (error: unknown) => void;
  /** Paths whose load was asked for by a parent's children list and is not applied yet. */
  private readonly discovering = new Set<string>();
  private phase: Phase = 'new';
  /** Bumped by each full re-read; a lost read from an older generation is covered by the newer one. */
  private generation = 0;
  private incomplete = false;
  private stopState: (() => void) | undefined;
  private stopWatch: (() => void) | undefined;
  private watchError: unknown;

  constructor(
    private readonly client: Client,
    readonly root: string,
    options: TreeCacheOptions = {},
  ) {
    validatePath(root);
    const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
    if (!(maxDepth === Number.POSITIVE_INFINITY || (Number.isInteger(maxDepth) && maxDepth >= 0))) {
      throw new KeeperError(Code.BADARGUMENTS, `maxDepth must be a non-negative integer: ${maxDepth}`, root);
    }
    this.maxDepth = maxDepth;
    this.onError = options.onError ?? (() => undefined);
    this.reads = new OrderedReads(this.onError);
  }

  /** Places the watch and loads the subtree; resolves once the initial view is complete. */
  async start(): Promise<void> {
    if (this.phase !== 'new') throw new KeeperError(Code.APIERROR, `the cache was already ${this.phase}`, this.root);
    this.phase = 'starting';
    this.stopState = onStateChange(this.client, (state, previous) => this.onState(state, previous));
    // The addWatch leaves before the first read, and the peer answers in order: the watch is in
    // place before anything is read.
    this.follow();
    this.load(this.root);
    for (;;) {
      await this.reads.idle();
      if (this.watchError !== undefined) {
        this.close();
        throw this.watchError;
      }
      if (this.isClosed() || !this.incomplete) break;
      await whenConnected(this.client);
      if (this.incomplete) this.resync();
    }
    if (!this.isClosed()) this.phase = 'started';
  }

  /** A method, not a narrowed field read: close() may run during any await. */
  private isClosed(): boolean {
    return this.phase === 'closed';
  }

  /** Stops following the tree; the view stays as it was, and no more events are emitted. */
  close(): void {
    this.phase = 'closed';
    this.stopState?.();
    // Ends the watch stream; the client takes the watch off the peer unless another local watcher
    // of this session still holds the same path (the peer keeps one per path and mode).
    this.stopWatch?.();
    this.listeners.clear();
  }

  /** Events for every change to the view, the initial load included, in the order applied. */
  on(listener: TreeCacheListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(path: string): CachedNode | undefined {
    return this.nodes.get(path);
  }

  /** The cached children's names of `path`, sorted (empty when `path` is not cached). */
  childrenOf(path: string): string[] {
    return [...(this.kids.get(path) ?? [])].sort();
  }

  /** Every cached node, sorted by path. */
  all(): CachedNode[] {
    return [...this.nodes.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Resolves once every read issued so far has been applied to the view. */
  settled(): Promise<void> {
    return this.reads.idle();
  }

  /** Sets the persistent watch (an event stream) and feeds its events to onEvent. */
  private follow(): void {
    const mode = this.maxDepth === 0 ? AddWatchMode.PERSISTENT : AddWatchMode.PERSISTENT_RECURSIVE;
    const stop = new AbortController();
    this.stopWatch = () => stop.abort();
    void this.consume(this.client.watch(this.root, mode, { signal: stop.signal }));
  }

  private async consume(events: AsyncIterable<WatchedEvent>): Promise<void> {
    try {
      for await (const event of events) this.onEvent(event);
    } catch (e) {
      if (isSessionGone(e) || this.isClosed()) return; // onState reports an expiry
      if (!isOutcomeUnknown(e)) {
        this.watchError ??= e; // start() rejects with it; a started cache reports it
        return this.onError(e);
      }
      // The addWatch was lost with its link: set it again once connected, and read everything again.
      await whenConnected(this.client).catch(() => undefined);
    }
    // The stream ended: we closed it, the client closed, or someone removed the session's watch.
    if (this.isClosed() || stateOf(this.client) !== 'connected') return;
    this.follow();
    this.resync();
  }

  private onEvent(event: WatchedEvent): void {
    if (this.phase === 'closed') return;
    if (event.type !== EventType.NodeCreated && event.type !== EventType.NodeDataChanged && event.type !== EventType.NodeDeleted) return;
    if (isWithin(event.path, this.root) && this.depthOf(event.path) <= this.maxDepth) this.load(event.path);
  }

  private onState(state: string, previous: string): void {
    if (this.phase === 'closed') return;
    if (state === 'closed') return this.close();
    if (state === 'expired') return this.onError(new KeeperError(Code.SESSIONEXPIRED, 'the cache stopped following', this.root));
    // A reconnected session has its watches back (setWatches), but not the events it missed.
    if (state === 'connected' && previous !== 'connecting') this.resync();
  }

  /** Reads every cached node again (and the root, which finds what is new). */
  private resync(): void {
    if (this.phase === 'closed') return;
    this.generation++;
    this.incomplete = false;
    this.discovering.clear();
    this.load(this.root);
    for (const path of this.nodes.keys()) if (path !== this.root) this.load(path);
  }

  private load(path: string): void {
    const ops: ReadOp[] = [{ type: 'getData', path, watch: false }];
    if (this.depthOf(path) < this.maxDepth) ops.push({ type: 'getChildren', path, watch: false, withStat: false });
    const generation = this.generation;
    this.reads.push(this.client.multiRead(ops), (outcome) => this.applyLoad(path, generation, outcome));
  }

  private applyLoad(path: string, generation: number, outcome: Settled<ReadOpResult[]>): void {
    this.discovering.delete(path);
    if (this.phase === 'closed') return;
    if (!outcome.ok) return this.lost(generation, outcome.error);
    const [data, children] = outcome.value;
    if (data?.type === 'error' && data.code === Code.NONODE) return this.removeSubtree(path);
    if (data?.type !== 'getData') return this.onError(errorOf(data, path));
    // An orphan (its parent not in view yet): the parent's own load lists it and loads it again.
    if (path !== this.root && !this.nodes.has(parentOf(path))) return;
    this.upsert({ path, data: data.data, stat: data.stat });
    if (children === undefined) return;
    if (children.type !== 'getChildren') return this.onError(errorOf(children, path));
    const names = new Set(children.children);
    for (const name of [...(this.kids.get(path) ?? [])]) {
      if (!names.has(name)) this.removeSubtree(joinPath(path, name));
    }
    for (const name of names) {
      const child = joinPath(path, name);
      if (this.nodes.has(child) || this.discovering.has(child)) continue;
      this.discovering.add(child);
      this.load(child);
    }
  }

  /** A read whose outcome is unknown: a full re-read covers it, now or once reconnected. */
  private lost(generation: number, error: unknown): void {
    if (!isOutcomeUnknown(error)) return this.onError(error);
    if (generation < this.generation) return;
    this.incomplete = true;
    if (stateOf(this.client) === 'connected') this.resync();
  }

  private upsert(node: CachedNode): void {
    const old = this.nodes.get(node.path);
    if (old !== undefined) {
      // Reads are applied in order, so an older state cannot arrive; the check costs nothing.
      if (node.stat.czxid < old.stat.czxid) return;
      if (node.stat.czxid === old.stat.czxid) {
        if (node.stat.mzxid < old.stat.mzxid) return;
        this.nodes.set(node.path, node);
        if (node.stat.mzxid !== old.stat.mzxid) this.emit({ type: 'updated', node, previous: old });
        return;
      }
      this.removeSubtree(node.path); // deleted and created again since we last looked
    }
    this.nodes.set(node.path, node);
    if (node.path !== this.root) this.kidsOf(parentOf(node.path)).add(lastSegment(node.path));
    this.emit({ type: 'added', node });
  }

  /** Removes `path` and everything cached beneath it, deepest first. */
  private removeSubtree(path: string): void {
    const node = this.nodes.get(path);
    if (node === undefined) return;
    for (const name of [...(this.kids.get(path) ?? [])]) this.removeSubtree(joinPath(path, name));
    this.kids.delete(path);
    this.nodes.delete(path);
    if (path !== this.root) this.kids.get(parentOf(path))?.delete(lastSegment(path));
    this.emit({ type: 'removed', node });
  }

  private kidsOf(path: string): Set<string> {
    let set = this.kids.get(path);
    if (set === undefined) {
      set = new Set();
      this.kids.set(path, set);
    }
    return set;
  }

  private depthOf(path: string): number {
    if (path === this.root) return 0;
    const below = this.root === '/' ? path : path.slice(this.root.length);
    let depth = 0;
    for (let i = 0; i < below.length; i++) if (below.charCodeAt(i) === 0x2f) depth++;
    return depth;
  }

  private emit(event: TreeCacheEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (e) {
        this.onError(e);
      }
    }
  }
}

const lastSegment = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

function errorOf(reply: ReadOpResult | undefined, path: string): KeeperError {
  if (reply?.type === 'error') return new KeeperError(reply.code, 'cache read', path);
  return new KeeperError(Code.MARSHALLINGERROR, `cache read answered with ${reply?.type ?? 'nothing'}`, path);
}
