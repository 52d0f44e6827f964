// Reply bodies (zookeeper.jute) <-> the core's Reply, shaped by the request's opcode. An error is
// the ReplyHeader's err with no body, as ZooKeeper sends it; so is exists on a missing node
// (NONODE), which the core answers with a null Stat. multi and multiRead answer with a
// MultiHeader{type, done, err} and a body per op (ErrorResponse{err} for a failed one) and a
// closing header {-1, true, -1}; their ReplyHeader err is 0 whatever the ops' fate.
// `mapCode` lets the server rewrite error codes a client may not know (gateway-codes.ts).

import { Code, codeName, type ErrorCode } from '../../core/errors.ts';
import type {
  CreateReply, GetChildrenReply, GetDataReply, MultiOpResult, ReadOpResult, Reply,
} from '../../core/requests/reply.ts';
import { AssertionError } from '../../core/util/assert.ts';
import { limits } from '../../core/util/limits.ts';
import type { ByteWriter } from '../byte-writer.ts';
import type { JuteReader } from './jute-reader.ts';
import { readAcls, readStat, writeAcls, writeBool, writeStat, writeStrings } from './jute-writer.ts';
import { OpCode } from './opcodes.ts';
import { STRING_BYTES_MAX } from './records.ts';
import type { ReplyShape } from './requests.ts';

export type CodeMap = (code: ErrorCode) => number;
const exact: CodeMap = (code) => code;

const mismatch = (reply: Reply, opcode: number): AssertionError =>
  new AssertionError(`a ${reply.type} reply does not answer opcode ${opcode}`);

/** Writes the body of `reply` to a request of `shape`; returns the ReplyHeader's err. */
export function writeReplyBody(w: ByteWriter, shape: ReplyShape, reply: Reply, mapCode: CodeMap = exact): number {
  const { opcode } = shape;
  if (reply.type === 'error') return mapCode(reply.code);
  switch (opcode) {
    case OpCode.exists:
      if (reply.type !== 'exists') throw mismatch(reply, opcode);
      if (reply.stat === null) return mapCode(Code.NONODE);
      writeStat(w, reply.stat);
      return 0;
    case OpCode.multi:
    case OpCode.multiRead: {
      if (reply.type !== 'multi' && reply.type !== 'multiRead') throw mismatch(reply, opcode);
      const ops = shape.ops ?? [];
      reply.results.forEach((result, i) => writeResult(w, ops[i] ?? opcode, result, mapCode));
      w.i32(-1);
      writeBool(w, true);
      w.i32(-1);
      return 0;
    }
    default:
      writeOne(w, opcode, reply);
      return 0;
  }
}

function writeResult(w: ByteWriter, opcode: number, result: MultiOpResult | ReadOpResult, mapCode: CodeMap): void {
  if (result.type === 'error') {
    const err = mapCode(result.code);
    w.i32(OpCode.error);
    writeBool(w, false);
    w.i32(err);
    w.i32(err);
    return;
  }
  // ZooKeeper answers every create form but plain create with a Create2Response (type create2).
  const type = result.type === 'create' && opcode !== OpCode.create ? OpCode.create2 : opcode;
  w.i32(type);
  writeBool(w, false);
  w.i32(0);
  writeOne(w, type, result);
}

/** The body of a successful single-op reply. */
function writeOne(w: ByteWriter, opcode: number, reply: Reply): void {
  const expect = <T extends Reply['type']>(type: T): Extract<Reply, { type: T }> => {
    if (reply.type !== type) throw mismatch(reply, opcode);
    return reply as Extract<Reply, { type: T }>;
  };
  switch (opcode) {
    case OpCode.create:
      w.string(expect('create').path);
      return;
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL: {
      const r = expect('create');
      w.string(r.path);
      writeStat(w, r.stat);
      return;
    }
    case OpCode.delete:
      expect('delete');
      return;
    case OpCode.check:
      expect('check');
      return;
    case OpCode.setData:
      writeStat(w, expect('setData').stat);
      return;
    case OpCode.setACL:
      writeStat(w, expect('setACL').stat);
      return;
    case OpCode.getData: {
      const r = expect('getData');
      w.bytes(r.data);
      writeStat(w, r.stat);
      return;
    }
    case OpCode.getACL: {
      const r = expect('getACL');
      writeAcls(w, r.acl);
      writeStat(w, r.stat);
      return;
    }
    case OpCode.getChildren:
      writeStrings(w, expect('getChildren').children);
      return;
    case OpCode.getChildren2: {
      const r = expect('getChildren');
      if (r.stat === undefined) throw new AssertionError('a getChildren2 reply without a stat');
      writeStrings(w, r.children);
      writeStat(w, r.stat);
      return;
    }
    case OpCode.sync:
      w.string(expect('sync').path);
      return;
    case OpCode.getEphemerals:
      writeStrings(w, expect('getEphemerals').paths);
      return;
    case OpCode.getAllChildrenNumber:
      w.i32(expect('getAllChildrenNumber').count);
      return;
    case OpCode.whoAmI: {
      const { ids } = expect('whoAmI');
      w.i32(ids.length);
      for (const id of ids) {
        w.string(id.scheme);
        w.string(id.id);
      }
      return;
    }
    case OpCode.auth:
    case OpCode.addWatch:
    case OpCode.removeWatches:
    case OpCode.checkWatches:
    case OpCode.closeSession:
    case OpCode.setWatches:
    case OpCode.setWatches2:
      return; // empty bodies
    default:
      throw new AssertionError(`no reply body for opcode ${opcode}`);
  }
}

