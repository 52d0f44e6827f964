// Jute's primitive types read from client bytes (BinaryInputArchive's layout): int and long are
// big-endian, boolean one byte, and buffer, ustring and vector carry a signed 32-bit length where
// -1 means null. Nulls read as empty (an empty buffer, string or vector) because the core's
// records have no nulls and ZooKeeper treats them alike; any other negative length is an error.
// Everything comes from outside, so every failure is a CodecError with the offset.

import { ByteReader } from '../byte-reader.ts';

export class JuteReader {
  private readonly r: ByteReader;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.r = new ByteReader(buf, start, end);
  }

  get offset(): number {
    return this.r.offset;
  }
  get remaining(): number {
    return this.r.remaining;
  }

  fail(detail: string, at = this.r.offset): never {
    return this.r.fail(detail, at);
  }

  int(what: string): number {
    return this.r.i32(what);
  }

  /** A long that must fit a JS safe integer (zxids and session ids do, limits.ts sees to it). */
  long(what: string): number {
    return this.r.i64(what);
  }

  /** Java's readBoolean: any byte but 0 is true. */
  bool(what: string): boolean {
    return this.r.u8(what) !== 0;
  }

  /** A buffer of at most `max` bytes, copied; null reads as empty. */
  buffer(what: string, max: number): Uint8Array {
    return this.isNull(what) ? new Uint8Array(0) : this.r.bytes(what, max);
  }

  /** A ustring of at most `maxBytes` UTF-8 bytes; null reads as ''. */
  ustring(what: string, maxBytes: number): string {
    return this.isNull(what) ? '' : this.r.string(what, maxBytes);
  }

  /**
   * A vector's element count (null reads as 0). Each element takes at least `minElementBytes`, so
   * a count the remaining bytes cannot hold is refused before anything is allocated for it.
   */
  vectorLength(what: string, minElementBytes: number): number {
    const at = this.r.offset;
    const count = this.r.i32(`${what} count`);
    if (count === -1) return 0;
    if (count < 0) this.fail(`${what} has a negative count ${count}`, at);
    if (count * minElementBytes > this.r.remaining) {
      this.fail(`truncated: ${what} claims ${count} elements, ${this.r.remaining} bytes left`, at);
    }
    return count;
  }

  /** A vector of ustrings. */
  strings(what: string, maxBytes: number): string[] {
    const count = this.vectorLength(what, 4);
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(this.ustring(what, maxBytes));
    return out;
  }

  /** Refuses trailing bytes. */
  expectEnd(what: string): void {
    this.r.expectEnd(what);
  }

  /**
   * Consumes a length of -1 (null) and says so; leaves any other length for the ByteReader, whose
   * u32 read of a non-negative length is the same number. Other negative lengths fail here.
   */
  private isNull(what: string): boolean {
    const at = this.r.offset;
    if (this.end - at < 4) return false; // the ByteReader reports the truncation
    const b = this.buf;
    if (b[at] === 0xff && b[at + 1] === 0xff && b[at + 2] === 0xff && b[at + 3] === 0xff) {
      this.r.i32(`${what} length`);
      return true;
    }
    if (b[at]! >= 0x80) this.fail(`${what} has a negative length`, at);
    return false;
  }
}
