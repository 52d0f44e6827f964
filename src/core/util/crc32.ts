// CRC-32 (IEEE 802.3, the polynomial of zlib, java.util.zip.CRC32 and ZooKeeper's digest), streamed.
// A running state is a signed 32-bit integer (it stays a small integer in V8); start from CRC32_INIT,
// feed bytes, strings and integers, and call crc32Finish for the unsigned checksum. Pure: the table
// below is computed once and never written again.

// Slicing-by-4 tables: T0 is the classic byte table; Tk advances a byte through k more zero bytes,
// so four table lookups (independent, so they run in parallel) consume four bytes at once.
const TABLES: Int32Array = (() => {
  const tables = new Int32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 4; t++) {
      const prev = tables[(t - 1) * 256 + n]!;
      tables[t * 256 + n] = tables[prev & 0xff]! ^ (prev >>> 8);
    }
  }
  return tables;
})();
const TABLE = TABLES.subarray(0, 256);

export const CRC32_INIT = -1;

export function crc32Byte(state: number, byte: number): number {
  return TABLE[(state ^ byte) & 0xff]! ^ (state >>> 8);
}

export function crc32Bytes(state: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = state;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c = slice4(c);
  }
  for (; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return c;
}

/** Consumes the four bytes already XORed into `c` (least significant first). */
function slice4(c: number): number {
  return (
    TABLES[768 + (c & 0xff)]! ^
    TABLES[512 + ((c >>> 8) & 0xff)]! ^
    TABLES[256 + ((c >>> 16) & 0xff)]! ^
    TABLES[c >>> 24]!
  );
}

/** Feeds the UTF-8 encoding of `s` (lone surrogates as U+FFFD, as TextEncoder does). */
export function crc32Utf8(state: number, s: string): number {
  let c = state;
  for (let i = 0; i < s.length; i++) {
    let code = s.charCodeAt(i);
    if (code < 0x80) {
      c = TABLE[(c ^ code) & 0xff]! ^ (c >>> 8);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        code = 0xfffd;
      }
    }
    if (code < 0x800) {
      c = crc32Byte(c, 0xc0 | (code >> 6));
    } else if (code < 0x10000) {
      c = crc32Byte(c, 0xe0 | (code >> 12));
      c = crc32Byte(c, 0x80 | ((code >> 6) & 0x3f));
    } else {
      c = crc32Byte(c, 0xf0 | (code >> 18));
      c = crc32Byte(c, 0x80 | ((code >> 12) & 0x3f));
      c = crc32Byte(c, 0x80 | ((code >> 6) & 0x3f));
    }
    c = crc32Byte(c, 0x80 | (code & 0x3f));
  }
  return c;
}

/** Feeds a 32-bit integer, big-endian (two's complement for negatives). */
export function crc32U32(state: number, n: number): number {
  // Big-endian bytes, consumed least significant first: byte-swap n.
  const swapped = ((n >>> 24) & 0xff) | ((n >>> 8) & 0xff00) | ((n & 0xff00) << 8) | (n << 24);
  return slice4(state ^ swapped);
}

/** Feeds an integral number as a big-endian 64-bit two's complement integer (Java's putLong). */
export function crc32I64(state: number, n: number): number {
  const hi = Math.floor(n / 4294967296);
  return crc32U32(crc32U32(state, hi | 0), n - hi * 4294967296);
}

export function crc32Finish(state: number): number {
  return ~state >>> 0;
}

/** The CRC-32 of `bytes`, as zlib's crc32() computes it. */
export function crc32(bytes: Uint8Array): number {
  return crc32Finish(crc32Bytes(CRC32_INIT, bytes));
}