const str = (r: JuteReader, what: string): string => r.ustring(what, STRING_BYTES_MAX);

function knownCode(r: JuteReader, err: number, at: number): ErrorCode {
  if (codeName(err) === undefined) r.fail(`unknown error code ${err}`, at);
  return err as ErrorCode;
}

/**
 * The reply to a request of `shape`, given the ReplyHeader's err (read at `errAt`, for messages).
 * A reply carries no type of its own, so the shape is what the client remembered it sent.
 */
export function readReplyBody(r: JuteReader, shape: ReplyShape, err: number, errAt = r.offset): Reply {
  const { opcode } = shape;
  if (err !== 0) {
    const code = knownCode(r, err, errAt);
    if (opcode === OpCode.exists && code === Code.NONODE) return { type: 'exists', stat: null };
    return { type: 'error', code };
  }
  if (opcode === OpCode.multi || opcode === OpCode.multiRead) {
    const results: (MultiOpResult | ReadOpResult)[] = [];
    for (;;) {
      const at = r.offset;
      const type = r.int('multi header type');
      const done = r.bool('multi header done');
      const headerErr = r.int('multi header err');
      if (done) break;
      if (results.length === limits.multi_ops_max) r.fail(`more than ${limits.multi_ops_max} results`, at);
      if (type === OpCode.error) {
        const codeAt = r.offset;
        results.push({ type: 'error', code: knownCode(r, r.int('error'), codeAt) });
        continue;
      }
      if (headerErr !== 0) r.fail(`a ${type} result with err ${headerErr}`, at);
      results.push(readOne(r, type, at) as MultiOpResult | ReadOpResult);
    }
    return opcode === OpCode.multi
      ? { type: 'multi', results: results as MultiOpResult[] }
      : { type: 'multiRead', results: results as ReadOpResult[] };
  }
  return readOne(r, opcode, r.offset);
}

function readOne(r: JuteReader, opcode: number, at: number): Reply {
  switch (opcode) {
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL: {
      const path = str(r, 'path');
      return { type: 'create', path, stat: readStat(r) } satisfies CreateReply;
    }
    case OpCode.delete:
      return { type: 'delete' };
    case OpCode.check:
      return { type: 'check' };
    case OpCode.exists:
      return { type: 'exists', stat: readStat(r) };
    case OpCode.setData:
      return { type: 'setData', stat: readStat(r) };
    case OpCode.setACL:
      return { type: 'setACL', stat: readStat(r) };
    case OpCode.getData: {
      const data = r.buffer('data', limits.client_packet_bytes_max);
      return { type: 'getData', data, stat: readStat(r) } satisfies GetDataReply;
    }
    case OpCode.getACL: {
      const acl = readAcls(r, STRING_BYTES_MAX);
      return { type: 'getACL', acl, stat: readStat(r) };
    }
    case OpCode.getChildren:
      return { type: 'getChildren', children: r.strings('children', STRING_BYTES_MAX) } satisfies GetChildrenReply;
    case OpCode.getChildren2: {
      const children = r.strings('children', STRING_BYTES_MAX);
      return { type: 'getChildren', children, stat: readStat(r) };
    }
    case OpCode.sync:
      return { type: 'sync', path: str(r, 'path') };
    case OpCode.getEphemerals:
      return { type: 'getEphemerals', paths: r.strings('ephemerals', STRING_BYTES_MAX) };
    case OpCode.getAllChildrenNumber:
      return { type: 'getAllChildrenNumber', count: r.int('totalNumber') };
    case OpCode.whoAmI: {
      const count = r.vectorLength('clientInfo', 8);
      const ids = [];
      for (let i = 0; i < count; i++) {
        const scheme = str(r, 'authScheme');
        ids.push({ scheme, id: str(r, 'user') });
      }
      return { type: 'whoAmI', ids };
    }
    case OpCode.auth:
      return { type: 'auth' };
    case OpCode.addWatch:
      return { type: 'addWatch' };
    case OpCode.removeWatches:
      return { type: 'removeWatches' };
    case OpCode.checkWatches:
      return { type: 'checkWatches' };
    case OpCode.closeSession:
      return { type: 'closeSession' };
    case OpCode.setWatches:
    case OpCode.setWatches2:
      // The watches that fired at once arrived as notifications ahead of this reply.
      return { type: 'setWatches', events: [] };
    case OpCode.create:
      // A plain create's reply has no Stat; meshkeeper's client always asks with create2.
      return r.fail('a create (opcode 1) reply carries no Stat: meshkeeper clients send create2', at);
    default:
      return r.fail(`no reply body for opcode ${opcode}`, at);
  }
}

