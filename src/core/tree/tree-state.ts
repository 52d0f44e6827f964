// The DataTree's mutable state and the only code that changes it: the path index, the node table,
// the ACL table, the ephemeral/container/TTL indexes and the running digest. Every primitive here
// keeps all of them consistent (a node's hash leaves the digest before a change and re-enters after
// it). Primitives assume their preconditions (checked by txn-rules.ts) and assert them.

import type { Acl } from '../acl/types.ts';
import { assert } from '../util/assert.ts';
import type { SessionId } from '../util/ids.ts';
import { ZXID_ZERO, type Zxid } from '../zxid.ts';
import { AclTable } from './acl-table.ts';
import { type CreateMode, isContainerMode, isEphemeralMode, isTtlMode } from './create-mode.ts';
import { digestAdd, digestSub, nodeHash, prefixCrc } from './node-hash.ts';
import {
  ACL_ID,
  AVERSION,
  CTIME,
  CVERSION,
  CZXID,
  HASH,
  MTIME,
  MZXID,
  NodeTable,
  OWNER,
  PREFIX_CRC,
  PZXID,
  VERSION,
} from './node-table.ts';
import { parentOf } from './path.ts';
import type { NodeLookup } from './txn-rules.ts';
import { Znode } from './znode.ts';

/** The persisted stat fields of one node, as a snapshot stores them. */
export interface PersistedStat {
  readonly czxid: number;
  readonly mzxid: number;
  readonly pzxid: number;
  readonly ctime: number;
  readonly mtime: number;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
}

export class TreeState implements NodeLookup {
  readonly nodes = new Map<string, Znode>();
  readonly table = new NodeTable();
  readonly acls = new AclTable();
  private readonly ephemerals = new Map<SessionId, Set<Znode>>();
  private readonly containers = new Set<Znode>();
  private readonly ttls = new Set<Znode>();
  digest = 0;
  lastZxid: Zxid = ZXID_ZERO;

  find(path: string): Znode | undefined {
    return this.nodes.get(path);
  }

  node(path: string): Znode {
    const node = this.nodes.get(path);
    if (node === undefined) assert(false, `no node at ${path}`);
    return node;
  }

  /** Adds a node with ZooKeeper's createStat, under `parent` (undefined only for '/'). `owner` is
   * the session of an ephemeral, the TTL of a TTL node, else 0; `aclId` carries one reference. A
   * snapshot restore passes the node's whole persisted stat instead of the create's. */
  addNode(
    parent: Znode | undefined,
    path: string,
    mode: CreateMode,
    owner: number,
    aclId: number,
    data: Uint8Array,
    zxid: Zxid,
    time: number,
    restored?: PersistedStat,
  ): Znode {
    if (parent === undefined ? path !== '/' : !isChildPath(parent.path, path)) assert(false, `bad parent for ${path}`);
    const table = this.table;
    const slot = table.allocate();
    const node = new Znode(path, mode, slot);
    const count = this.nodes.size;
    this.nodes.set(path, node);
    if (this.nodes.size !== count + 1) assert(false, `node exists: ${path}`);
    table.initStat(slot, owner, zxid, time);
    if (restored !== undefined) this.writeStat(slot, restored);
    table.setU32(slot, ACL_ID, aclId);
    table.writeData(slot, data);
    table.setI32(slot, PREFIX_CRC, prefixCrc(path, data));
    if (parent !== undefined) {
      if (parent.children === undefined) parent.children = new Set();
      parent.children.add(node);
    }
    this.index(node, owner);
    this.hashIn(node);
    return node;
  }

  /** A create's effect on the parent (DataTree.createNode): a higher cversion moves pzxid too. */
  bumpChildVersion(parent: Znode, cversion: number, zxid: Zxid): void {
    if (cversion <= this.table.getI32(parent.slot, CVERSION)) return;
    this.hashOut(parent);
    this.table.setI32(parent.slot, CVERSION, cversion);
    this.table.setF64(parent.slot, PZXID, zxid);
    this.hashIn(parent);
  }

  /** Removes a childless node (DataTree.deleteNode): the parent's pzxid only moves forward, and
   * its persisted cversion does not change (it counts creates). */
  removeNode(node: Znode, zxid: Zxid): void {
    if (node.childCount !== 0) assert(false, `removing a node with children: ${node.path}`);
    assert(node.path !== '/', 'removing the root');
    const parent = this.node(parentOf(node.path));
    const children = parent.children;
    if (children === undefined || !children.delete(node)) assert(false, `${node.path} missing from its parent`);
    if (children.size === 0) parent.children = undefined;
    this.hashOut(node);
    this.unindex(node);
    this.acls.release(this.table.getU32(node.slot, ACL_ID));
    this.nodes.delete(node.path);
    this.table.release(node.slot);
    node.slot = -1;
    if (zxid > this.table.getF64(parent.slot, PZXID)) {
      this.hashOut(parent);
      this.table.setF64(parent.slot, PZXID, zxid);
      this.hashIn(parent);
    }
  }

