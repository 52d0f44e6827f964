// The read-only face of one znode that DataTree.get returns. It reads the live node: valid until an
// apply removes that node (then any read is a bug and asserts). Data comes back as a view into the
// tree's data arena, without a copy: callers must not write to it (the bytes never change under
// them, even after later writes to the node).

import type { Acl } from '../acl/types.ts';
import { assert } from '../util/assert.ts';
import { type CreateMode, isEphemeralMode, isTtlMode } from './create-mode.ts';
import type { ZnodeView } from './data-tree.ts';
import { ACL_ID, CVERSION, DATA_LENGTH, OWNER } from './node-table.ts';
import type { Stat } from './stat.ts';
import type { TreeState } from './tree-state.ts';
import { childName, type Znode } from './znode.ts';

export class NodeView implements ZnodeView {
  private readonly state: TreeState;
  private readonly node: Znode;

  constructor(state: TreeState, node: Znode) {
    this.state = state;
    this.node = node;
  }

  get path(): string {
    return this.node.path;
  }

  get data(): Uint8Array {
    return this.state.table.data(this.slot());
  }

  get dataLength(): number {
    return this.state.table.getU32(this.slot(), DATA_LENGTH);
  }

  get acl(): readonly Acl[] {
    return this.state.acls.list(this.state.table.getU32(this.slot(), ACL_ID));
  }

  get mode(): CreateMode {
    return this.node.mode;
  }

  get ttl(): number {
    return isTtlMode(this.node.mode) ? this.state.table.getF64(this.slot(), OWNER) : 0;
  }

  get childCount(): number {
    return this.node.childCount;
  }

  get persistedCversion(): number {
    return this.state.table.getI32(this.slot(), CVERSION);
  }

  stat(): Stat {
    return this.state.table.stat(this.slot(), this.node.childCount, isEphemeralMode(this.node.mode));
  }

  children(): string[] {
    this.slot();
    const children = this.node.children;
    if (children === undefined) return [];
    const names = new Array<string>(children.size);
    let i = 0;
    for (const child of children) names[i++] = childName(this.node.path, child);
    return names;
  }

  private slot(): number {
    const slot = this.node.slot;
    if (slot < 0) assert(false, `view of a removed znode: ${this.node.path}`);
    return slot;
  }
}
