// Membership (Curator's GroupMember, ZooKeeper's "group membership"): who is alive in a group, with
// change events. A member is an ephemeral child `<group>/<member id>` holding an optional JSON
// payload, so a member whose session ends leaves every view by itself. Every instance observes
// the group through a TreeCache of depth 1 (tree-cache.ts: views converge on every observer, none
// lost between load and watch); joining is optional (an observer only watches).
//
// Connection loss: the member's node has a deterministic name, so a join whose reply was lost is
// retried and finds its own node (NODEEXISTS from our own session is success; from another session
// it is a clear NODEEXISTS error: the id is taken). With `rejoin`, a member whose node goes while
// it has not left creates it again: at once while its session lives (someone deleted it), and after
// the session expired (an expired session never comes back) on a new client that `rejoin` gives,
// which the membership then observes through too. The view is kept here and reconciled with each
// new cache, so observers see a left + joined for our own node, and nothing for the others.

import { Code, KeeperError } from '../core/errors.ts';
import { joinPath, validatePath } from '../core/tree/path.ts';
import type { Stat } from '../core/tree/stat.ts';
import type { Client } from '../client/client.ts';
import { createOwnedEphemeral, deleteIfPresent, setOwnData } from './owned-ephemeral.ts';
import { sessionEnded } from './retry.ts';
import { onStateChange, stateOf } from './session-wait.ts';
import { TreeCache, type CachedNode } from './tree-cache.ts';

export interface Member {
  readonly id: string;
  /** The JSON payload the member joined with (undefined when it gave none or it is not JSON). */
  readonly payload: unknown;
  readonly stat: Stat;
}

export interface MembershipEvent {
  readonly type: 'joined' | 'left' | 'updated';
  readonly member: Member;
  /** The whole view after this change, sorted by id. */
  readonly members: readonly Member[];
}

export type MembershipListener = (event: MembershipEvent) => void;

