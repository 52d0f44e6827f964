// ZooKeeper's outstanding ChangeRecords. The leader preps request N+1 before txn N is applied, so
// prep must see the tree as it will be once every proposed txn is applied: PendingChanges is that
// view (the committed DataTree, overlaid with the effects of recorded txns). `record` adds a proposed
// txn's effects, `retire` drops them once the tree has applied the txn, `clear` forgets them all
// (leadership lost). A ScratchLayer is a throwaway layer on top for a multi: each op sees the
// earlier ops' effects, and the layer is simply dropped when an op fails.
// Effects are derived from txn bodies in one place (applyBody), for records and scratch alike.

import type { Acl } from '../acl/types.ts';
import { assert } from '../util/assert.ts';
import type { CreateMode } from '../tree/create-mode.ts';
import { isEphemeralMode } from '../tree/create-mode.ts';
import { parentOf } from '../tree/path.ts';
import type { SessionId } from '../util/ids.ts';
import { NO_SESSION } from '../util/ids.ts';
import type { Zxid } from '../zxid.ts';
import type { NodeReader, TreeReader } from './ports.ts';
import type { TxnBody } from './txn.ts';

/** A znode as it will be once every recorded txn is applied: what prep's checks need. */
export interface ProjectedNode {
  readonly path: string;
  readonly acl: readonly Acl[];
  readonly mode: CreateMode;
  readonly ttl: number;
  /** The owning session of an ephemeral, else NO_SESSION. */
  readonly ephemeralOwner: SessionId;
  readonly version: number;
  /** ZooKeeper's persisted cversion: children ever created here. It gives the next sequential
   * suffix; a client's Stat reports creates + deletes instead. */
  readonly cversion: number;
  readonly aversion: number;
  readonly childCount: number;
}

/** A read-only projected tree: PendingChanges and ScratchLayer both are one. */
export interface NodeView {
  get(path: string): ProjectedNode | undefined;
  /** Paths of the ephemerals `session` will own. */
  ephemeralsOf(session: SessionId): string[];
}

/** null marks a node deleted by a pending txn. */
type Changes = Map<string, ProjectedNode | null>;

export class ScratchLayer implements NodeView {
  readonly changes: Changes = new Map();

  constructor(private readonly base: NodeView) {}

  get(path: string): ProjectedNode | undefined {
    const change = this.changes.get(path);
    return change === undefined ? this.base.get(path) : (change ?? undefined);
  }

  ephemeralsOf(session: SessionId): string[] {
    return projectEphemerals(this.base.ephemeralsOf(session), this.changes, session);
  }

  /** Adds a txn's effects to this layer. */
  apply(body: TxnBody, session: SessionId): void {
    applyBody(this, this.changes, body, session);
  }
}

interface LatestChange {
  readonly zxid: Zxid;
  readonly node: ProjectedNode | null;
}

export class PendingChanges implements NodeView {
  /** Recorded txns in zxid order, with the paths each touched. */
  private readonly records: { zxid: Zxid; paths: string[] }[] = [];
  /** ZooKeeper's outstandingChangesForPath: the newest pending state of each touched path. */
  private readonly latest = new Map<string, LatestChange>();

  constructor(private readonly tree: TreeReader) {}

  get(path: string): ProjectedNode | undefined {
    const change = this.latest.get(path);
    if (change !== undefined) return change.node ?? undefined;
    const node = this.tree.get(path);
    return node === undefined ? undefined : fromTree(path, node);
  }

  ephemeralsOf(session: SessionId): string[] {
    const changes: Changes = new Map();
    for (const [path, change] of this.latest) changes.set(path, change.node);
    return projectEphemerals(this.tree.ephemeralsOf(session), changes, session);
  }

  /** True when some recorded, unapplied txn changes `path`. */
  isPending(path: string): boolean {
    return this.latest.has(path);
  }

  /** Recorded txns not yet retired. */
  get size(): number {
    return this.records.length;
  }

  /** A throwaway layer over this view (a multi's ops, a sweep's batch). */
  scratch(): ScratchLayer {
    return new ScratchLayer(this);
  }

