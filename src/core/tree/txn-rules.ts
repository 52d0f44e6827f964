// When a txn op can apply to the tree, and which ZooKeeper error code answers it when it cannot.
// Prep checked all of this on the leader already, so on a healthy replica every op passes; the
// rules matter for a replayed or buggy txn, which must then change nothing, identically everywhere.
// The rules are pure functions of the facts about the nodes involved: single ops look those up in
// the tree, a multi's dry run in a PendingLookup (the tree as the multi's earlier ops would leave
// it), so that a multi that would fail halfway is refused before it changes anything.

import { Code, type ErrorCode } from '../errors.ts';
import { assert } from '../util/assert.ts';
import { limits } from '../util/limits.ts';
import { type CreateMode, isContainerMode, isEphemeralMode, isTtlMode } from './create-mode.ts';
import { parentOf, pathProblem } from './path.ts';

/** What the rules need to know about an existing node. */
export interface NodeFacts {
  readonly mode: CreateMode;
  readonly childCount: number;
}

export interface NodeLookup {
  /** undefined when there is no node at `path`. */
  find(path: string): NodeFacts | undefined;
}

/** DataTree.createNode's checks (NONODE, NODEEXISTS), plus prep's path, TTL and ephemeral-parent
 * checks, which keep the tree's own invariants (and so its snapshots restorable). */
export function createProblem(
  path: string,
  mode: CreateMode,
  ttl: number,
  parent: NodeFacts | undefined,
  existing: NodeFacts | undefined,
): ErrorCode | undefined {
  if (path === '/') return Code.NODEEXISTS;
  if (pathProblem(path) !== undefined) return Code.BADARGUMENTS;
  // EphemeralType.TTL's range, as prep's validateTTL checks it.
  if (isTtlMode(mode) && !(Number.isSafeInteger(ttl) && ttl > 0 && ttl <= limits.ttl_ms_max)) return Code.BADARGUMENTS;
  if (parent === undefined) return Code.NONODE;
  if (existing !== undefined) return Code.NODEEXISTS;
  if (isEphemeralMode(parent.mode)) return Code.NOCHILDRENFOREPHEMERALS;
  return undefined;
}

export function deleteProblem(path: string, node: NodeFacts | undefined): ErrorCode | undefined {
  if (path === '/') return Code.BADARGUMENTS;
  if (node === undefined) return Code.NONODE;
  if (node.childCount > 0) return Code.NOTEMPTY;
  return undefined;
}

/** The container/TTL sweep may race a delete and re-create of the path: like prep's deleteContainer,
 * a node that is no longer a container or TTL node answers BADVERSION and stays. */
export function deleteContainerProblem(path: string, node: NodeFacts | undefined): ErrorCode | undefined {
  const problem = deleteProblem(path, node);
  if (problem !== undefined || node === undefined) return problem;
  return isContainerMode(node.mode) || isTtlMode(node.mode) ? undefined : Code.BADVERSION;
}

/** setData, setACL and check need only the node. */
export function presenceProblem(node: NodeFacts | undefined): ErrorCode | undefined {
  return node === undefined ? Code.NONODE : undefined;
}

interface PendingNode {
  readonly mode: CreateMode;
  childCount: number;
}

/** The tree as it would be after the ops noted so far, without changing the tree. */
export class PendingLookup implements NodeLookup {
  /** null: deleted by an earlier op. */
  private readonly pending = new Map<string, PendingNode | null>();
  private readonly base: NodeLookup;

  constructor(base: NodeLookup) {
    this.base = base;
  }

  find(path: string): NodeFacts | undefined {
    const node = this.pending.get(path);
    return node === undefined ? this.base.find(path) : (node ?? undefined);
  }

  noteCreate(path: string, mode: CreateMode): void {
    this.pending.set(path, { mode, childCount: 0 });
    this.copy(parentOf(path)).childCount++;
  }

  noteDelete(path: string): void {
    this.pending.set(path, null);
    this.copy(parentOf(path)).childCount--;
  }

  /** The pending copy of a node that exists (the rules passed). */
  private copy(path: string): PendingNode {
    const known = this.pending.get(path);
    if (known !== undefined) {
      if (known === null) assert(false, `pending change under a deleted node: ${path}`);
      return known;
    }
    const base = this.base.find(path);
    if (base === undefined) assert(false, `pending change under a missing node: ${path}`);
    const node = { mode: base.mode, childCount: base.childCount };
    this.pending.set(path, node);
    return node;
  }
}