export interface MembershipOptions {
  /**
   * Join again when our node goes while we are a member. true: while the session lives (our node
   * was deleted). A function: also after the session expired, on the new client it resolves to.
   * Default false.
   */
  readonly rejoin?: boolean | (() => Promise<Client>);
  /** Errors with nowhere else to go (a failed rejoin, an expired session). Default: dropped. */
  readonly onError?: (error: unknown) => void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Membership {
  private cache: TreeCache;
  private readonly view = new Map<string, Member>();
  private readonly listeners = new Set<MembershipListener>();
  private readonly onError: (error: unknown) => void;
  private started: Promise<void> | undefined;
  private self: { readonly id: string; data: Uint8Array } | undefined;
  private closed = false;
  private stopState: (() => void) | undefined;
  private rejoining = false;

  constructor(
    private client: Client,
    readonly path: string,
    private readonly options: MembershipOptions = {},
  ) {
    validatePath(path);
    this.onError = options.onError ?? (() => undefined);
    this.cache = this.observe(client);
  }

  /** The client the membership works through (a new one after a rejoin that followed expiry). */
  get currentClient(): Client {
    return this.client;
  }

  /** Starts observing the group (join() does this too); resolves once the view is loaded. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new KeeperError(Code.APIERROR, 'the membership is closed', this.path));
    this.started ??= this.begin();
    return this.started;
  }

  /** Joins as `id` with an optional JSON payload; resolves once our node exists and is in our own view. */
  async join(id: string, payload?: unknown): Promise<void> {
    checkId(this.path, id);
    if (this.self !== undefined && this.self.id !== id) {
      throw new KeeperError(Code.APIERROR, `already a member as "${this.self.id}"`, this.path);
    }
    const data = encodePayload(payload);
    await this.start();
    this.self = { id, data };
    try {
      await createOwnedEphemeral(this.client, joinPath(this.path, id), data);
    } catch (e) {
      if (this.self?.id === id) this.self = undefined; // not a member: nothing to rejoin or leave
      throw e;
    }
    await this.cache.settled();
  }

  /** Replaces our payload (we must have joined). */
  async update(payload: unknown): Promise<void> {
    const self = this.self;
    if (self === undefined) throw new KeeperError(Code.APIERROR, 'not a member', this.path);
    self.data = encodePayload(payload);
    await setOwnData(this.client, joinPath(this.path, self.id), self.data);
  }

  /** Leaves the group (our node is deleted); observing goes on until close(). */
  async leave(): Promise<void> {
    const self = this.self;
    this.self = undefined;
    if (self === undefined || sessionEnded(this.client)) return; // an ended session took the node along
    await deleteIfPresent(this.client, joinPath(this.path, self.id));
  }

  /** Leaves (if a member) and stops observing. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.leave();
    } finally {
      this.closed = true;
      this.stopState?.();
      this.cache.close();
      this.listeners.clear();
    }
  }

  /** The current view, sorted by id. */
  members(): Member[] {
    return [...this.view.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** True while our own node is in the view. */
  get isMember(): boolean {
    const self = this.self;
    return self !== undefined && this.cache.get(joinPath(this.path, self.id))?.stat.ephemeralOwner === this.client.session;
  }

  on(listener: MembershipListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async begin(): Promise<void> {
    this.stopState = this.follow(this.client);
    await this.cache.start();
  }

  /** A depth-1 cache of the group on `client`, feeding the view. */
  private observe(client: Client): TreeCache {
    const cache = new TreeCache(client, this.path, { maxDepth: 1, onError: this.onError });
    cache.on((event) => {
      if (event.node.path === this.path || cache !== this.cache) return;
      const member = toMember(event.node);
      if (event.type === 'removed') this.drop(member.id);
      else this.put(member);
    });
    return cache;
  }

  private follow(client: Client): () => void {
    return onStateChange(client, (state) => {
      if (state === 'expired') void this.renew().catch((e: unknown) => this.onError(e));
      if (state === 'closed') void this.close();
    });
  }

  private put(member: Member): void {
    const before = this.view.get(member.id);
    if (before !== undefined && before.stat.czxid === member.stat.czxid) {
      this.view.set(member.id, member);
      if (before.stat.mzxid !== member.stat.mzxid) this.emit({ type: 'updated', member, members: this.members() });
      return;
    }
    if (before !== undefined) this.drop(member.id); // a node of the same id, created anew
    this.view.set(member.id, member);
    this.emit({ type: 'joined', member, members: this.members() });
  }

  private drop(id: string, known = this.view.get(id)): void {
    if (known === undefined) return;
    this.view.delete(id);
    this.emit({ type: 'left', member: known, members: this.members() });
    if (id === this.self?.id) this.ownNodeGone();
  }

  /** Our node went while we are still a member: create it again, if asked to. */
  private ownNodeGone(): void {
    const self = this.self;
    if (self === undefined || this.closed || this.options.rejoin === undefined || this.options.rejoin === false || this.rejoining) return;
    if (stateOf(this.client) !== 'connected') return; // an expiry is renew()'s to handle
    this.rejoining = true;
    void createOwnedEphemeral(this.client, joinPath(this.path, self.id), self.data)
      .catch((e: unknown) => this.onError(e))
      .finally(() => {
        this.rejoining = false;
      });
  }

  /** The session expired: with a rejoin factory, observe (and join again) through a new client. */
  private async renew(): Promise<void> {
    const factory = this.options.rejoin;
    if (this.closed || typeof factory !== 'function') return;
    const client = await factory();
    if (this.closed) return;
    this.stopState?.();
    this.cache.close();
    this.client = client;
    this.cache = this.observe(client);
    this.stopState = this.follow(client);
    await this.cache.start();
    // Whoever left while we were away (our own old node included) leaves the view now.
    for (const id of [...this.view.keys()]) {
      if (this.cache.get(joinPath(this.path, id)) === undefined) this.drop(id);
    }
    const self = this.self;
    if (self !== undefined && !this.closed) await createOwnedEphemeral(client, joinPath(this.path, self.id), self.data);
  }

  private emit(event: MembershipEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (e) {
        this.onError(e);
      }
    }
  }
}

function checkId(group: string, id: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.includes('/') || id === '.' || id === '..') {
    throw new KeeperError(Code.BADARGUMENTS, `invalid member id ${JSON.stringify(id)}`, group);
  }
  validatePath(joinPath(group, id));
}

function encodePayload(payload: unknown): Uint8Array {
  if (payload === undefined) return new Uint8Array(0);
  const json = JSON.stringify(payload);
  if (json === undefined) throw new KeeperError(Code.BADARGUMENTS, 'the payload is not JSON-serializable');
  return encoder.encode(json);
}

function toMember(node: CachedNode): Member {
  const id = node.path.slice(node.path.lastIndexOf('/') + 1);
  let payload: unknown;
  if (node.data.length > 0) {
    try {
      payload = JSON.parse(decoder.decode(node.data));
    } catch {
      payload = undefined; // not ours to judge: another writer's format
    }
  }
  return { id, payload, stat: node.stat };
}