  /** Adds the effects of a txn proposed at `zxid` by `session` (prepped against this view). */
  record(zxid: Zxid, body: TxnBody, session: SessionId): void {
    const last = this.records[this.records.length - 1];
    if (last !== undefined && zxid <= last.zxid) assert(false, `pending change recorded out of zxid order: ${zxid}`);
    const layer = this.scratch();
    layer.apply(body, session);
    const paths = [...layer.changes.keys()];
    for (const [path, node] of layer.changes) this.latest.set(path, { zxid, node });
    this.records.push({ zxid, paths });
  }

  /** Drops the effects of every txn up to `applied`: the tree now shows them itself. */
  retire(applied: Zxid): void {
    while (this.records.length > 0 && this.records[0]!.zxid <= applied) {
      const record = this.records.shift()!;
      for (const path of record.paths) {
        // A later txn's change to the same path stays until that txn is applied too.
        const change = this.latest.get(path);
        if (change !== undefined && change.zxid <= applied) this.latest.delete(path);
      }
    }
  }

  /** Forgets every pending change (leadership lost, or a new epoch began). */
  clear(): void {
    this.records.length = 0;
    this.latest.clear();
  }
}

function fromTree(path: string, node: NodeReader): ProjectedNode {
  const stat = node.stat();
  return {
    path,
    acl: node.acl,
    mode: node.mode,
    ttl: node.ttl,
    ephemeralOwner: isEphemeralMode(node.mode) ? stat.ephemeralOwner : NO_SESSION,
    version: stat.version,
    cversion: node.persistedCversion,
    aversion: stat.aversion,
    childCount: node.childCount,
  };
}

function projectEphemerals(base: readonly string[], changes: Changes, session: SessionId): string[] {
  const result = base.filter((path) => !changes.has(path));
  for (const [path, node] of changes) {
    if (node !== null && isEphemeralMode(node.mode) && node.ephemeralOwner === session) result.push(path);
  }
  return result;
}

/** The effects of one txn body, written into `changes` (read through `view`, which sees them). */
function applyBody(view: NodeView, changes: Changes, body: TxnBody, session: SessionId): void {
  switch (body.type) {
    case 'create': {
      const parentPath = parentOf(body.path);
      const parent = view.get(parentPath);
      assert(parent !== undefined, `pending create without a parent: ${body.path}`);
      changes.set(parentPath, { ...parent, cversion: body.parentCversion, childCount: parent.childCount + 1 });
      changes.set(body.path, {
        path: body.path,
        acl: body.acl,
        mode: body.mode,
        ttl: body.ttl,
        ephemeralOwner: isEphemeralMode(body.mode) ? session : NO_SESSION,
        version: 0,
        cversion: 0,
        aversion: 0,
        childCount: 0,
      });
      return;
    }
    case 'delete':
    case 'deleteContainer':
      removeNode(view, changes, body.path);
      return;
    case 'setData':
      changes.set(body.path, { ...existing(view, body.path), version: body.version });
      return;
    case 'setACL':
      changes.set(body.path, { ...existing(view, body.path), acl: body.acl, aversion: body.version });
      return;
    case 'multi':
      // A failed multi is all ErrorTxns and changes nothing.
      if (body.txns.some((txn) => txn.type === 'error')) return;
      for (const txn of body.txns) applyBody(view, changes, txn, session);
      return;
    case 'closeSession':
      for (const path of view.ephemeralsOf(session)) removeNode(view, changes, path);
      return;
    case 'check':
    case 'error':
    case 'createSession':
      return;
  }
}

function existing(view: NodeView, path: string): ProjectedNode {
  const node = view.get(path);
  if (node === undefined) assert(false, `pending change to a missing node: ${path}`);
  return node;
}

function removeNode(view: NodeView, changes: Changes, path: string): void {
  existing(view, path);
  const parentPath = parentOf(path);
  const parent = existing(view, parentPath);
  changes.set(parentPath, { ...parent, childCount: parent.childCount - 1 });
  changes.set(path, null);
}
