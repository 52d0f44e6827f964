// A reference model of ZooKeeper's tree semantics, written plainly and independently of
// src/core/requests: one Map of nodes, every write checked and applied in one function, a multi run
// on a copy that is kept or thrown away. It answers the same requests as StandaloneTree so that a
// model-based test can compare replies, watch events and final states. It supports what the test
// generates: world, auth and digest ACLs; one-shot data, exist and child watches; container and TTL
// sweeps. Its rules follow ZooKeeper 3.9 (PrepRequestProcessor, DataTree, FinalRequestProcessor).

import { createHash } from 'node:crypto';
import type { Acl, Id } from '../../../src/core/acl/types.ts';
import { Code } from '../../../src/core/errors.ts';
import type { ErrorCode } from '../../../src/core/errors.ts';
import type { Reply, MultiOpResult, ReadOpResult } from '../../../src/core/requests/reply.ts';
import type { MultiOp, ReadOp, Request } from '../../../src/core/requests/request.ts';
import type { Stat } from '../../../src/core/tree/stat.ts';
import type { SessionId } from '../../../src/core/util/ids.ts';
import type { Zxid } from '../../../src/core/zxid.ts';
import { pathProblem } from '../../../src/core/tree/path.ts';

const READ = 1, WRITE = 2, CREATE = 4, DELETE = 8, ADMIN = 16;
const TTL_MAX = 2 ** 40 - 1;
const DATA_MAX = 1024 * 1024;

export interface ModelNode {
  data: Uint8Array;
  acl: Acl[];
  mode: number;
  ttl: number;
  owner: number;
  czxid: number;
  mzxid: number;
  pzxid: number;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  children: Set<string>;
}

export interface ModelEvent {
  session: number;
  type: number;
  path: string;
}

class Fail extends Error {
  constructor(readonly code: ErrorCode) {
    super(`model error ${code}`);
  }
}

const fail = (code: ErrorCode): never => {
  throw new Fail(code);
};

export class ZkModel {
  nodes = new Map<string, ModelNode>();
  sessions = new Map<number, Id[]>();
  /** watches[kind] : path -> sessions. */
  private dataWatches = new Map<string, Set<number>>();
  private childWatches = new Map<string, Set<number>>();
  events: ModelEvent[] = [];
  zxid: number;
  private nextSession = 1;

