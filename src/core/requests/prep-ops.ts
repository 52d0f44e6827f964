// Prep of each single write, as ZooKeeper's PrepRequestProcessor.pRequest2Txn does it: check the
// request against the projected tree (NodeView) and turn it into the deterministic txn every replica
// applies. Each function throws a KeeperError with ZooKeeper's code on the first failed check, in
// ZooKeeper's order, so that the same bad request gets the same code; prep.ts turns that into an
// ErrorTxn. Beyond ZooKeeper (whose client library validates these before sending): every path is
// fully validated up front, data is bounded by limits.data_bytes_max (ZooKeeper's jute.maxbuffer),
// and children per node by limits.children_per_node_max (QUOTAEXCEEDED, ZooKeeper's code for a
// count quota).

import { fixupAcl } from '../acl/validate.ts';
import { hasPermission } from '../acl/check.ts';
import type { Acl } from '../acl/types.ts';
import { Perms } from '../acl/types.ts';
import { Code, KeeperError } from '../errors.ts';
import { isContainerMode, isCreateMode, isEphemeralMode, isSequentialMode, isTtlMode } from '../tree/create-mode.ts';
import { parentOf, sequenceSuffix, validatePath } from '../tree/path.ts';
import { limits } from '../util/limits.ts';
import type { NodeView, ProjectedNode } from './pending-changes.ts';
import type { CheckRequest, CreateRequest, DeleteRequest, SetAclRequest, SetDataRequest } from './request.ts';
import type { SessionContext } from './session-context.ts';
import type { CheckTxn, CreateTxn, DeleteContainerTxn, DeleteTxn, SetAclTxn, SetDataTxn } from './txn.ts';

export function prepCreate(view: NodeView, session: SessionContext, request: CreateRequest): CreateTxn {
  const { mode } = request;
  if (!isCreateMode(mode)) throw new KeeperError(Code.BADARGUMENTS, `unknown create mode ${String(mode)}`, request.path);
  const ttl = validTtl(request);
  const sequential = isSequentialMode(mode);
  validatePath(request.path, sequential);
  checkData(request.data, request.path);
  const acl = fixupAcl(request.acl, session.ids);
  const parentPath = createParentOf(request.path);
  const parent = mustExist(view, parentPath);
  checkPermission(parent, Perms.CREATE, session, request.path);
  // The suffix is the parent's cversion, which only grows (creates bump it, deletes do not), so a
  // sequence number never repeats under one parent.
  const path = sequential ? `${request.path}${sequenceSuffix(parent.cversion)}` : request.path;
  if (sequential) validatePath(path);
  if (view.get(path) !== undefined) throw new KeeperError(Code.NODEEXISTS, 'node exists', path);
  if (isEphemeralMode(parent.mode)) {
    throw new KeeperError(Code.NOCHILDRENFOREPHEMERALS, 'ephemerals cannot have children', path);
  }
  // Where ZooKeeper checks its count quotas, and with their code.
  if (parent.childCount >= limits.children_per_node_max) {
    throw new KeeperError(Code.QUOTAEXCEEDED, `more than ${limits.children_per_node_max} children`, path);
  }
  return { type: 'create', path, data: request.data, acl, mode, ttl, parentCversion: (parent.cversion + 1) | 0 };
}

export function prepDelete(view: NodeView, session: SessionContext, request: DeleteRequest): DeleteTxn {
  const { path } = request;
  validatePath(path);
  if (path === '/') throw new KeeperError(Code.BADARGUMENTS, 'the root cannot be deleted', path);
  const parent = mustExist(view, parentOf(path));
  checkPermission(parent, Perms.DELETE, session, path);
  const node = mustExist(view, path);
  nextVersion(node.version, request.version, path);
  if (node.childCount > 0) throw new KeeperError(Code.NOTEMPTY, 'node has children', path);
  return { type: 'delete', path };
}

export function prepSetData(view: NodeView, session: SessionContext, request: SetDataRequest): SetDataTxn {
  const { path } = request;
  validatePath(path);
  checkData(request.data, path);
  const node = mustExist(view, path);
  checkPermission(node, Perms.WRITE, session, path);
  const version = nextVersion(node.version, request.version, path);
  return { type: 'setData', path, data: request.data, version };
}

