// Client requests <-> bytes, for the requests a learner forwards to its leader inside a peer
// message. Layout (big-endian): u8 request tag, then the fields in declaration order; strings and
// byte arrays are u32-length prefixed, booleans one byte (0 or 1), an optional ttl a presence byte.
// The decoder only guarantees a well-formed Request: bounded sizes and known enum values. Whether
// a path or an ACL makes sense is prep's business, answered with a KeeperError code to the client,
// so that a request the leader refuses is refused with ZooKeeper's error rather than lost.

import type { Acl } from '../core/acl/types.ts';
import type { MultiOp, ReadOp, Request } from '../core/requests/request.ts';
import { isCreateMode } from '../core/tree/create-mode.ts';
import { unreachable } from '../core/util/assert.ts';
import { limits } from '../core/util/limits.ts';
import { AddWatchMode, WatcherType } from '../core/watches/events.ts';
import type { Zxid } from '../core/zxid.ts';
import type { ByteReader } from './byte-reader.ts';
import type { ByteWriter } from './byte-writer.ts';
import { writeAcl } from './acl-codec.ts';

const Tag = {
  create: 1,
  delete: 2,
  setData: 3,
  setACL: 4,
  check: 5,
  multi: 6,
  exists: 7,
  getData: 8,
  getACL: 9,
  getChildren: 10,
  multiRead: 11,
  getEphemerals: 12,
  getAllChildrenNumber: 13,
  sync: 14,
  addWatch: 15,
  removeWatches: 16,
  checkWatches: 17,
  auth: 18,
  whoAmI: 19,
  setWatches: 20,
} as const satisfies Record<Request['type'], number>;

/** Strings in a request are bounded only by ZooKeeper's jute.maxbuffer; prep judges the rest. */
const STRING_BYTES_MAX = limits.data_bytes_max;

export function writeRequest(w: ByteWriter, request: Request): void {
  w.u8(Tag[request.type]);
  switch (request.type) {
    case 'create':
      w.string(request.path);
      w.bytes(request.data);
      writeAcl(w, request.acl);
      w.u8(request.mode);
      if (request.ttl === undefined) w.u8(0);
      else {
        w.u8(1);
        w.i64(request.ttl);
      }
      return;
    case 'delete':
    case 'check':
      w.string(request.path);
      w.i32(request.version);
      return;
    case 'setData':
      w.string(request.path);
      w.bytes(request.data);
      w.i32(request.version);
      return;
    case 'setACL':
      w.string(request.path);
      writeAcl(w, request.acl);
      w.i32(request.version);
      return;
    case 'multi':
    case 'multiRead':
      w.u32(request.ops.length);
      for (const op of request.ops) writeRequest(w, op);
      return;
    case 'exists':
    case 'getData':
      w.string(request.path);
      w.u8(request.watch ? 1 : 0);
      return;
    case 'getChildren':
      w.string(request.path);
      w.u8(request.watch ? 1 : 0);
      w.u8(request.withStat ? 1 : 0);
      return;
    case 'getACL':
    case 'getAllChildrenNumber':
    case 'sync':
      w.string(request.path);
      return;
    case 'getEphemerals':
      w.string(request.prefix);
      return;
    case 'addWatch':
      w.string(request.path);
      w.u8(request.mode);
      return;
    case 'removeWatches':
    case 'checkWatches':
      w.string(request.path);
      w.u8(request.watcherType);
      return;
    case 'auth':
      w.string(request.scheme);
      w.bytes(request.auth);
      return;
    case 'whoAmI':
      return;
    case 'setWatches':
      // Served by the client's own peer, never forwarded; encoded so that every Request has a form.
      w.i64(request.relativeZxid);
      for (const list of [request.data, request.exist, request.child, request.persistent, request.persistentRecursive]) {
        w.u32(list.length);
        for (const path of list) w.string(path);
      }
      return;
    default:
      unreachable(request, 'unknown request type');
  }
}

/** Reads one request; `within` names the op list it sits in (multi ops and read ops are restricted). */
export function readRequest(r: ByteReader, within?: 'multi' | 'multiRead'): Request {
  const tagAt = r.offset;
  const tag = r.u8('request type');
  const request = readBody(r, tag);
  if (request === undefined) return r.fail(`unknown request type tag ${tag}`, tagAt);
  if (within === 'multi' && !isMultiOp(request)) r.fail(`${request.type} is not allowed inside a multi`, tagAt);
  if (within === 'multiRead' && !isReadOp(request)) r.fail(`${request.type} is not allowed inside a multiRead`, tagAt);
  return request;
}

const isMultiOp = (r: Request): r is MultiOp =>
  r.type === 'create' || r.type === 'delete' || r.type === 'setData' || r.type === 'check';
const isReadOp = (r: Request): r is ReadOp => r.type === 'getData' || r.type === 'getChildren';

