// The DataTree: ZooKeeper 3.9's replicated data model. Txns (already validated and resolved by prep
// on the leader) are applied one at a time in zxid order on every replica; the same txns give the
// same tree, the same replies, the same events and the same digest everywhere. Reads go through
// get(), which returns a view of the live node.
//
// cversion: like ZooKeeper, the tree persists the number of child creates (persistedCversion) and
// reports creates + deletes in Stat (2 * creates - numChildren, so '/' starts at -1). Prep derives
// a sequential suffix and a CreateTxn's parentCversion from persistedCversion (+1), not from
// stat().cversion, exactly as ZooKeeper's PrepRequestProcessor reads StatPersisted.

import type { Acl } from '../acl/types.ts';
import type { Txn } from '../requests/txn.ts';
import type { SessionId } from '../util/ids.ts';
import type { Zxid } from '../zxid.ts';
import { applyTxn, type ApplyResult } from './apply-txn.ts';
import type { CreateMode } from './create-mode.ts';
import { CVERSION, MTIME, OWNER } from './node-table.ts';
import { NodeView } from './node-view.ts';
import type { Stat } from './stat.ts';
import { systemTreeState } from './system-nodes.ts';
import type { TreeState } from './tree-state.ts';
import type { Znode } from './znode.ts';

export type { ApplyResult } from './apply-txn.ts';

/** A read-only view of one node. */
export interface ZnodeView {
  readonly path: string;
  /** The data, without a copy: never write to it. */
  readonly data: Uint8Array;
  readonly dataLength: number;
  readonly acl: readonly Acl[];
  readonly mode: CreateMode;
  /** ms; 0 unless a *_WITH_TTL mode. */
  readonly ttl: number;
  readonly childCount: number;
  /** ZooKeeper's StatPersisted.cversion: children ever created here. It is the next sequential
   * suffix, and a create's parentCversion is this + 1. */
  readonly persistedCversion: number;
  /** A fresh Stat. */
  stat(): Stat;
  /** Child names in insertion order. */
  children(): string[];
}

export class DataTree {
  /** @internal The mutable state; only snapshot.ts reaches in. */
  readonly internalState: TreeState;

  /** A tree with ZooKeeper's initial nodes, or (@internal, for snapshot restore) a given state. */
  constructor(state: TreeState = systemTreeState()) {
    this.internalState = state;
  }

  get(path: string): ZnodeView | undefined {
    const node = this.internalState.nodes.get(path);
    return node === undefined ? undefined : new NodeView(this.internalState, node);
  }

  /** Applies the next txn; never throws for a txn that cannot apply (see apply-txn.ts). */
  apply(txn: Txn): ApplyResult {
    return applyTxn(this.internalState, txn);
  }

  get lastZxid(): Zxid {
    return this.internalState.lastZxid;
  }

  get nodeCount(): number {
    return this.internalState.nodes.size;
  }

  /** Sum of the data lengths of all nodes. */
  get dataBytes(): number {
    return this.internalState.table.arena.liveBytes;
  }

  /** The running digest: O(1), changed by every change to any node. */
  digest(): number {
    return this.internalState.digest;
  }

  /** The digest recomputed from scratch, O(nodes): checkers compare it with digest(). */
  recomputeDigest(): number {
    return this.internalState.recomputeDigest();
  }

  ephemeralsOf(session: SessionId): string[] {
    return this.internalState.ephemeralsOf(session).map((node) => node.path);
  }

  sessionsWithEphemerals(): SessionId[] {
    return this.internalState.sessionsWithEphemerals();
  }

  /** ZooKeeper's getAllChildrenNumber: every node beneath `path` (0 for a missing path). */
  allChildrenNumber(path: string): number {
    if (path === '/') return this.nodeCount - 1;
    const start = this.internalState.nodes.get(path);
    if (start === undefined) return 0;
    let count = 0;
    const stack: Znode[] = [start];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (node.children === undefined) continue;
      count += node.children.size;
      for (const child of node.children) if (child.children !== undefined) stack.push(child);
    }
    return count;
  }

  /** Containers that have had a child and have none now (ContainerManager.getCandidates), sorted. */
  containerCandidates(): string[] {
    const table = this.internalState.table;
    const paths: string[] = [];
    for (const node of this.internalState.containerNodes()) {
      if (node.children === undefined && table.getI32(node.slot, CVERSION) > 0) paths.push(node.path);
    }
    return paths.sort();
  }

  /** Childless TTL nodes whose TTL has run out since their last change: now - mtime > ttl, sorted. */
  expiredTtlNodes(now: number): string[] {
    const table = this.internalState.table;
    const paths: string[] = [];
    for (const node of this.internalState.ttlNodes()) {
      const ttl = table.getF64(node.slot, OWNER);
      if (node.children === undefined && ttl !== 0 && now - table.getF64(node.slot, MTIME) > ttl) paths.push(node.path);
    }
    return paths.sort();
  }
}
