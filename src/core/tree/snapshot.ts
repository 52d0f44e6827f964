// The tree as bytes, and back. Everything needed to restore it exactly: every node with its path,
// data, ACL, mode, TTL or owner, persisted stat and child order, plus lastZxid and the digest.
// Deterministic, and canonical: serializeTree(deserializeTree(b)) equals b, byte for byte.
//
// Layout (big-endian), version 1:
//   u8 version | f64 lastZxid | f64 digest
//   u32 aclCount, aclCount × (u32 entries, entries × (u32 perms, str scheme, str id))
//   u32 nodeCount, nodeCount × node, in preorder, children in insertion order:
//     str path | u8 mode | u32 aclIndex | f64 czxid mzxid pzxid ctime mtime owner
//     | i32 version cversion aversion | u32 dataLength | data
//   u32 CRC-32 of everything before it
// str = u32 byte length + UTF-8. ACL lists are interned: each distinct list once, in order of first
// use, and nodes refer to it by index (ZooKeeper's ReferenceCountedACLCache idea).

import { type Acl, Perms } from '../acl/types.ts';
import { Code, KeeperError } from '../errors.ts';
import { crc32 } from '../util/crc32.ts';
import { limits } from '../util/limits.ts';
import type { Zxid } from '../zxid.ts';
import { CreateMode, isCreateMode, isEphemeralMode, isTtlMode } from './create-mode.ts';
import { DataTree } from './data-tree.ts';
import { parentOf, pathProblem } from './path.ts';
import {
  ACL_ID,
  AVERSION,
  CTIME,
  CVERSION,
  CZXID,
  DATA_LENGTH,
  MTIME,
  MZXID,
  OWNER,
  PZXID,
  VERSION,
} from './node-table.ts';
import { ByteReader, ByteWriter, snapshotError, utf8Bytes } from './snapshot-io.ts';
import { TreeState } from './tree-state.ts';
import type { Znode } from './znode.ts';

const FORMAT_VERSION = 1;
/** mode, aclIndex, six f64, three i32, dataLength. */
const NODE_FIXED_BYTES = 1 + 4 + 6 * 8 + 3 * 4 + 4;
const HEADER_BYTES = 1 + 8 + 8;
const CRC_BYTES = 4;

export function serializeTree(tree: DataTree): Uint8Array {
  const state = tree.internalState;
  const table = state.table;
  const nodes = preorder(state.node('/'));
  const aclIndexById = new Map<number, number>();
  const aclIds: number[] = [];
  const pathLengths = new Uint32Array(nodes.length);
  let size = HEADER_BYTES + 4 + 4 + CRC_BYTES;
  for (let i = 0; i < nodes.length; i++) {
    const slot = nodes[i]!.slot;
    const aclId = table.getU32(slot, ACL_ID);
    if (!aclIndexById.has(aclId)) {
      aclIndexById.set(aclId, aclIds.length);
      aclIds.push(aclId);
    }
    const pathLength = utf8Bytes(nodes[i]!.path);
    pathLengths[i] = pathLength;
    size += 4 + pathLength + NODE_FIXED_BYTES + table.getU32(slot, DATA_LENGTH);
  }
  for (const id of aclIds) {
    size += 4;
    for (const entry of state.acls.list(id)) size += 4 + 4 + utf8Bytes(entry.id.scheme) + 4 + utf8Bytes(entry.id.id);
  }

  const w = new ByteWriter(size);
  w.u8(FORMAT_VERSION);
  w.f64(state.lastZxid);
  w.f64(state.digest);
  w.u32(aclIds.length);
  for (const id of aclIds) {
    const list = state.acls.list(id);
    w.u32(list.length);
    for (const entry of list) {
      w.u32(entry.perms);
      w.str(entry.id.scheme, utf8Bytes(entry.id.scheme));
      w.str(entry.id.id, utf8Bytes(entry.id.id));
    }
  }
  w.u32(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const slot = node.slot;
    w.str(node.path, pathLengths[i]!);
    w.u8(node.mode);
    w.u32(aclIndexById.get(table.getU32(slot, ACL_ID))!);
    w.f64(table.getF64(slot, CZXID));
    w.f64(table.getF64(slot, MZXID));
    w.f64(table.getF64(slot, PZXID));
    w.f64(table.getF64(slot, CTIME));
    w.f64(table.getF64(slot, MTIME));
    w.f64(table.getF64(slot, OWNER));
    w.i32(table.getI32(slot, VERSION));
    w.i32(table.getI32(slot, CVERSION));
    w.i32(table.getI32(slot, AVERSION));
    w.u32(table.getU32(slot, DATA_LENGTH));
    w.raw(table.data(slot));
  }
  w.u32(crc32(w.bytes.subarray(0, w.offset)));
  return w.bytes;
}

