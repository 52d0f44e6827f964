// A bounds-checked big-endian byte reader. Every read validates against the input, and every
// failure is a CodecError with the offset: the input came from outside (a peer, a file).
// Integers are assembled from bytes rather than through a DataView: readers are made per record,
// and a DataView per record costs more than the reads themselves.

import { utf8Decode } from '../core/util/utf8.ts';
import { CodecError } from './codec-error.ts';

const TWO_32 = 4294967296;

export class ByteReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
    /** When false, bytes() returns views into the input instead of copies (the caller owns it). */
    private readonly copyBytes = true,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(detail: string, at = this.pos): never {
    throw new CodecError(detail, at);
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) this.fail(`truncated: ${what} needs ${n} bytes, ${this.end - this.pos} left`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  i32(what: string): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  u32(what: string): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** A 64-bit integer that must fit a JS safe integer. */
  i64(what: string): number {
    this.need(8, what);
    const at = this.pos;
    const hi = this.i32(what);
    const lo = this.u32(what);
    const n = hi * TWO_32 + lo;
    if (!Number.isSafeInteger(n)) this.fail(`${what} is outside the safe integer range`, at);
    return n;
  }

  /** u32 length-prefixed bytes, at most `max` long; a view into the input, not a copy. */
  bytesView(what: string, max: number): Uint8Array {
    const at = this.pos;
    const length = this.u32(`${what} length`);
    if (length > max) this.fail(`${what} is ${length} bytes, more than ${max}`, at);
    this.need(length, what);
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** u32 length-prefixed bytes, copied out of the input (unless the reader was made not to copy). */
  bytes(what: string, max: number): Uint8Array {
    const view = this.bytesView(what, max);
    return this.copyBytes ? view.slice() : view;
  }

  /** u32 length-prefixed strict UTF-8, at most `maxBytes` encoded. */
  string(what: string, maxBytes: number): string {
    const at = this.pos;
    const raw = this.bytesView(what, maxBytes);
    let ascii = true;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      let text = '';
      for (let i = 0; i < raw.length; i++) text += String.fromCharCode(raw[i]!);
      return text;
    }
    const text = utf8Decode(raw);
    if (text === undefined) this.fail(`${what} is not valid UTF-8`, at);
    return text;
  }

  /** Refuses trailing bytes: a record must be exactly as long as its contents. */
  expectEnd(what: string): void {
    if (this.pos !== this.end) this.fail(`${this.end - this.pos} trailing bytes after ${what}`);
  }
}
