// Txns <-> bytes: the compact, deterministic binary form the log (file and IndexedDB) stores.
// Layout (big-endian): u8 format version, then the header (sessionId i64, cxid i32, zxid i64,
// time i64), then a u8 body tag and the body's fields; strings and byte arrays are u32-length
// prefixed, strings UTF-8. The same txn always encodes to the same bytes. decodeTxn validates
// everything against limits.ts and the txn rules and throws a CodecError, never an assert.

import type { Acl } from '../core/acl/types.ts';
import { codeName, type ErrorCode } from '../core/errors.ts';
import type { MultiSubTxn, Txn, TxnBody, TxnHeader } from '../core/requests/txn.ts';
import { isCreateMode } from '../core/tree/create-mode.ts';
import { pathProblem } from '../core/tree/path.ts';
import { unreachable } from '../core/util/assert.ts';
import type { SessionId } from '../core/util/ids.ts';
import { limits } from '../core/util/limits.ts';
import { epochOf, type Zxid } from '../core/zxid.ts';
import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { writeAcl } from './acl-codec.ts';

export const TXN_FORMAT_VERSION = 1;
/** Where the header's zxid sits: after the version byte, sessionId and cxid. */
const ZXID_OFFSET = 1 + 8 + 4;

const Tag = {
  create: 1,
  delete: 2,
  deleteContainer: 3,
  setData: 4,
  setACL: 5,
  check: 6,
  error: 7,
  multi: 8,
  createSession: 9,
  closeSession: 10,
} as const satisfies Record<TxnBody['type'], number>;

export function encodeTxn(txn: Txn): Uint8Array {
  const w = new ByteWriter(64 + bodySizeHint(txn.body));
  writeTxn(w, txn);
  return w.finish();
}

/** Appends the encoding of `txn` to `w` (batch encoders frame many txns in one buffer). */
export function writeTxn(w: ByteWriter, txn: Txn): void {
  w.u8(TXN_FORMAT_VERSION);
  w.i64(txn.header.sessionId);
  w.i32(txn.header.cxid);
  w.i64(txn.header.zxid);
  w.i64(txn.header.time);
  writeBody(w, txn.body);
}

function bodySizeHint(body: TxnBody): number {
  if (body.type === 'create' || body.type === 'setData') return body.path.length + body.data.length + 64;
  if (body.type === 'multi') return body.txns.length * 64;
  return 64;
}

function writeBody(w: ByteWriter, body: TxnBody): void {
  w.u8(Tag[body.type]);
  switch (body.type) {
    case 'create':
      w.string(body.path);
      w.bytes(body.data);
      writeAcl(w, body.acl);
      w.u8(body.mode);
      w.i64(body.ttl);
      w.i32(body.parentCversion);
      return;
    case 'delete':
    case 'deleteContainer':
      w.string(body.path);
      return;
    case 'setData':
      w.string(body.path);
      w.bytes(body.data);
      w.i32(body.version);
      return;
    case 'setACL':
      w.string(body.path);
      writeAcl(w, body.acl);
      w.i32(body.version);
      return;
    case 'check':
      w.string(body.path);
      w.i32(body.version);
      return;
    case 'error':
      w.i32(body.code);
      return;
    case 'multi':
      w.u32(body.txns.length);
      for (const sub of body.txns) writeBody(w, sub);
      return;
    case 'createSession':
      w.i32(body.timeoutMs);
      return;
    case 'closeSession':
      return;
    default:
      unreachable(body, 'unknown txn type');
  }
}

/**
 * Decodes exactly one txn occupying all of `bytes`; throws CodecError on anything malformed.
 * `shareBytes`: znode data become views into `bytes` rather than copies (for a caller that keeps
 * `bytes` unchanged, such as log recovery reading a whole segment).
 */
export function decodeTxn(bytes: Uint8Array, shareBytes = false): Txn {
  const r = new ByteReader(bytes, 0, bytes.length, !shareBytes);
  const version = r.u8('format version');
  if (version !== TXN_FORMAT_VERSION) r.fail(`unknown txn format version ${version}`, 0);
  const header = readHeader(r);
  const body = readBody(r, false);
  r.expectEnd('the txn');
  return { header, body };
}

/** The zxid of an encoded txn without decoding the rest (log scans for truncate and purge). */
export function peekTxnZxid(bytes: Uint8Array): Zxid {
  const r = new ByteReader(bytes, ZXID_OFFSET);
  return readZxid(r);
}

