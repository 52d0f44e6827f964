import { describe, expect, it } from 'vitest';
import { crc32, crc32Bytes, crc32Finish, crc32I64, crc32U32, crc32Utf8, CRC32_INIT } from '../../../src/core/util/crc32.ts';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('crc32', () => {
  it('matches the standard check value: crc32("123456789") = 0xCBF43926', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('gives the same checksum however the bytes are split across calls', () => {
    const all = Uint8Array.from({ length: 37 }, (_, i) => (i * 151 + 3) & 0xff);
    for (let cut = 0; cut <= all.length; cut++) {
      const split = crc32Bytes(crc32Bytes(CRC32_INIT, all, 0, cut), all, cut);
      expect(crc32Finish(split)).toBe(crc32(all));
    }
  });

  it('feeds integers big-endian, 64-bit ones as two’s complement', () => {
    expect(crc32Finish(crc32U32(CRC32_INIT, 0x01020304))).toBe(crc32(bytes(1, 2, 3, 4)));
    expect(crc32Finish(crc32U32(CRC32_INIT, -2))).toBe(crc32(bytes(0xff, 0xff, 0xff, 0xfe)));
    expect(crc32Finish(crc32I64(CRC32_INIT, 2 ** 32 + 5))).toBe(crc32(bytes(0, 0, 0, 1, 0, 0, 0, 5)));
    expect(crc32Finish(crc32I64(CRC32_INIT, -1))).toBe(crc32(bytes(255, 255, 255, 255, 255, 255, 255, 255)));
  });

  it('feeds strings as their UTF-8 bytes', () => {
    for (const s of ['/plain', 'ü', '€uro', '😀 emoji', 'lone \ud800 surrogate']) {
      expect(crc32Finish(crc32Utf8(CRC32_INIT, s))).toBe(crc32(new TextEncoder().encode(s)));
    }
  });
});
