// A snapshot file: two frames (length + CRC32), a small header and the state machine's bytes.
// The header records the snapshot's zxid, its generation, and the log floor: the oldest log
// generation that belongs to this snapshot's history (a replacing SNAP starts a new history, and
// segments older than the floor are dead even if a crash left them on disk).

import { ByteReader } from '../../codec/byte-reader.ts';
import { ByteWriter } from '../../codec/byte-writer.ts';
import { CodecError } from '../../codec/codec-error.ts';
import { frameRecords, readFrames, type Crc32Fn } from '../../codec/frame.ts';
import type { Zxid } from '../../core/zxid.ts';

const MAGIC = 0x4d4b534e; // "MKSN"
const VERSION = 1;

export interface SnapshotMeta {
  readonly gen: number;
  readonly floor: number;
  readonly zxid: Zxid;
}

export function encodeSnapshotFile(meta: SnapshotMeta, bytes: Uint8Array): Uint8Array {
  const w = new ByteWriter(32);
  w.u32(MAGIC);
  w.u8(VERSION);
  w.u32(meta.gen);
  w.u32(meta.floor);
  w.i64(meta.zxid);
  return frameRecords([w.finish(), bytes]);
}

/** The snapshot in `file`, or a reason it is not a whole, valid snapshot. */
export function decodeSnapshotFile(file: Uint8Array, crc?: Crc32Fn): { meta: SnapshotMeta; bytes: Uint8Array } | { invalid: string } {
  const scan = readFrames(file, file.length, crc);
  if (scan.problem !== undefined) return { invalid: `${scan.problem.detail} at byte ${scan.problem.offset}` };
  const [header, bytes] = scan.payloads;
  if (scan.payloads.length !== 2 || header === undefined || bytes === undefined) {
    return { invalid: `${scan.payloads.length} frames, expected 2` };
  }
  try {
    const r = new ByteReader(header);
    if (r.u32('magic') !== MAGIC) return { invalid: 'not a snapshot file (bad magic)' };
    const version = r.u8('version');
    if (version !== VERSION) return { invalid: `unknown snapshot format version ${version}` };
    const gen = r.u32('generation');
    const floor = r.u32('log floor');
    const zxid = r.i64('zxid') as Zxid;
    r.expectEnd('the snapshot header');
    return { meta: { gen, floor, zxid }, bytes };
  } catch (e) {
    if (e instanceof CodecError) return { invalid: e.message };
    throw e;
  }
}

/** Bytes enough to hold a snapshot file's header frame. */
export const SNAPSHOT_HEADER_BYTES_MAX = 64;

/** The header of a snapshot file from its first bytes, without reading (or checking) the state. */
export function decodeSnapshotHeader(prefix: Uint8Array): SnapshotMeta | undefined {
  const scan = readFrames(prefix, SNAPSHOT_HEADER_BYTES_MAX);
  const header = scan.payloads[0];
  if (header === undefined) return undefined;
  try {
    const r = new ByteReader(header);
    if (r.u32('magic') !== MAGIC || r.u8('version') !== VERSION) return undefined;
    const gen = r.u32('generation');
    const floor = r.u32('log floor');
    const zxid = r.i64('zxid') as Zxid;
    return { gen, floor, zxid };
  } catch (e) {
    if (e instanceof CodecError) return undefined;
    throw e;
  }
}

/** Bytes a snapshot file holds beyond the state: the header frame and the state frame's header. */
export const SNAPSHOT_FILE_OVERHEAD_BYTES = encodeSnapshotFile({ gen: 0, floor: 0, zxid: 0 as Zxid }, new Uint8Array(0)).length;