function readHeader(r: ByteReader): TxnHeader {
  const sessionAt = r.offset;
  const sessionId = r.i64('sessionId');
  if (sessionId < 0) r.fail(`negative sessionId ${sessionId}`, sessionAt);
  const cxid = r.i32('cxid');
  const zxid = readZxid(r);
  const time = r.i64('time');
  return { sessionId: sessionId as SessionId, cxid, zxid, time };
}

function readZxid(r: ByteReader): Zxid {
  const at = r.offset;
  const zxid = r.i64('zxid');
  if (zxid < 0 || epochOf(zxid as Zxid) > limits.epoch_max) r.fail(`zxid ${zxid} out of range`, at);
  return zxid as Zxid;
}

function readBody(r: ByteReader, inMulti: boolean): TxnBody {
  const tagAt = r.offset;
  const tag = r.u8('txn type');
  switch (tag) {
    case Tag.create: {
      const path = readPath(r, 'create path');
      const data = r.bytes('data', limits.data_bytes_max);
      const acl = readAcl(r);
      const modeAt = r.offset;
      const mode = r.u8('create mode');
      if (!isCreateMode(mode)) r.fail(`unknown create mode ${mode}`, modeAt);
      const ttlAt = r.offset;
      const ttl = r.i64('ttl');
      if (ttl < 0 || ttl > limits.ttl_ms_max) r.fail(`ttl ${ttl} out of range`, ttlAt);
      const parentCversion = r.i32('parentCversion');
      return { type: 'create', path, data, acl, mode, ttl, parentCversion };
    }
    case Tag.delete:
      return { type: 'delete', path: readPath(r, 'delete path') };
    case Tag.deleteContainer:
      if (inMulti) break;
      return { type: 'deleteContainer', path: readPath(r, 'deleteContainer path') };
    case Tag.setData: {
      const path = readPath(r, 'setData path');
      const data = r.bytes('data', limits.data_bytes_max);
      return { type: 'setData', path, data, version: r.i32('version') };
    }
    case Tag.setACL: {
      if (inMulti) break;
      const path = readPath(r, 'setACL path');
      const acl = readAcl(r);
      return { type: 'setACL', path, acl, version: r.i32('version') };
    }
    case Tag.check: {
      const path = readPath(r, 'check path');
      return { type: 'check', path, version: r.i32('version') };
    }
    case Tag.error: {
      const at = r.offset;
      const code = r.i32('error code');
      if (codeName(code) === undefined) r.fail(`unknown error code ${code}`, at);
      return { type: 'error', code: code as ErrorCode };
    }
    case Tag.multi: {
      if (inMulti) break;
      const at = r.offset;
      const count = r.u32('multi op count');
      if (count > limits.multi_ops_max) r.fail(`multi has ${count} ops, more than ${limits.multi_ops_max}`, at);
      const txns: MultiSubTxn[] = [];
      for (let i = 0; i < count; i++) txns.push(readBody(r, true) as MultiSubTxn);
      return { type: 'multi', txns };
    }
    case Tag.createSession: {
      if (inMulti) break;
      const at = r.offset;
      const timeoutMs = r.i32('session timeout');
      if (timeoutMs < 0) r.fail(`negative session timeout ${timeoutMs}`, at);
      return { type: 'createSession', timeoutMs };
    }
    case Tag.closeSession:
      if (inMulti) break;
      return { type: 'closeSession' };
    default:
      return r.fail(`unknown txn type tag ${tag}`, tagAt);
  }
  return r.fail(`txn type tag ${tag} is not allowed inside a multi`, tagAt);
}

function readPath(r: ByteReader, what: string): string {
  const at = r.offset;
  const path = r.string(what, limits.path_bytes_max);
  const problem = pathProblem(path);
  if (problem !== undefined) r.fail(`${what} is invalid: ${problem}`, at);
  return path;
}

function readAcl(r: ByteReader): Acl[] {
  const at = r.offset;
  const count = r.u32('acl count');
  if (count > limits.acl_entries_max) r.fail(`acl has ${count} entries, more than ${limits.acl_entries_max}`, at);
  const acl: Acl[] = [];
  for (let i = 0; i < count; i++) {
    const permsAt = r.offset;
    const perms = r.i32('acl perms');
    if (perms < 0 || perms > 31) r.fail(`acl perms ${perms} out of range`, permsAt);
    const scheme = r.string('acl scheme', limits.acl_id_bytes_max);
    const id = r.string('acl id', limits.acl_id_bytes_max);
    acl.push({ perms, id: { scheme, id } });
  }
  return acl;
}
