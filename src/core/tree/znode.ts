// One znode as the tree holds it: its path (also its key in the tree's Map), its create mode, its
// row in the NodeTable and its children. Everything else lives in the NodeTable row, so that a
// million znodes cost a million small objects of four fields, with no closures and no arrays.

import type { CreateMode } from './create-mode.ts';
import type { NodeFacts } from './txn-rules.ts';

export class Znode implements NodeFacts {
  readonly path: string;
  readonly mode: CreateMode;
  /** Row in the NodeTable; -1 once the node has been removed from the tree. */
  slot: number;
  /** Children in insertion order; undefined while there are none (most nodes are leaves). */
  children: Set<Znode> | undefined;

  constructor(path: string, mode: CreateMode, slot: number) {
    this.path = path;
    this.mode = mode;
    this.slot = slot;
    this.children = undefined;
  }

  get childCount(): number {
    return this.children === undefined ? 0 : this.children.size;
  }
}

/** A child's name from its path, given its parent's path. */
export function childName(parentPath: string, child: Znode): string {
  return child.path.slice(parentPath === '/' ? 1 : parentPath.length + 1);
}