/** Restores a tree; malformed bytes throw a KeeperError (MARSHALLINGERROR, or DATAINCONSISTENCY
 * when everything parses but the digest disagrees). */
export function deserializeTree(bytes: Uint8Array): DataTree {
  if (!(bytes instanceof Uint8Array)) throw snapshotError('not a byte array');
  if (bytes.length < HEADER_BYTES + 8 + CRC_BYTES) throw snapshotError(`only ${bytes.length} bytes`);
  if (bytes[0] !== FORMAT_VERSION) throw snapshotError(`unsupported version ${bytes[0]}`);
  const body = bytes.length - CRC_BYTES;
  const stored = new DataView(bytes.buffer, bytes.byteOffset + body, CRC_BYTES).getUint32(0);
  if (crc32(bytes.subarray(0, body)) !== stored) throw snapshotError('checksum mismatch');

  const r = new ByteReader(bytes, body);
  r.u8();
  const lastZxid = zxidField(r.f64(), 'lastZxid');
  const digest = r.f64();
  const lists = readAcls(r);
  const state = new TreeState();
  readNodes(r, state, lists);
  if (r.remaining !== 0) throw snapshotError(`${r.remaining} bytes after the last node`);
  state.lastZxid = lastZxid;
  if (state.digest !== digest) {
    throw new KeeperError(Code.DATAINCONSISTENCY, `tree snapshot digest ${digest} but its nodes hash to ${state.digest}`);
  }
  return new DataTree(state);
}

function readAcls(r: ByteReader): Acl[][] {
  const count = r.u32();
  if (count > r.remaining / 4) throw snapshotError(`${count} ACL lists in ${r.remaining} bytes`);
  const lists: Acl[][] = [];
  for (let i = 0; i < count; i++) {
    const entries = r.u32();
    if (entries > r.remaining / 12) throw snapshotError(`ACL list of ${entries} entries in ${r.remaining} bytes`);
    const list: Acl[] = [];
    for (let e = 0; e < entries; e++) {
      const perms = r.u32();
      if (perms > Perms.ALL) throw snapshotError(`ACL perms ${perms}`);
      const scheme = r.str('ACL scheme', limits.acl_id_bytes_max);
      const id = r.str('ACL id', limits.acl_id_bytes_max);
      list.push({ perms, id: { scheme, id } });
    }
    lists.push(list);
  }
  return lists;
}

