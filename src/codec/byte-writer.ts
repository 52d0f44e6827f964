// A growable big-endian byte writer over a DataView. Integers must be in range: the writer is fed
// by our own code, so a bad value is a bug (an AssertionError), not input. The checks are inline
// rather than assert() calls so that the hot path builds no message strings.

import { AssertionError } from '../core/util/assert.ts';
import { utf8Encode } from '../core/util/utf8.ts';

const TWO_32 = 4294967296;

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(n: number): void {
    if (!(Number.isInteger(n) && n >= 0 && n <= 0xff)) throw new AssertionError(`u8 out of range: ${n}`);
    this.reserve(1);
    this.buf[this.pos++] = n;
  }

  i32(n: number): void {
    if (!(Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff)) throw new AssertionError(`i32 out of range: ${n}`);
    this.reserve(4);
    this.view.setInt32(this.pos, n);
    this.pos += 4;
  }

  u32(n: number): void {
    if (!(Number.isInteger(n) && n >= 0 && n <= 0xffffffff)) throw new AssertionError(`u32 out of range: ${n}`);
    this.reserve(4);
    this.view.setUint32(this.pos, n);
    this.pos += 4;
  }

  /** A safe integer as a big-endian 64-bit two's complement integer. */
  i64(n: number): void {
    if (!(Number.isSafeInteger(n))) throw new AssertionError(`i64 not a safe integer: ${n}`);
    const hi = Math.floor(n / TWO_32);
    this.reserve(8);
    this.view.setInt32(this.pos, hi);
    this.view.setUint32(this.pos + 4, n - hi * TWO_32);
    this.pos += 8;
  }

  /** Length-prefixed (u32) raw bytes. */
  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.raw(b);
  }

  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Length-prefixed UTF-8; ASCII is written directly, without an intermediate array. */
  string(s: string): void {
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      this.bytes(utf8Encode(s));
      return;
    }
    this.u32(s.length);
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
  }

  /** Forgets what was written, keeping the buffer (a writer reused batch after batch). */
  reset(): void {
    this.pos = 0;
  }

  /** Overwrites 4 bytes already written at `at` (a length or checksum known only afterwards). */
  patchU32(at: number, n: number): void {
    if (!(at >= 0 && at + 4 <= this.pos)) throw new AssertionError(`patch outside the written bytes: ${at}`);
    this.view.setUint32(at, n >>> 0);
  }

  /** The bytes written so far, without copying: valid until the next write. */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** The bytes written so far (a copy sized exactly). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
