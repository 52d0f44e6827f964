// Big-endian byte writing and bounds-checked reading for the tree snapshot. The writer is sized
// up front (the snapshot computes its exact length first); the reader turns every overrun or bad
// value into a KeeperError (MARSHALLINGERROR), never an assert: snapshot bytes come from disk or
// from a peer.

import { Code, KeeperError } from '../errors.ts';

export function snapshotError(detail: string): KeeperError {
  return new KeeperError(Code.MARSHALLINGERROR, `malformed tree snapshot: ${detail}`);
}

/** UTF-8 length of a string, lone surrogates counted as U+FFFD (3 bytes), as TextEncoder writes. */
export function utf8Bytes(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Short ASCII strings skip TextDecoder, whose per-call cost dominates for paths. */
const ASCII_FAST_BYTES_MAX = 256;

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

export class ByteWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly encoder = new TextEncoder();
  offset = 0;

  constructor(length: number) {
    this.bytes = new Uint8Array(length);
    this.view = new DataView(this.bytes.buffer);
  }

  u8(n: number): void {
    this.bytes[this.offset++] = n;
  }
  u32(n: number): void {
    this.view.setUint32(this.offset, n);
    this.offset += 4;
  }
  i32(n: number): void {
    this.view.setInt32(this.offset, n);
    this.offset += 4;
  }
  f64(n: number): void {
    this.view.setFloat64(this.offset, n);
    this.offset += 8;
  }
  raw(bytes: Uint8Array): void {
    this.bytes.set(bytes, this.offset);
    this.offset += bytes.length;
  }
  /** u32 byte length, then UTF-8; `length` is utf8Bytes(s), computed by the caller's sizing pass. */
  str(s: string, length: number): void {
    this.u32(length);
    if (length === s.length) {
      // ASCII (every path in practice): no encoder call, no subarray.
      const bytes = this.bytes;
      let at = this.offset;
      for (let i = 0; i < s.length; i++) bytes[at++] = s.charCodeAt(i);
      this.offset = at;
      return;
    }
    const { written } = this.encoder.encodeInto(s, this.bytes.subarray(this.offset, this.offset + length));
    this.offset += written;
  }
}

export class ByteReader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly end: number;
  offset = 0;

  /** Reads bytes[0, end). */
  constructor(bytes: Uint8Array, end: number) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }
  u32(): number {
    this.need(4);
    const n = this.view.getUint32(this.offset);
    this.offset += 4;
    return n;
  }
  i32(): number {
    this.need(4);
    const n = this.view.getInt32(this.offset);
    this.offset += 4;
    return n;
  }
  f64(): number {
    this.need(8);
    const n = this.view.getFloat64(this.offset);
    this.offset += 8;
    return n;
  }
  /** A view of the next `length` bytes (no copy). */
  raw(length: number): Uint8Array {
    this.need(length);
    const bytes = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }
  str(what: string, maxBytes: number): string {
    const length = this.u32();
    if (length > maxBytes) throw snapshotError(`${what} of ${length} bytes (at most ${maxBytes})`);
    const bytes = this.raw(length);
    if (length <= ASCII_FAST_BYTES_MAX && isAscii(bytes)) {
      return String.fromCharCode.apply(null, bytes as unknown as number[]);
    }
    try {
      return this.decoder.decode(bytes);
    } catch {
      throw snapshotError(`${what} is not valid UTF-8`);
    }
  }

  private need(length: number): void {
    if (length > this.end - this.offset) throw snapshotError(`truncated at byte ${this.offset}`);
  }
}
