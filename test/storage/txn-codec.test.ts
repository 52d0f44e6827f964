import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../src/codec/codec-error.ts';
import { decodeTxn, encodeTxn, peekTxnZxid } from '../../src/codec/txn-codec.ts';
import type { Txn } from '../../src/core/requests/txn.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { asSessionId } from '../../src/core/util/ids.ts';
import { makeZxid } from '../../src/core/zxid.ts';
import { txnArb } from './txn-arbitrary.ts';

const header = { sessionId: asSessionId(2 ** 52 + 7), cxid: -3, zxid: makeZxid(5, 2 ** 32 - 1), time: 1_700_000_000_123 };
const everyType: Txn[] = [
  { header, body: { type: 'create', path: '/a/ü', data: Uint8Array.of(1, 2), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], mode: CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, ttl: 2 ** 40 - 1, parentCversion: -1 } },
  { header, body: { type: 'delete', path: '/a' } },
  { header, body: { type: 'deleteContainer', path: '/c' } },
  { header, body: { type: 'setData', path: '/', data: new Uint8Array(0), version: 2 ** 31 - 1 } },
  { header, body: { type: 'setACL', path: '/a', acl: [], version: 3 } },
  { header, body: { type: 'check', path: '/a', version: -1 } },
  { header, body: { type: 'error', code: -101 } },
  { header, body: { type: 'multi', txns: [{ type: 'check', path: '/a', version: 1 }, { type: 'error', code: -103 }] } },
  { header, body: { type: 'multi', txns: [] } },
  { header, body: { type: 'createSession', timeoutMs: 30_000 } },
  { header, body: { type: 'closeSession' } },
];

function expectCodecError(bytes: Uint8Array): CodecError {
  try {
    decodeTxn(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(CodecError);
    return e as CodecError;
  }
  throw new Error('decodeTxn accepted malformed bytes');
}

describe('txn codec', () => {
  it('round-trips one txn of every type, multi included', () => {
    for (const txn of everyType) expect(decodeTxn(encodeTxn(txn))).toEqual(txn);
  });

  it('round-trips any txn, and the same txn always encodes to the same bytes', () => {
    fc.assert(
      fc.property(txnArb, (txn) => {
        const bytes = encodeTxn(txn);
        expect(decodeTxn(bytes)).toEqual(txn);
        expect(encodeTxn(decodeTxn(bytes))).toEqual(bytes);
        expect(peekTxnZxid(bytes)).toBe(txn.header.zxid);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses every truncation of a valid txn with a CodecError', () => {
    fc.assert(
      fc.property(txnArb, (txn) => {
        const bytes = encodeTxn(txn);
        for (let cut = 0; cut < bytes.length; cut++) expectCodecError(bytes.subarray(0, cut));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses trailing bytes after a valid txn', () => {
    const bytes = encodeTxn(everyType[0]!);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(expectCodecError(longer).message).toMatch(/trailing/);
  });

  it('never throws anything but a CodecError on garbage, and accepts only what re-encodes identically', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        let txn: Txn | undefined;
        try {
          txn = decodeTxn(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(CodecError);
          return;
        }
        expect(encodeTxn(txn)).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses flipped bytes inside a txn cleanly: a CodecError or another valid txn, never a crash', () => {
    fc.assert(
      fc.property(txnArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (txn, where, flip) => {
        const bytes = encodeTxn(txn);
        const i = where % bytes.length;
        bytes[i] = bytes[i]! ^ flip;
        try {
          decodeTxn(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(CodecError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('names what is wrong: an unknown type tag, a bad path, a nested multi, a foreign version', () => {
    const del = encodeTxn({ header, body: { type: 'delete', path: '/a' } });
    const badTag = del.slice();
    badTag[29] = 99;
    expect(expectCodecError(badTag).message).toMatch(/unknown txn type tag 99/);
    const badPath = encodeTxn({ header, body: { type: 'delete', path: '/a' } });
    badPath[badPath.length - 2] = 0x78; // 'x' replaces '/': "xa"
    expect(expectCodecError(badPath).message).toMatch(/delete path is invalid/);
    const nested = encodeTxn({ header, body: { type: 'multi', txns: [{ type: 'error', code: -1 }] } });
    nested[34] = 8; // the sub-txn's tag becomes multi
    expect(expectCodecError(nested).message).toMatch(/not allowed inside a multi/);
    const version = del.slice();
    version[0] = 2;
    expect(expectCodecError(version).offset).toBe(0);
  });

  it('refuses a zxid or session id beyond 2^53 rather than losing precision', () => {
    const bytes = encodeTxn(everyType[1]!);
    bytes[13] = 0x7f; // zxid's top byte
    expect(expectCodecError(bytes).message).toMatch(/zxid/);
    const session = encodeTxn(everyType[1]!);
    session[1] = 0x80; // negative session id
    expect(expectCodecError(session).message).toMatch(/sessionId/);
  });
});
