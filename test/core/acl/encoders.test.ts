import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Encode } from '../../../src/core/util/base64.ts';
import { sha1 } from '../../../src/core/util/sha1.ts';
import { utf8Decode, utf8Encode, utf8EncodedLength } from '../../../src/core/util/utf8.ts';

const nodeSha1 = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('sha1').update(bytes).digest());
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 64 }).map((units) => String.fromCharCode(...units));

describe('sha1', () => {
  it('matches the FIPS 180 examples', () => {
    expect(hex(sha1(new Uint8Array()))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(hex(sha1(new TextEncoder().encode('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(sha1(new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
  });

  it('agrees with node:crypto at every padding boundary from 0 to 200 bytes', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(hex(sha1(bytes))).toBe(hex(nodeSha1(bytes)));
    }
  });

  it('agrees with node:crypto on a message of many blocks', () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 7) & 0xff);
    expect(hex(sha1(bytes))).toBe(hex(nodeSha1(bytes)));
  });

  it('agrees with node:crypto on random input', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => hex(sha1(bytes)) === hex(nodeSha1(bytes))));
  });

  it('hashes a subarray view, not the buffer behind it', () => {
    const whole = Uint8Array.from({ length: 100 }, (_, i) => i);
    const view = whole.subarray(10, 50);
    expect(hex(sha1(view))).toBe(hex(nodeSha1(Uint8Array.from(view))));
  });
});

describe('base64', () => {
  it('pads one and two trailing bytes with = as RFC 4648 does', () => {
    expect(base64Encode(new TextEncoder().encode(''))).toBe('');
    expect(base64Encode(new TextEncoder().encode('f'))).toBe('Zg==');
    expect(base64Encode(new TextEncoder().encode('fo'))).toBe('Zm8=');
    expect(base64Encode(new TextEncoder().encode('foo'))).toBe('Zm9v');
    expect(base64Encode(new TextEncoder().encode('foobar'))).toBe('Zm9vYmFy');
  });

  it('agrees with Buffer on random input', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => base64Encode(bytes) === Buffer.from(bytes).toString('base64')));
  });
});

describe('utf8', () => {
  it('encodes like Buffer, a lone surrogate becoming U+FFFD', () => {
    fc.assert(
      fc.property(codeUnits, (text) => {
        const ours = utf8Encode(text);
        return hex(ours) === Buffer.from(text, 'utf8').toString('hex') && utf8EncodedLength(text) === ours.length;
      }),
    );
  });

  it('decodes every well-formed string back to itself', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => utf8Decode(utf8Encode(text)) === text));
  });

  it('decodes random bytes exactly as a fatal TextDecoder does, refusing what it refuses', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const reference = (bytes: Uint8Array): string | undefined => {
      try {
        return decoder.decode(bytes);
      } catch {
        return undefined;
      }
    };
    const interesting = fc.constantFrom(0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90);
    const bytes = fc.array(fc.oneof(interesting, fc.integer({ min: 0, max: 255 })), { maxLength: 24 }).map((a) => Uint8Array.from(a));
    fc.assert(fc.property(bytes, (b) => utf8Decode(b) === reference(b)), { numRuns: 5000 });
  });

  it('refuses overlong forms, encoded surrogates and code points past U+10FFFF', () => {
    expect(utf8Decode(Uint8Array.of(0xc0, 0xaf))).toBeUndefined();
    expect(utf8Decode(Uint8Array.of(0xe0, 0x80, 0xaf))).toBeUndefined();
    expect(utf8Decode(Uint8Array.of(0xed, 0xa0, 0x80))).toBeUndefined();
    expect(utf8Decode(Uint8Array.of(0xf4, 0x90, 0x80, 0x80))).toBeUndefined();
    expect(utf8Decode(Uint8Array.of(0xe2, 0x82))).toBeUndefined();
    expect(utf8Decode(Uint8Array.of(0xf0, 0x9f, 0x98, 0x80))).toBe('\u{1f600}');
  });

  it('decodes input longer than one flush chunk', () => {
    const text = 'é'.repeat(20_000) + '\u{1f600}';
    expect(utf8Decode(utf8Encode(text))).toBe(text);
  });
});
