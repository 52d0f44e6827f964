// Jute's primitive and shared types written with the ByteWriter (BinaryOutputArchive's layout):
// a non-negative buffer/ustring/vector length is the same four bytes as the writer's u32, so the
// ByteWriter's own length-prefixed writes serve; only booleans and the shared records live here.

import type { Acl } from '../../core/acl/types.ts';
import type { Stat } from '../../core/tree/stat.ts';
import { asSessionId } from '../../core/util/ids.ts';
import type { Zxid } from '../../core/zxid.ts';
import type { ByteWriter } from '../byte-writer.ts';
import type { JuteReader } from './jute-reader.ts';

export const writeBool = (w: ByteWriter, b: boolean): void => w.u8(b ? 1 : 0);

export function writeStrings(w: ByteWriter, items: readonly string[]): void {
  w.i32(items.length);
  for (const s of items) w.string(s);
}

/** vector<ACL>: perms, then the Id's scheme and id. */
export function writeAcls(w: ByteWriter, acl: readonly Acl[]): void {
  w.i32(acl.length);
  for (const entry of acl) {
    w.i32(entry.perms);
    w.string(entry.id.scheme);
    w.string(entry.id.id);
  }
}

/** ACL entries from a client; prep judges them (count, schemes, ids), the codec only their shape. */
export function readAcls(r: JuteReader, maxBytes: number): Acl[] {
  const count = r.vectorLength('acl', 12);
  const acl: Acl[] = [];
  for (let i = 0; i < count; i++) {
    const perms = r.int('acl perms');
    const scheme = r.ustring('acl scheme', maxBytes);
    const id = r.ustring('acl id', maxBytes);
    acl.push({ perms, id: { scheme, id } });
  }
  return acl;
}

export const STAT_BYTES = 68;

export function writeStat(w: ByteWriter, s: Stat): void {
  w.i64(s.czxid);
  w.i64(s.mzxid);
  w.i64(s.ctime);
  w.i64(s.mtime);
  w.i32(s.version);
  w.i32(s.cversion);
  w.i32(s.aversion);
  w.i64(s.ephemeralOwner);
  w.i32(s.dataLength);
  w.i32(s.numChildren);
  w.i64(s.pzxid);
}

/** A Stat from a server: its zxids and owner are taken as they come (they are the server's word). */
export function readStat(r: JuteReader): Stat {
  return {
    czxid: r.long('czxid') as Zxid,
    mzxid: r.long('mzxid') as Zxid,
    ctime: r.long('ctime'),
    mtime: r.long('mtime'),
    version: r.int('version'),
    cversion: r.int('cversion'),
    aversion: r.int('aversion'),
    ephemeralOwner: asSessionId(r.long('ephemeralOwner')),
    dataLength: r.int('dataLength'),
    numChildren: r.int('numChildren'),
    pzxid: r.long('pzxid') as Zxid,
  };
}