  setData(node: Znode, data: Uint8Array, version: number, zxid: Zxid, time: number): void {
    const table = this.table;
    const slot = node.slot;
    this.hashOut(node);
    table.writeData(slot, data);
    table.setI32(slot, PREFIX_CRC, prefixCrc(node.path, data));
    table.setI32(slot, VERSION, version);
    table.setF64(slot, MZXID, zxid);
    table.setF64(slot, MTIME, time);
    this.hashIn(node);
  }

  setAcl(node: Znode, acl: readonly Acl[], aversion: number): void {
    const table = this.table;
    const slot = node.slot;
    this.hashOut(node);
    const aclId = this.acls.intern(acl);
    this.acls.release(table.getU32(slot, ACL_ID));
    table.setU32(slot, ACL_ID, aclId);
    table.setI32(slot, AVERSION, aversion);
    this.hashIn(node);
  }

  private writeStat(slot: number, stat: PersistedStat): void {
    const table = this.table;
    table.setF64(slot, CZXID, stat.czxid);
    table.setF64(slot, MZXID, stat.mzxid);
    table.setF64(slot, PZXID, stat.pzxid);
    table.setF64(slot, CTIME, stat.ctime);
    table.setF64(slot, MTIME, stat.mtime);
    table.setI32(slot, VERSION, stat.version);
    table.setI32(slot, CVERSION, stat.cversion);
    table.setI32(slot, AVERSION, stat.aversion);
  }

  /** The digest recomputed from every node's path, data and stat, ignoring all cached hashes. */
  recomputeDigest(): number {
    let digest = 0;
    const table = this.table;
    for (const node of this.nodes.values()) {
      const slot = node.slot;
      const cached = table.getI32(slot, PREFIX_CRC);
      table.setI32(slot, PREFIX_CRC, prefixCrc(node.path, table.data(slot)));
      digest = digestAdd(digest, nodeHash(table, slot, node.mode, this.acls.crc(table.getU32(slot, ACL_ID))));
      table.setI32(slot, PREFIX_CRC, cached);
    }
    return digest;
  }

  ephemeralsOf(session: SessionId): Znode[] {
    const owned = this.ephemerals.get(session);
    return owned === undefined ? [] : [...owned].sort(byPath);
  }

  sessionsWithEphemerals(): SessionId[] {
    return [...this.ephemerals.keys()].sort((a, b) => a - b);
  }

  containerNodes(): ReadonlySet<Znode> {
    return this.containers;
  }

  ttlNodes(): ReadonlySet<Znode> {
    return this.ttls;
  }

  private index(node: Znode, owner: number): void {
    if (isContainerMode(node.mode)) this.containers.add(node);
    else if (isTtlMode(node.mode)) this.ttls.add(node);
    else if (isEphemeralMode(node.mode)) {
      const session = owner as SessionId;
      let owned = this.ephemerals.get(session);
      if (owned === undefined) {
        owned = new Set();
        this.ephemerals.set(session, owned);
      }
      owned.add(node);
    }
  }

  private unindex(node: Znode): void {
    if (isContainerMode(node.mode)) this.containers.delete(node);
    else if (isTtlMode(node.mode)) this.ttls.delete(node);
    else if (isEphemeralMode(node.mode)) {
      const session = this.table.getF64(node.slot, OWNER) as SessionId;
      const owned = this.ephemerals.get(session);
      if (owned === undefined || !owned.delete(node)) assert(false, `ephemeral ${node.path} missing from its session`);
      if (owned.size === 0) this.ephemerals.delete(session);
    }
  }

  private hashOut(node: Znode): void {
    this.digest = digestSub(this.digest, this.table.getU32(node.slot, HASH));
  }

  private hashIn(node: Znode): void {
    const slot = node.slot;
    const hash = nodeHash(this.table, slot, node.mode, this.acls.crc(this.table.getU32(slot, ACL_ID)));
    this.table.setU32(slot, HASH, hash);
    this.digest = digestAdd(this.digest, hash);
  }
}

/** True when `path` is a direct child of `parent` (both valid paths), without allocating. */
function isChildPath(parent: string, path: string): boolean {
  const base = parent === '/' ? 0 : parent.length;
  return path.startsWith(parent) && path.charCodeAt(base) === 0x2f && path.indexOf('/', base + 1) === -1;
}

const byPath = (a: Znode, b: Znode): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