function readNodes(r: ByteReader, state: TreeState, lists: readonly Acl[][]): void {
  const count = r.u32();
  if (count === 0) throw snapshotError('no root node');
  if (count > r.remaining / (4 + NODE_FIXED_BYTES)) throw snapshotError(`${count} nodes in ${r.remaining} bytes`);
  // Table ids of the snapshot's ACL lists, interned on first use, which must follow list order.
  const aclIds: number[] = [];
  const branch: Znode[] = [];
  const seenAclIds = new Set<number>();
  for (let i = 0; i < count; i++) {
    const path = r.str('path', limits.path_bytes_max);
    const mode = r.u8();
    const aclIndex = r.u32();
    const czxid = zxidField(r.f64(), 'czxid');
    const mzxid = zxidField(r.f64(), 'mzxid');
    const pzxid = zxidField(r.f64(), 'pzxid');
    const ctime = timeField(r.f64(), 'ctime');
    const mtime = timeField(r.f64(), 'mtime');
    const owner = r.f64();
    const version = r.i32();
    const cversion = r.i32();
    const aversion = r.i32();
    const data = r.raw(r.u32());

    if (!isCreateMode(mode)) throw snapshotError(`mode ${mode} at ${path}`);
    checkOwner(mode, owner, path);
    const parent = findParent(state, branch, path, i, mode);
    const aclId = aclIdFor(state, lists, aclIds, seenAclIds, aclIndex, path);
    const stat = { czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion };
    branch.push(state.addNode(parent, path, mode, owner, aclId, data, czxid, ctime, stat));
  }
  if (aclIds.length !== lists.length) throw snapshotError(`${lists.length - aclIds.length} unused ACL lists`);
}

/** The parent of the next node in preorder: on the current branch, and able to have children. */
function findParent(state: TreeState, branch: Znode[], path: string, index: number, mode: number): Znode | undefined {
  if (index === 0) {
    if (path !== '/' || mode !== CreateMode.PERSISTENT) throw snapshotError(`first node ${path} is not a persistent '/'`);
    return undefined;
  }
  const problem = path === '/' ? 'duplicate root' : pathProblem(path);
  if (problem !== undefined) throw snapshotError(`bad path ${JSON.stringify(path)}: ${problem}`);
  if (state.find(path) !== undefined) throw snapshotError(`duplicate node ${path}`);
  const parentPath = parentOf(path);
  while (branch.length > 0 && branch[branch.length - 1]!.path !== parentPath) branch.pop();
  const parent = branch[branch.length - 1];
  if (parent === undefined) throw snapshotError(`${path} does not follow its parent in preorder`);
  if (isEphemeralMode(parent.mode)) throw snapshotError(`${path} is the child of an ephemeral`);
  return parent;
}

function aclIdFor(
  state: TreeState,
  lists: readonly Acl[][],
  aclIds: number[],
  seen: Set<number>,
  index: number,
  path: string,
): number {
  if (index < aclIds.length) {
    const id = aclIds[index]!;
    state.acls.retain(id);
    return id;
  }
  if (index !== aclIds.length) throw snapshotError(`ACL index ${index} at ${path} out of first-use order`);
  const list = lists[index];
  if (list === undefined) throw snapshotError(`ACL index ${index} at ${path} beyond ${lists.length} lists`);
  const id = state.acls.intern(list);
  if (seen.has(id)) throw snapshotError(`ACL list ${index} repeats an earlier list`);
  seen.add(id);
  aclIds.push(id);
  return id;
}

function checkOwner(mode: CreateMode, owner: number, path: string): void {
  const ok = isEphemeralMode(mode)
    ? Number.isSafeInteger(owner) && owner >= 0
    : isTtlMode(mode)
      ? Number.isSafeInteger(owner) && owner >= 0 && owner <= limits.ttl_ms_max
      : Object.is(owner, 0);
  if (!ok) throw snapshotError(`owner/ttl ${owner} for mode ${mode} at ${path}`);
}

function zxidField(n: number, what: string): Zxid {
  if (!Number.isSafeInteger(n) || n < 0) throw snapshotError(`${what} ${n}`);
  return n as Zxid;
}

function timeField(n: number, what: string): number {
  if (!Number.isFinite(n)) throw snapshotError(`${what} ${n}`);
  return n;
}

/** Nodes from `root` in preorder, children in insertion order (iterative: paths can be deep). */
function preorder(root: Znode): Znode[] {
  const out: Znode[] = [root];
  const stack: Iterator<Znode>[] = [];
  if (root.children !== undefined) stack.push(root.children.values());
  while (stack.length > 0) {
    const next = stack[stack.length - 1]!.next();
    if (next.done === true) {
      stack.pop();
      continue;
    }
    out.push(next.value);
    if (next.value.children !== undefined) stack.push(next.value.children.values());
  }
  return out;
}
