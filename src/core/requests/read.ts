// read: requests answered from this replica's tree without consensus (ZooKeeper's
// FinalRequestProcessor, read half). ACL checks follow ZooKeeper: exists and getEphemerals need no
// permission; getData, getChildren and getAllChildrenNumber need READ; getACL needs READ or ADMIN,
// and without ADMIN digest ids come back redacted to `user:x`. A watch is registered only when the
// read succeeds, except that exists on a missing node leaves an exist watch (it fires on create).
// Paths are validated (BADARGUMENTS) before anything else, so no watch lands on a malformed path.

import { hasPermission } from '../acl/check.ts';
import type { Acl } from '../acl/types.ts';
import { Perms } from '../acl/types.ts';
import { Code, isKeeperError, KeeperError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { validatePath } from '../tree/path.ts';
import { limits } from '../util/limits.ts';
import type { NodeReader, TreeReader, WatchPort } from './ports.ts';
import type {
  ErrorReply,
  GetAclReply,
  GetChildrenReply,
  GetDataReply,
  ReadOpResult,
  Reply,
} from './reply.ts';
import type { GetAclRequest, GetChildrenRequest, GetDataRequest, ReadOp, ReadRequest } from './request.ts';
import type { SessionContext } from './session-context.ts';

export function read(tree: TreeReader, watches: WatchPort, session: SessionContext, request: ReadRequest): Reply {
  try {
    return readOne(tree, watches, session, request);
  } catch (e) {
    return errorReply(e);
  }
}

function readOne(tree: TreeReader, watches: WatchPort, session: SessionContext, request: ReadRequest): Reply {
  switch (request.type) {
    case 'exists': {
      validatePath(request.path);
      const node = tree.get(request.path);
      if (request.watch) {
        if (node === undefined) watches.addExistWatch(request.path, session.sessionId);
        else watches.addDataWatch(request.path, session.sessionId);
      }
      return { type: 'exists', stat: node === undefined ? null : node.stat() };
    }
    case 'getData':
      return getData(tree, watches, session, request);
    case 'getChildren':
      return getChildren(tree, watches, session, request);
    case 'getACL':
      return getAcl(tree, session, request);
    case 'multiRead':
      return multiRead(tree, watches, session, request.ops);
    case 'getEphemerals': {
      const prefix = typeof request.prefix === 'string' ? request.prefix : '';
      const all = prefix.trim() === '' || prefix.trim() === '/';
      const paths = tree.ephemeralsOf(session.sessionId).filter((path) => all || path.startsWith(prefix));
      return { type: 'getEphemerals', paths: paths.sort() };
    }
    case 'getAllChildrenNumber': {
      validatePath(request.path);
      readableNode(tree, session, request.path, Perms.READ);
      return { type: 'getAllChildrenNumber', count: tree.allChildrenNumber(request.path) };
    }
    default:
      throw new KeeperError(Code.UNIMPLEMENTED, `not a read: ${String((request as { type: unknown }).type)}`);
  }
}

function getData(tree: TreeReader, watches: WatchPort, session: SessionContext, request: GetDataRequest): GetDataReply {
  validatePath(request.path);
  const node = readableNode(tree, session, request.path, Perms.READ);
  if (request.watch) watches.addDataWatch(request.path, session.sessionId);
  return { type: 'getData', data: node.data, stat: node.stat() };
}

function getChildren(
  tree: TreeReader,
  watches: WatchPort,
  session: SessionContext,
  request: GetChildrenRequest,
): GetChildrenReply {
  validatePath(request.path);
  const node = readableNode(tree, session, request.path, Perms.READ);
  if (request.watch) watches.addChildWatch(request.path, session.sessionId);
  const children = node.children();
  return request.withStat ? { type: 'getChildren', children, stat: node.stat() } : { type: 'getChildren', children };
}

function getAcl(tree: TreeReader, session: SessionContext, request: GetAclRequest): GetAclReply {
  validatePath(request.path);
  const node = readableNode(tree, session, request.path, Perms.READ | Perms.ADMIN);
  const acl = hasPermission(node.acl, Perms.ADMIN, session.ids) ? node.acl : node.acl.map(redacted);
  return { type: 'getACL', acl, stat: node.stat() };
}

/** Each op answered on its own, an error included, as ZooKeeper's multiRead does (no atomicity). */
function multiRead(tree: TreeReader, watches: WatchPort, session: SessionContext, ops: readonly ReadOp[]): Reply {
  if (!Array.isArray(ops) || ops.length > limits.multi_ops_max) {
    throw new KeeperError(Code.BADARGUMENTS, `a multiRead holds at most ${limits.multi_ops_max} ops`);
  }
  if (!ops.every((op) => op.type === 'getData' || op.type === 'getChildren')) {
    // ZooKeeper fails the whole request on an op it cannot read ("Invalid type of readOp").
    throw new KeeperError(Code.MARSHALLINGERROR, 'a multiRead holds only getData and getChildren');
  }
  const results = ops.map((op): ReadOpResult => {
    try {
      return op.type === 'getData' ? getData(tree, watches, session, op) : getChildren(tree, watches, session, op);
    } catch (e) {
      return errorReply(e);
    }
  });
  return { type: 'multiRead', results };
}

/** The node, once it exists (NONODE) and the session holds one of `perm`'s bits on it (NOAUTH). */
function readableNode(tree: TreeReader, session: SessionContext, path: string, perm: number): NodeReader {
  const node = tree.get(path);
  if (node === undefined) throw new KeeperError(Code.NONODE, 'no node', path);
  if (!hasPermission(node.acl, perm, session.ids)) throw new KeeperError(Code.NOAUTH, 'not authorized', path);
  return node;
}

/** ZooKeeper hides a digest's hash from readers without ADMIN: `user:hash` becomes `user:x`. */
function redacted(entry: Acl): Acl {
  if (entry.id.scheme !== 'digest') return entry;
  const colon = entry.id.id.indexOf(':');
  const user = colon < 0 ? entry.id.id : entry.id.id.slice(0, colon);
  return { perms: entry.perms, id: { scheme: 'digest', id: colon < 0 ? entry.id.id : `${user}:x` } };
}

function errorReply(e: unknown): ErrorReply {
  if (!isKeeperError(e)) throw e;
  const code: ErrorCode = e.code;
  return { type: 'error', code };
}