  constructor(epoch = 1) {
    this.zxid = epoch * 2 ** 32;
    // ZooKeeper's initial nodes; adding them counts no child create.
    const open: Acl[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
    for (const path of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']) {
      this.nodes.set(path, newNode(new Uint8Array(), open, 0, 0, 0, 0, 0));
      if (path !== '/') this.nodes.get(parentOf(path))!.children.add(path.slice(path.lastIndexOf('/') + 1));
    }
    const config = this.nodes.get('/zookeeper/config')!;
    config.acl = [{ perms: READ, id: { scheme: 'world', id: 'anyone' } }];
    config.aversion = -1;
  }

  openSession(time: number, ids: Id[] = []): number {
    void time;
    const id = this.nextSession++;
    this.sessions.set(id, [...ids]);
    this.zxid++;
    return id;
  }

  closeSession(session: number, time: number): Reply {
    void time;
    if (!this.sessions.has(session)) return { type: 'error', code: Code.SESSIONEXPIRED };
    this.zxid++;
    this.removeWatchesOf(session);
    for (const [path, node] of [...this.nodes].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if ((node.mode === 1 || node.mode === 3) && node.owner === session) this.removeNode(path);
    }
    this.sessions.delete(session);
    return { type: 'closeSession' };
  }

  sweep(time: number): number {
    // Containers first, then TTL nodes, each sorted: the order the leader deletes them in.
    const containers: string[] = [];
    const ttls: string[] = [];
    for (const [path, node] of this.nodes) {
      if (node.children.size > 0) continue;
      if (node.mode === 4 && node.cversion > 0) containers.push(path);
      if ((node.mode === 5 || node.mode === 6) && time - node.mtime > node.ttl) ttls.push(path);
    }
    const doomed = [...containers.sort(), ...ttls.sort()];
    for (const path of doomed) {
      this.zxid++;
      this.removeNode(path);
    }
    return doomed.length;
  }

  submit(session: number, request: Request, time: number): Reply {
    const ids = this.sessions.get(session);
    if (ids === undefined) return { type: 'error', code: Code.SESSIONEXPIRED };
    switch (request.type) {
      case 'create':
      case 'delete':
      case 'setData':
      case 'setACL':
      case 'check':
        return this.write(session, ids, time, () => this.writeOp(session, ids, request, time));
      case 'multi':
        return this.write(session, ids, time, () => this.multi(session, ids, request.ops, time));
      default:
        return this.readOrSession(session, ids, request);
    }
  }

  /** Every write takes a zxid, failed or not; a failed one changes nothing. */
  private write(session: number, ids: Id[], time: number, run: () => Reply): Reply {
    void session, ids, time;
    this.zxid++;
    try {
      return run();
    } catch (e) {
      if (e instanceof Fail) return { type: 'error', code: e.code };
      throw e;
    }
  }

  private multi(session: number, ids: Id[], ops: readonly MultiOp[], time: number): Reply {
    const savedNodes = cloneNodes(this.nodes);
    const savedEvents = this.events.length;
    const savedData = cloneWatches(this.dataWatches);
    const savedChild = cloneWatches(this.childWatches);
    const results: MultiOpResult[] = [];
    for (let i = 0; i < ops.length; i++) {
      try {
        results.push(this.writeOp(session, ids, ops[i]!, time) as MultiOpResult);
      } catch (e) {
        if (!(e instanceof Fail)) throw e;
        this.nodes = savedNodes;
        this.events.length = savedEvents;
        this.dataWatches = savedData;
        this.childWatches = savedChild;
        const codes = ops.map((_, j): MultiOpResult => ({
          type: 'error',
          code: j < i ? Code.OK : j === i ? e.code : Code.RUNTIMEINCONSISTENCY,
        }));
        return { type: 'multi', results: codes };
      }
    }
    return { type: 'multi', results };
  }

  private writeOp(session: number, ids: Id[], op: MultiOp | Extract<Request, { type: 'setACL' }>, time: number): Reply {
    const zxid = this.zxid;
    switch (op.type) {
      case 'create': {
        if (!Number.isInteger(op.mode) || op.mode < 0 || op.mode > 6) fail(Code.BADARGUMENTS);
        const ttlMode = op.mode === 5 || op.mode === 6;
        if (ttlMode && (op.ttl === undefined || op.ttl <= 0 || op.ttl > TTL_MAX)) fail(Code.BADARGUMENTS);
        if (!ttlMode && op.ttl !== undefined && op.ttl >= 0) fail(Code.BADARGUMENTS);
        const sequential = op.mode === 2 || op.mode === 3 || op.mode === 6;
        if (pathProblem(op.path, sequential) !== undefined) fail(Code.BADARGUMENTS);
        if (op.data.length > DATA_MAX) fail(Code.BADARGUMENTS);
        const acl = expandAcl(op.acl, ids);
        const slash = op.path.lastIndexOf('/');
        const parentPath = slash === 0 ? '/' : op.path.slice(0, slash);
        const parent = this.nodes.get(parentPath) ?? fail(Code.NONODE);
        if (!allowed(parent.acl, CREATE, ids)) fail(Code.NOAUTH);
        const path = sequential ? op.path + String(parent.cversion).padStart(10, '0') : op.path;
        if (this.nodes.has(path)) fail(Code.NODEEXISTS);
        if (parent.mode === 1 || parent.mode === 3) fail(Code.NOCHILDRENFOREPHEMERALS);
        const owner = op.mode === 1 || op.mode === 3 ? session : 0;
        const node = newNode(op.data, acl, op.mode, ttlMode ? op.ttl! : 0, owner, zxid, time);
        this.nodes.set(path, node);
        parent.children.add(path.slice(parentPath === '/' ? 1 : parentPath.length + 1));
        parent.cversion++;
        parent.pzxid = zxid;
        this.fire(this.dataWatches, path, 1);
        this.fire(this.childWatches, parentPath, 4);
        return { type: 'create', path, stat: this.stat(path) };
      }
      case 'delete': {
        if (pathProblem(op.path) !== undefined || op.path === '/') fail(Code.BADARGUMENTS);
        const parent = this.nodes.get(parentOf(op.path)) ?? fail(Code.NONODE);
        if (!allowed(parent.acl, DELETE, ids)) fail(Code.NOAUTH);
        const node = this.nodes.get(op.path) ?? fail(Code.NONODE);
        if (op.version !== -1 && op.version !== node.version) fail(Code.BADVERSION);
        if (node.children.size > 0) fail(Code.NOTEMPTY);
        this.removeNode(op.path);
        return { type: 'delete' };
      }
      case 'setData': {
        if (pathProblem(op.path) !== undefined || op.data.length > DATA_MAX) fail(Code.BADARGUMENTS);
        const node = this.nodes.get(op.path) ?? fail(Code.NONODE);
        if (!allowed(node.acl, WRITE, ids)) fail(Code.NOAUTH);
        if (op.version !== -1 && op.version !== node.version) fail(Code.BADVERSION);
        node.data = op.data;
        node.version++;
        node.mzxid = zxid;
        node.mtime = time;
        this.fire(this.dataWatches, op.path, 3);
        return { type: 'setData', stat: this.stat(op.path) };
      }
      case 'setACL': {
        if (pathProblem(op.path) !== undefined) fail(Code.BADARGUMENTS);
        const acl = expandAcl(op.acl, ids);
        const node = this.nodes.get(op.path) ?? fail(Code.NONODE);
        if (!allowed(node.acl, ADMIN, ids)) fail(Code.NOAUTH);
        if (op.version !== -1 && op.version !== node.aversion) fail(Code.BADVERSION);
        node.acl = acl;
        node.aversion++;
        return { type: 'setACL', stat: this.stat(op.path) };
      }
      case 'check': {
        if (pathProblem(op.path) !== undefined) fail(Code.BADARGUMENTS);
        const node = this.nodes.get(op.path) ?? fail(Code.NONODE);
        if (!allowed(node.acl, READ, ids)) fail(Code.NOAUTH);
        if (op.version !== -1 && op.version !== node.version) fail(Code.BADVERSION);
        return { type: 'check' };
      }
    }
  }

  private readOrSession(session: number, ids: Id[], request: Request): Reply {
    try {
      return this.readOp(session, ids, request);
    } catch (e) {
      if (e instanceof Fail) return { type: 'error', code: e.code };
      throw e;
    }
  }

  private readOp(session: number, ids: Id[], request: Request): Reply {
    switch (request.type) {
      case 'exists': {
        if (pathProblem(request.path) !== undefined) fail(Code.BADARGUMENTS);
        if (request.watch) watch(this.dataWatches, request.path, session);
        return { type: 'exists', stat: this.nodes.has(request.path) ? this.stat(request.path) : null };
      }
      case 'getData':
      case 'getChildren':
        return this.readOne(session, ids, request);
      case 'getACL': {
        const node = this.readable(request.path, ids, READ | ADMIN);
        const acl = allowed(node.acl, ADMIN, ids)
          ? node.acl
          : node.acl.map((a) => (a.id.scheme === 'digest' ? { perms: a.perms, id: { scheme: 'digest', id: a.id.id.replace(/:.*/, ':x') } } : a));
        return { type: 'getACL', acl, stat: this.stat(request.path) };
      }
      case 'multiRead':
        return {
          type: 'multiRead',
          results: request.ops.map((op): ReadOpResult => {
            try {
              return this.readOne(session, ids, op) as ReadOpResult;
            } catch (e) {
              if (e instanceof Fail) return { type: 'error', code: e.code };
              throw e;
            }
          }),
        };
      case 'getEphemerals': {
        const all = request.prefix.trim() === '' || request.prefix.trim() === '/';
        const paths = [...this.nodes]
          .filter(([path, n]) => (n.mode === 1 || n.mode === 3) && n.owner === session && (all || path.startsWith(request.prefix)))
          .map(([path]) => path)
          .sort();
        return { type: 'getEphemerals', paths };
      }
      case 'getAllChildrenNumber': {
        this.readable(request.path, ids, READ);
        const prefix = request.path === '/' ? '/' : `${request.path}/`;
        const count = [...this.nodes.keys()].filter((p) => p !== '/' && p.startsWith(prefix)).length;
        return { type: 'getAllChildrenNumber', count };
      }
      case 'auth': {
        const text = new TextDecoder().decode(request.auth);
        if (request.scheme !== 'digest' || !text.includes(':')) return fail(Code.AUTHFAILED);
        const user = text.slice(0, text.indexOf(':'));
        const id = { scheme: 'digest', id: `${user}:${createHash('sha1').update(text).digest('base64')}` };
        if (!ids.some((own) => own.scheme === id.scheme && own.id === id.id)) ids.push(id);
        return { type: 'auth' };
      }
      case 'whoAmI':
        return { type: 'whoAmI', ids: [...ids] };
      case 'sync':
        return { type: 'sync', path: request.path };
      default:
        throw new Error(`model does not support ${request.type}`);
    }
  }

  private readOne(session: number, ids: Id[], op: ReadOp): Reply {
    const node = this.readable(op.path, ids, READ);
    if (op.type === 'getData') {
      if (op.watch) watch(this.dataWatches, op.path, session);
      return { type: 'getData', data: node.data, stat: this.stat(op.path) };
    }
    if (op.watch) watch(this.childWatches, op.path, session);
    const children = [...node.children].sort();
    return op.withStat ? { type: 'getChildren', children, stat: this.stat(op.path) } : { type: 'getChildren', children };
  }

  private readable(path: string, ids: Id[], perm: number): ModelNode {
    if (pathProblem(path) !== undefined) fail(Code.BADARGUMENTS);
    const node = this.nodes.get(path) ?? fail(Code.NONODE);
    if (!allowed(node.acl, perm, ids)) fail(Code.NOAUTH);
    return node;
  }

  private removeNode(path: string): void {
    const parentPath = parentOf(path);
    const parent = this.nodes.get(parentPath)!;
    parent.children.delete(path.slice(parentPath === '/' ? 1 : parentPath.length + 1));
    parent.pzxid = Math.max(parent.pzxid, this.zxid);
    this.nodes.delete(path);
    // NodeDeleted reaches data and child watchers of the path, each session once.
    const sessions = new Set([...(this.dataWatches.get(path) ?? []), ...(this.childWatches.get(path) ?? [])]);
    this.dataWatches.delete(path);
    this.childWatches.delete(path);
    for (const session of [...sessions].sort((a, b) => a - b)) this.events.push({ session, type: 2, path });
    this.fire(this.childWatches, parentPath, 4);
  }

  private fire(table: Map<string, Set<number>>, path: string, type: number): void {
    const sessions = table.get(path);
    if (sessions === undefined) return;
    table.delete(path);
    for (const session of [...sessions].sort((a, b) => a - b)) this.events.push({ session, type, path });
  }

  private removeWatchesOf(session: number): void {
    for (const table of [this.dataWatches, this.childWatches]) {
      for (const [path, sessions] of table) {
        sessions.delete(session);
        if (sessions.size === 0) table.delete(path);
      }
    }
  }

  stat(path: string): Stat {
    const n = this.nodes.get(path)!;
    return {
      czxid: n.czxid as Zxid,
      mzxid: n.mzxid as Zxid,
      ctime: n.ctime,
      mtime: n.mtime,
      version: n.version,
      // ZooKeeper counts child creates and reports creates + deletes.
      cversion: (n.cversion * 2 - n.children.size) | 0,
      aversion: n.aversion,
      ephemeralOwner: n.owner as SessionId,
      dataLength: n.data.length,
      numChildren: n.children.size,
      pzxid: n.pzxid as Zxid,
    };
  }
}

function newNode(data: Uint8Array, acl: Acl[], mode: number, ttl: number, owner: number, zxid: number, time: number): ModelNode {
  return {
    data, acl, mode, ttl, owner,
    czxid: zxid, mzxid: zxid, pzxid: zxid, ctime: time, mtime: time,
    version: 0, cversion: 0, aversion: 0, children: new Set(),
  };
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === 0 ? '/' : path.slice(0, slash);
}

function watch(table: Map<string, Set<number>>, path: string, session: number): void {
  let sessions = table.get(path);
  if (sessions === undefined) table.set(path, (sessions = new Set()));
  sessions.add(session);
}

/** The generator sends only world:anyone, auth and digest entries. */
function expandAcl(acl: readonly Acl[], ids: Id[]): Acl[] {
  const unique = acl.filter((a, i) => acl.findIndex((b) => b.perms === a.perms && b.id.scheme === a.id.scheme && b.id.id === a.id.id) === i);
  if (unique.length === 0) fail(Code.INVALIDACL);
  const out: Acl[] = [];
  for (const entry of unique) {
    if (entry.id.scheme === 'auth') {
      const digests = ids.filter((id) => id.scheme === 'digest');
      if (digests.length === 0) fail(Code.INVALIDACL);
      for (const id of digests) out.push({ perms: entry.perms, id });
    } else if (entry.id.scheme === 'world' && entry.id.id === 'anyone') {
      out.push(entry);
    } else if (entry.id.scheme === 'digest' && entry.id.id.split(':').length === 2) {
      out.push(entry);
    } else {
      fail(Code.INVALIDACL);
    }
  }
  return out;
}

function allowed(acl: readonly Acl[], perm: number, ids: Id[]): boolean {
  if (acl.length === 0) return true;
  return acl.some(
    (a) =>
      (a.perms & perm) !== 0 &&
      ((a.id.scheme === 'world' && a.id.id === 'anyone') || ids.some((id) => id.scheme === a.id.scheme && id.id === a.id.id)),
  );
}

function cloneNodes(nodes: Map<string, ModelNode>): Map<string, ModelNode> {
  return new Map([...nodes].map(([p, n]) => [p, { ...n, acl: [...n.acl], children: new Set(n.children) }]));
}

function cloneWatches(table: Map<string, Set<number>>): Map<string, Set<number>> {
  return new Map([...table].map(([p, s]) => [p, new Set(s)]));
}
