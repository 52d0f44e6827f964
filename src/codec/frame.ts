// Length + CRC32 framing for durable records (file log segments, IndexedDB values): each frame is
// u32 length, u32 CRC-32 of (the length's 4 bytes + payload), then the payload, big-endian.
// readFrames tells a torn tail (the end of a write a crash cut short: never acknowledged, safe to cut)
// from corruption (a bad frame with good data after it, or an impossible length: refuse loudly).

import { assert } from '../core/util/assert.ts';
import { ByteWriter } from './byte-writer.ts';
import { CRC32_INIT, crc32Bytes, crc32Finish, crc32U32 } from '../core/util/crc32.ts';
import { limits } from '../core/util/limits.ts';

export const FRAME_HEADER_BYTES = 8;

/**
 * A CRC-32 continuing from a previous checksum (0 to start), as zlib's crc32(data, value) does:
 * platform adapters may pass a native one (node:zlib); the default is core's pure one.
 */
export type Crc32Fn = (bytes: Uint8Array, previous: number) => number;

export const pureCrc32: Crc32Fn = (bytes, previous) => crc32Finish(crc32Bytes(~previous, bytes));

const frameCrc = (length: number, bytes: Uint8Array, start: number): number =>
  crc32Finish(crc32Bytes(crc32U32(CRC32_INIT, length), bytes, start, start + length));


/** One framed record. */
export function frameRecord(payload: Uint8Array): Uint8Array {
  return frameRecords([payload]);
}

/** Several records framed back to back in one buffer: one write for a whole batch (group commit). */
export function frameRecords(payloads: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of payloads) {
    if (p.length > limits.record_bytes_max) assert(false, `record of ${p.length} bytes exceeds record_bytes_max`);
    total += FRAME_HEADER_BYTES + p.length;
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of payloads) {
    out.set(p, at + FRAME_HEADER_BYTES);
    view.setUint32(at, p.length);
    view.setUint32(at + 4, frameCrc(p.length, out, at + FRAME_HEADER_BYTES));
    at += FRAME_HEADER_BYTES + p.length;
  }
  return out;
}

/**
 * Encodes `items` with `write` straight into one framed buffer (no per-record allocation): the
 * batch a log appends with one write. Returns the bytes (a view into `into`, valid until its next
 * use) and each frame's offset in them.
 */
export function frameEach<T>(
  items: readonly T[],
  write: (w: ByteWriter, item: T) => void,
  into: ByteWriter = new ByteWriter(),
): { bytes: Uint8Array; offsets: number[] } {
  const w = into;
  w.reset();
  const offsets: number[] = [];
  for (const item of items) {
    const at = w.length;
    offsets.push(at);
    w.u32(0);
    w.u32(0);
    write(w, item);
    const length = w.length - at - FRAME_HEADER_BYTES;
    if (length > limits.record_bytes_max) assert(false, `record of ${length} bytes exceeds record_bytes_max`);
    w.patchU32(at, length);
    w.patchU32(at + 4, frameCrc(length, w.written(), at + FRAME_HEADER_BYTES));
  }
  return { bytes: w.written(), offsets };
}

export interface FrameProblem {
  /** torn: a cut or garbled last frame (cut it); corrupt: damage before the tail (refuse). */
  readonly kind: 'torn' | 'corrupt';
  /** Offset of the bad frame's first byte. */
  readonly offset: number;
  readonly detail: string;
}

export interface FrameScan {
  /** Payloads of the good frames, in order: views into the input, not copies. */
  readonly payloads: Uint8Array[];
  /** Offset of each good frame's header. */
  readonly offsets: number[];
  /** Where the good frames end: the length to cut a torn tail back to. */
  readonly validEnd: number;
  /** Set when the input does not end cleanly after the last good frame. */
  readonly problem?: FrameProblem;
}

/** Reads frames from `bytes` until the end or the first bad frame, and classifies what stopped it. */
export function readFrames(bytes: Uint8Array, maxRecordBytes: number = limits.record_bytes_max, crc?: Crc32Fn): FrameScan {
  const check =
    crc === undefined
      ? frameCrc
      : (length: number, b: Uint8Array, start: number): number => {
          const prefix = Uint8Array.of(length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
          return crc(b.subarray(start, start + length), crc(prefix, 0)) >>> 0;
        };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  const payloads: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  const stop = (kind: 'torn' | 'corrupt', detail: string): FrameScan => {
    // Zeros to the end are space a crash left unwritten (or preallocated): a torn tail too.
    const k = kind === 'corrupt' && allZero(bytes, at, end) ? 'torn' : kind;
    return { payloads, offsets, validEnd: at, problem: { kind: k, offset: at, detail } };
  };
  while (at < end) {
    if (end - at < FRAME_HEADER_BYTES) return stop('torn', `frame header cut: ${end - at} of ${FRAME_HEADER_BYTES} bytes`);
    const length = view.getUint32(at);
    const stored = view.getUint32(at + 4);
    if (length > maxRecordBytes) return stop('corrupt', `frame length ${length} exceeds ${maxRecordBytes}`);
    const frameEnd = at + FRAME_HEADER_BYTES + length;
    if (frameEnd > end) return stop('torn', `frame cut: ${end - at - FRAME_HEADER_BYTES} of ${length} payload bytes`);
    if (check(length, bytes, at + FRAME_HEADER_BYTES) !== stored) {
      return stop(frameEnd === end ? 'torn' : 'corrupt', 'frame CRC mismatch');
    }
    payloads.push(bytes.subarray(at + FRAME_HEADER_BYTES, frameEnd));
    offsets.push(at);
    at = frameEnd;
  }
  return { payloads, offsets, validEnd: at };
}

function allZero(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}
