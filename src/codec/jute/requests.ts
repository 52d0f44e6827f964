// Client request bodies (zookeeper.jute) <-> the core's Request, by opcode. ZooKeeper names one
// operation with several opcodes (create, create2, createContainer, createTTL; getChildren and
// getChildren2): decoding keeps the opcode in a ReplyShape so that the reply goes back in the form
// the client asked for; encoding (meshkeeper's own wire client) always picks the richest form
// (create2, getChildren2 when a Stat is wanted), so every core Reply field survives the trip.
// A body that does not parse is a CodecError (the connection is closed, as ZooKeeper closes it on
// an IOException); a well-formed body with a value the core cannot name (a create flag of 9) is
// refused with BADARGUMENTS, as ZooKeeper's server refuses it.

import { Code, type ErrorCode } from '../../core/errors.ts';
import type { CreateRequest, MultiOp, ReadOp, Request } from '../../core/requests/request.ts';
import { CreateMode, isCreateMode, isTtlMode } from '../../core/tree/create-mode.ts';
import { unreachable } from '../../core/util/assert.ts';
import { limits } from '../../core/util/limits.ts';
import type { AddWatchMode, WatcherType } from '../../core/watches/events.ts';
import type { Zxid } from '../../core/zxid.ts';
import type { ByteWriter } from '../byte-writer.ts';
import type { JuteReader } from './jute-reader.ts';
import { readAcls, writeAcls, writeBool } from './jute-writer.ts';
import { OpCode } from './opcodes.ts';
import { readSetWatches, STRING_BYTES_MAX, writeSetWatches } from './records.ts';

/** What a reply must look like: the request's opcode and, for multi and multiRead, each op's. */
export interface ReplyShape {
  readonly opcode: number;
  readonly ops?: readonly number[];
}

/** A request body decoded: a core Request, or a refusal to answer with `code`. */
export type DecodedBody =
  | { readonly kind: 'request'; readonly request: Request; readonly shape: ReplyShape }
  | { readonly kind: 'refused'; readonly code: ErrorCode };

class Refusal {
  constructor(readonly code: ErrorCode) {}
}

const str = (r: JuteReader, what: string): string => r.ustring(what, STRING_BYTES_MAX);
const data = (r: JuteReader): Uint8Array => r.buffer('data', limits.client_packet_bytes_max);

/**
 * The body of a request with `opcode` (not ping, closeSession, setWatches or the handshake: the
 * caller handles those). Opcodes meshkeeper does not serve are refused with UNIMPLEMENTED.
 */
export function readRequestBody(r: JuteReader, opcode: number): DecodedBody {
  try {
    const decoded = readBody(r, opcode);
    if (decoded === undefined) return { kind: 'refused', code: Code.UNIMPLEMENTED };
    r.expectEnd(`the ${decoded.request.type} request`);
    return { kind: 'request', ...decoded };
  } catch (e) {
    if (e instanceof Refusal) return { kind: 'refused', code: e.code };
    throw e;
  }
}

type Body = { readonly request: Request; readonly shape: ReplyShape };