export function prepSetAcl(view: NodeView, session: SessionContext, request: SetAclRequest): SetAclTxn {
  const { path } = request;
  validatePath(path);
  const acl: readonly Acl[] = fixupAcl(request.acl, session.ids);
  const node = mustExist(view, path);
  checkPermission(node, Perms.ADMIN, session, path);
  const version = nextVersion(node.aversion, request.version, path);
  return { type: 'setACL', path, acl, version };
}

/** The txn records the version that was checked (ZooKeeper logs it plus one; nothing reads it). */
export function prepCheck(view: NodeView, session: SessionContext, request: CheckRequest): CheckTxn {
  const { path } = request;
  validatePath(path);
  const node = mustExist(view, path);
  checkPermission(node, Perms.READ, session, path);
  nextVersion(node.version, request.version, path);
  return { type: 'check', path, version: node.version };
}

/** The leader's sweep of an empty container or an expired TTL node (no ACL: the server asks). */
export function prepDeleteContainer(view: NodeView, path: string): DeleteContainerTxn {
  validatePath(path);
  if (path === '/') throw new KeeperError(Code.BADARGUMENTS, 'the root cannot be deleted', path);
  const node = mustExist(view, path);
  if (node.childCount > 0) throw new KeeperError(Code.NOTEMPTY, 'node has children', path);
  // ZooKeeper refuses a session's ephemeral here with BADVERSION; we refuse every node that is
  // neither a container nor a TTL node the same way.
  if (!isContainerMode(node.mode) && !isTtlMode(node.mode)) {
    throw new KeeperError(Code.BADVERSION, 'not a container or TTL node', path);
  }
  mustExist(view, parentOf(path));
  return { type: 'deleteContainer', path };
}

/** ZooKeeper's EphemeralType.validateTTL: a TTL mode needs 0 < ttl <= ttl_ms_max; any other mode
 * accepts no TTL (absent or negative, as ZooKeeper's plain create sends -1). */
function validTtl(request: CreateRequest): number {
  const { ttl, mode, path } = request;
  if (isTtlMode(mode)) {
    if (ttl === undefined || !Number.isInteger(ttl) || ttl <= 0 || ttl > limits.ttl_ms_max) {
      throw new KeeperError(Code.BADARGUMENTS, `TTL must be in (0, ${limits.ttl_ms_max}] ms`, path);
    }
    return ttl;
  }
  if (ttl !== undefined && !(ttl < 0)) {
    throw new KeeperError(Code.BADARGUMENTS, `a TTL is not valid for create mode ${mode}`, path);
  }
  return 0;
}

/** The parent of a create's requested path, whose last segment may still be empty (a sequential
 * create of "/jobs/" yields "/jobs/0000000007"). */
function createParentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

function checkData(data: Uint8Array, path: string): void {
  if (!(data instanceof Uint8Array)) throw new KeeperError(Code.BADARGUMENTS, 'data must be bytes', path);
  if (data.length > limits.data_bytes_max) {
    throw new KeeperError(Code.BADARGUMENTS, `data longer than ${limits.data_bytes_max} bytes`, path);
  }
}

function mustExist(view: NodeView, path: string): ProjectedNode {
  const node = view.get(path);
  if (node === undefined) throw new KeeperError(Code.NONODE, 'no node', path);
  return node;
}

function checkPermission(node: ProjectedNode, perm: number, session: SessionContext, path: string): void {
  if (!hasPermission(node.acl, perm, session.ids)) throw new KeeperError(Code.NOAUTH, 'not authorized', path);
}

/** ZooKeeper's checkAndIncVersion: -1 matches any version; versions are int32 and wrap, skipping
 * -1 (ZOOKEEPER-4743) so that a client can always name the version it expects. */
export function nextVersion(current: number, expected: number, path: string): number {
  if (expected !== -1 && expected !== current) throw new KeeperError(Code.BADVERSION, `version is ${current}`, path);
  const next = (current + 1) | 0;
  return next === -1 ? 0 : next;
}