function readBody(r: ByteReader, tag: number): Request | undefined {
  switch (tag) {
    case Tag.create: {
      const path = str(r, 'path');
      const data = r.bytes('data', limits.data_bytes_max);
      const acl = readAcl(r);
      const modeAt = r.offset;
      const mode = r.u8('create mode');
      if (!isCreateMode(mode)) r.fail(`unknown create mode ${mode}`, modeAt);
      if (!bool(r, 'ttl present')) return { type: 'create', path, data, acl, mode };
      return { type: 'create', path, data, acl, mode, ttl: r.i64('ttl') };
    }
    case Tag.delete:
      return { type: 'delete', path: str(r, 'path'), version: r.i32('version') };
    case Tag.check:
      return { type: 'check', path: str(r, 'path'), version: r.i32('version') };
    case Tag.setData: {
      const path = str(r, 'path');
      const data = r.bytes('data', limits.data_bytes_max);
      return { type: 'setData', path, data, version: r.i32('version') };
    }
    case Tag.setACL: {
      const path = str(r, 'path');
      const acl = readAcl(r);
      return { type: 'setACL', path, acl, version: r.i32('version') };
    }
    case Tag.multi:
      return { type: 'multi', ops: readOps(r, 'multi') as MultiOp[] };
    case Tag.multiRead:
      return { type: 'multiRead', ops: readOps(r, 'multiRead') as ReadOp[] };
    case Tag.exists:
      return { type: 'exists', path: str(r, 'path'), watch: bool(r, 'watch') };
    case Tag.getData:
      return { type: 'getData', path: str(r, 'path'), watch: bool(r, 'watch') };
    case Tag.getChildren: {
      const path = str(r, 'path');
      const watch = bool(r, 'watch');
      return { type: 'getChildren', path, watch, withStat: bool(r, 'withStat') };
    }
    case Tag.getACL:
      return { type: 'getACL', path: str(r, 'path') };
    case Tag.getAllChildrenNumber:
      return { type: 'getAllChildrenNumber', path: str(r, 'path') };
    case Tag.sync:
      return { type: 'sync', path: str(r, 'path') };
    case Tag.getEphemerals:
      return { type: 'getEphemerals', prefix: str(r, 'prefix') };
    case Tag.addWatch: {
      const path = str(r, 'path');
      const at = r.offset;
      const mode = r.u8('addWatch mode');
      if (mode !== AddWatchMode.PERSISTENT && mode !== AddWatchMode.PERSISTENT_RECURSIVE) r.fail(`unknown addWatch mode ${mode}`, at);
      return { type: 'addWatch', path, mode };
    }
    case Tag.removeWatches:
    case Tag.checkWatches: {
      const path = str(r, 'path');
      const at = r.offset;
      const watcherType = r.u8('watcher type');
      if (!isWatcherType(watcherType)) r.fail(`unknown watcher type ${watcherType}`, at);
      return { type: tag === Tag.removeWatches ? 'removeWatches' : 'checkWatches', path, watcherType };
    }
    case Tag.auth: {
      const scheme = str(r, 'auth scheme');
      return { type: 'auth', scheme, auth: r.bytes('auth', limits.data_bytes_max) };
    }
    case Tag.whoAmI:
      return { type: 'whoAmI' };
    case Tag.setWatches: {
      const relativeZxid = r.i64('relativeZxid') as Zxid;
      const list = (what: string): string[] => {
        const at = r.offset;
        const count = r.u32(`${what} count`);
        if (count > limits.watches_per_session_max) r.fail(`${count} ${what}, more than ${limits.watches_per_session_max}`, at);
        return Array.from({ length: count }, () => str(r, what));
      };
      const data = list('data watches');
      const exist = list('exist watches');
      const child = list('child watches');
      const persistent = list('persistent watches');
      return { type: 'setWatches', relativeZxid, data, exist, child, persistent, persistentRecursive: list('recursive watches') };
    }
    default:
      return undefined;
  }
}

function readOps(r: ByteReader, within: 'multi' | 'multiRead'): Request[] {
  const at = r.offset;
  const count = r.u32(`${within} op count`);
  if (count > limits.multi_ops_max) r.fail(`${within} has ${count} ops, more than ${limits.multi_ops_max}`, at);
  const ops: Request[] = [];
  for (let i = 0; i < count; i++) ops.push(readRequest(r, within));
  return ops;
}

function readAcl(r: ByteReader): Acl[] {
  const at = r.offset;
  const count = r.u32('acl count');
  if (count > limits.acl_entries_max) r.fail(`acl has ${count} entries, more than ${limits.acl_entries_max}`, at);
  const acl: Acl[] = [];
  for (let i = 0; i < count; i++) {
    const perms = r.i32('acl perms');
    const scheme = str(r, 'acl scheme');
    const id = str(r, 'acl id');
    acl.push({ perms, id: { scheme, id } });
  }
  return acl;
}

const str = (r: ByteReader, what: string): string => r.string(what, STRING_BYTES_MAX);

function bool(r: ByteReader, what: string): boolean {
  const at = r.offset;
  const b = r.u8(what);
  if (b > 1) r.fail(`${what} is ${b}, not a boolean`, at);
  return b === 1;
}

const watcherTypes: readonly number[] = Object.values(WatcherType);
const isWatcherType = (n: number): n is WatcherType => watcherTypes.includes(n);