function readBody(r: JuteReader, opcode: number): Body | undefined {
  const one = (request: Request): Body => ({ request, shape: { opcode } });
  switch (opcode) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return one(readCreate(r, opcode));
    case OpCode.delete:
      return one({ type: 'delete', path: str(r, 'path'), version: r.int('version') });
    case OpCode.check:
      return one({ type: 'check', path: str(r, 'path'), version: r.int('version') });
    case OpCode.setData: {
      const path = str(r, 'path');
      const bytes = data(r);
      return one({ type: 'setData', path, data: bytes, version: r.int('version') });
    }
    case OpCode.setACL: {
      const path = str(r, 'path');
      const acl = readAcls(r, STRING_BYTES_MAX);
      return one({ type: 'setACL', path, acl, version: r.int('version') });
    }
    case OpCode.exists:
      return one({ type: 'exists', path: str(r, 'path'), watch: r.bool('watch') });
    case OpCode.getData:
      return one({ type: 'getData', path: str(r, 'path'), watch: r.bool('watch') });
    case OpCode.getChildren:
    case OpCode.getChildren2:
      return one({ type: 'getChildren', path: str(r, 'path'), watch: r.bool('watch'), withStat: opcode === OpCode.getChildren2 });
    case OpCode.getACL:
      return one({ type: 'getACL', path: str(r, 'path') });
    case OpCode.sync:
      return one({ type: 'sync', path: str(r, 'path') });
    case OpCode.getAllChildrenNumber:
      return one({ type: 'getAllChildrenNumber', path: str(r, 'path') });
    case OpCode.getEphemerals:
      return one({ type: 'getEphemerals', prefix: str(r, 'prefixPath') });
    case OpCode.addWatch: {
      const path = str(r, 'path');
      const mode = r.int('addWatch mode');
      if (mode !== 0 && mode !== 1) throw new Refusal(Code.BADARGUMENTS);
      return one({ type: 'addWatch', path, mode: mode as AddWatchMode });
    }
    case OpCode.removeWatches:
    case OpCode.checkWatches: {
      const path = str(r, 'path');
      const watcherType = r.int('watcher type');
      if (!(watcherType >= 1 && watcherType <= 5)) throw new Refusal(Code.BADARGUMENTS);
      const type = opcode === OpCode.removeWatches ? 'removeWatches' : 'checkWatches';
      return one({ type, path, watcherType: watcherType as WatcherType });
    }
    case OpCode.auth: {
      r.int('auth type'); // always 0; ZooKeeper ignores it
      const scheme = str(r, 'auth scheme');
      return one({ type: 'auth', scheme, auth: r.buffer('auth', limits.client_packet_bytes_max) });
    }
    case OpCode.whoAmI:
      return one({ type: 'whoAmI' });
    case OpCode.setWatches:
    case OpCode.setWatches2: {
      const s = readSetWatches(r, opcode === OpCode.setWatches2);
      return one({
        type: 'setWatches',
        relativeZxid: s.relativeZxid as Zxid,
        data: s.dataWatches,
        exist: s.existWatches,
        child: s.childWatches,
        persistent: s.persistentWatches,
        persistentRecursive: s.persistentRecursiveWatches,
      });
    }
    case OpCode.multi:
    case OpCode.multiRead:
      return readMulti(r, opcode);
    default:
      return undefined;
  }
}

function readCreate(r: JuteReader, opcode: number): CreateRequest {
  const path = str(r, 'path');
  const bytes = data(r);
  const acl = readAcls(r, STRING_BYTES_MAX);
  const flags = r.int('create flags');
  const ttl = opcode === OpCode.createTTL ? r.long('ttl') : undefined;
  if (!isCreateMode(flags)) throw new Refusal(Code.BADARGUMENTS);
  // ZooKeeper ties the opcode to the mode: a container only by createContainer, a TTL only by createTTL.
  const container = flags === CreateMode.CONTAINER;
  if (container !== (opcode === OpCode.createContainer)) throw new Refusal(Code.BADARGUMENTS);
  if (isTtlMode(flags) !== (opcode === OpCode.createTTL)) throw new Refusal(Code.BADARGUMENTS);
  const base = { type: 'create', path, data: bytes, acl, mode: flags } as const;
  return ttl === undefined ? base : { ...base, ttl };
}

const multiOps: ReadonlySet<number> = new Set([
  OpCode.create, OpCode.create2, OpCode.createContainer, OpCode.createTTL, OpCode.delete, OpCode.setData, OpCode.check,
]);
const readOps: ReadonlySet<number> = new Set([OpCode.getData, OpCode.getChildren]);

/** MultiHeader{type, done, err} before each op, then one with done = true. */
function readMulti(r: JuteReader, opcode: number): Body {
  const allowed = opcode === OpCode.multi ? multiOps : readOps;
  const ops: Request[] = [];
  const opcodes: number[] = [];
  for (;;) {
    const at = r.offset;
    const type = r.int('multi header type');
    const done = r.bool('multi header done');
    r.int('multi header err');
    if (done) break;
    if (!allowed.has(type)) r.fail(`opcode ${type} is not allowed in a ${opcode === OpCode.multi ? 'multi' : 'multiRead'}`, at);
    if (ops.length === limits.multi_ops_max) throw new Refusal(Code.BADARGUMENTS);
    const body = readBody(r, type);
    if (body === undefined) return r.fail(`unreadable op ${type}`, at);
    ops.push(body.request);
    opcodes.push(type);
  }
  const request: Request = opcode === OpCode.multi
    ? { type: 'multi', ops: ops as MultiOp[] }
    : { type: 'multiRead', ops: ops as ReadOp[] };
  return { request, shape: { opcode, ops: opcodes } };
}

/** The opcode meshkeeper's wire client sends `request` with (the richest form of each operation). */
export function opcodeOf(request: Request): number {
  switch (request.type) {
    case 'create':
      if (request.mode === CreateMode.CONTAINER) return OpCode.createContainer;
      return isTtlMode(request.mode) || request.ttl !== undefined ? OpCode.createTTL : OpCode.create2;
    case 'getChildren':
      return request.withStat ? OpCode.getChildren2 : OpCode.getChildren;
    case 'delete': return OpCode.delete;
    case 'check': return OpCode.check;
    case 'setData': return OpCode.setData;
    case 'setACL': return OpCode.setACL;
    case 'exists': return OpCode.exists;
    case 'getData': return OpCode.getData;
    case 'getACL': return OpCode.getACL;
    case 'sync': return OpCode.sync;
    case 'getAllChildrenNumber': return OpCode.getAllChildrenNumber;
    case 'getEphemerals': return OpCode.getEphemerals;
    case 'addWatch': return OpCode.addWatch;
    case 'removeWatches': return OpCode.removeWatches;
    case 'checkWatches': return OpCode.checkWatches;
    case 'auth': return OpCode.auth;
    case 'whoAmI': return OpCode.whoAmI;
    // SetWatches2 only when it has persistent watches: a server older than 3.6 knows only SetWatches.
    case 'setWatches':
      return request.persistent.length > 0 || request.persistentRecursive.length > 0 ? OpCode.setWatches2 : OpCode.setWatches;
    case 'multi': return OpCode.multi;
    case 'multiRead': return OpCode.multiRead;
    default:
      return unreachable(request, 'unknown request type');
  }
}

/** The reply shape of `request` as opcodeOf sends it. */
export function shapeOf(request: Request): ReplyShape {
  const opcode = opcodeOf(request);
  if (request.type === 'multi' || request.type === 'multiRead') return { opcode, ops: request.ops.map(opcodeOf) };
  return { opcode };
}

/** Writes `request`'s body in the form opcodeOf names (the header is the caller's). */
export function writeRequestBody(w: ByteWriter, request: Request): void {
  switch (request.type) {
    case 'create':
      w.string(request.path);
      w.bytes(request.data);
      writeAcls(w, request.acl);
      w.i32(request.mode);
      if (opcodeOf(request) === OpCode.createTTL) w.i64(request.ttl ?? 0);
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
      writeAcls(w, request.acl);
      w.i32(request.version);
      return;
    case 'exists':
    case 'getData':
    case 'getChildren':
      w.string(request.path);
      writeBool(w, request.watch);
      return;
    case 'getACL':
    case 'sync':
    case 'getAllChildrenNumber':
      w.string(request.path);
      return;
    case 'getEphemerals':
      w.string(request.prefix);
      return;
    case 'addWatch':
      w.string(request.path);
      w.i32(request.mode);
      return;
    case 'removeWatches':
    case 'checkWatches':
      w.string(request.path);
      w.i32(request.watcherType);
      return;
    case 'auth':
      w.i32(0);
      w.string(request.scheme);
      w.bytes(request.auth);
      return;
    case 'whoAmI':
      return;
    case 'setWatches': {
      const { relativeZxid, data, exist, child, persistent, persistentRecursive } = request;
      const record = {
        relativeZxid, dataWatches: data, existWatches: exist, childWatches: child,
        persistentWatches: persistent, persistentRecursiveWatches: persistentRecursive,
      };
      writeSetWatches(w, record, opcodeOf(request) === OpCode.setWatches2);
      return;
    }
    case 'multi':
    case 'multiRead':
      for (const op of request.ops) {
        w.i32(opcodeOf(op));
        writeBool(w, false);
        w.i32(-1);
        writeRequestBody(w, op);
      }
      w.i32(-1);
      writeBool(w, true);
      w.i32(-1);
      return;
    default:
      unreachable(request, 'unknown request type');
  }
}
