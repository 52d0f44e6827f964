import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Code, KeeperError } from '../../../src/core/errors.ts';
import { DataTree } from '../../../src/core/tree/data-tree.ts';
import { deserializeTree, serializeTree } from '../../../src/core/tree/snapshot.ts';
import { crc32 } from '../../../src/core/util/crc32.ts';
import { makeZxid } from '../../../src/core/zxid.ts';
import { sampleTree, visibleState } from './sample-tree.ts';
import { bytes, createOp, SESSION_A, SESSION_B } from './txn-builders.ts';

/** Replaces the trailing CRC so that a deliberate corruption gets past the checksum. */
function withCrc(snapshot: Uint8Array): Uint8Array {
  const out = snapshot.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)));
  return out;
}

/** Offset of the mode byte that follows `path`'s encoding in a snapshot. */
function afterPath(snapshot: Uint8Array, path: string): number {
  const needle = bytes(path);
  for (let i = 4; i + needle.length <= snapshot.length; i++) {
    if (new DataView(snapshot.buffer).getUint32(i - 4) !== needle.length) continue;
    if (needle.every((b, j) => snapshot[i + j] === b)) return i + needle.length;
  }
  throw new Error(`${path} not in snapshot`);
}

function replacePath(snapshot: Uint8Array, from: string, to: string): Uint8Array {
  const out = snapshot.slice();
  out.set(bytes(to), afterPath(snapshot, from) - bytes(from).length);
  return withCrc(out);
}

function expectRejected(snapshot: Uint8Array, code: number = Code.MARSHALLINGERROR): void {
  try {
    deserializeTree(snapshot);
  } catch (e) {
    expect(e).toBeInstanceOf(KeeperError);
    expect((e as KeeperError).code).toBe(code);
    return;
  }
  throw new Error('snapshot was accepted');
}

describe('snapshot round trip', () => {
  it('serialize(deserialize(b)) equals b, byte for byte', () => {
    const { tree } = sampleTree();
    const snapshot = serializeTree(tree);
    expect(serializeTree(deserializeTree(snapshot))).toEqual(snapshot);
    expect(serializeTree(tree)).toEqual(snapshot);
  });

  it('restores every node as get() shows it, the digest, lastZxid and the session, container and TTL indexes', () => {
    const { tree } = sampleTree();
    const restored = deserializeTree(serializeTree(tree));
    expect(visibleState(restored)).toEqual(visibleState(tree));
    expect(restored.nodeCount).toBe(tree.nodeCount);
    expect(restored.digest()).toBe(tree.digest());
    expect(restored.lastZxid).toBe(tree.lastZxid);
    expect(restored.ephemeralsOf(SESSION_A)).toEqual(tree.ephemeralsOf(SESSION_A));
    expect(restored.sessionsWithEphemerals()).toEqual([SESSION_A, SESSION_B]);
    expect(restored.expiredTtlNodes(Number.MAX_SAFE_INTEGER)).toEqual(['/app/cache']);
    expect(restored.get('/app/secret')!.acl).toBe(restored.get('/app/z')!.acl);
  });

  it('restores a tree that then goes on exactly like the original', () => {
    const { tree, clock } = sampleTree();
    const restored = deserializeTree(serializeTree(tree));
    for (const txn of [
      clock.txn(createOp('/app/locks/lock-0000000002'), SESSION_A),
      clock.txn({ type: 'closeSession' }, SESSION_B),
      clock.txn({ type: 'delete', path: '/app/z' }),
      clock.txn({ type: 'deleteContainer', path: '/app/cache' }),
    ]) {
      expect(restored.apply(txn)).toEqual(tree.apply(txn));
    }
    expect(serializeTree(restored)).toEqual(serializeTree(tree));
  });

  it('reads a snapshot that sits inside a larger buffer, and keeps no reference to it', () => {
    const { tree } = sampleTree();
    const snapshot = serializeTree(tree);
    const buffer = new Uint8Array(snapshot.length + 10);
    buffer.set(snapshot, 3);
    const restored = deserializeTree(buffer.subarray(3, 3 + snapshot.length));
    buffer.fill(0);
    expect(visibleState(restored)).toEqual(visibleState(tree));
  });

  it('stores each distinct ACL list once however many nodes use it', () => {
    const tree = new DataTree();
    const small = serializeTree(tree).length;
    for (let i = 1; i <= 100; i++) {
      tree.apply({ header: { sessionId: SESSION_A, cxid: i, zxid: makeZxid(1, i), time: i }, body: createOp(`/n${i}`) });
    }
    const perNode = (serializeTree(tree).length - small) / 100;
    expect(perNode).toBeLessThan(4 + 5 + 69 + 1);
    expect(new TextDecoder().decode(serializeTree(tree)).split('anyone').length - 1).toBe(2);
  });
});

describe('malformed snapshots', () => {
  const good = serializeTree(sampleTree().tree);

  it('rejects empty, short, truncated and over-long bytes', () => {
    expectRejected(new Uint8Array(0));
    expectRejected(good.subarray(0, 10));
    for (let length = 0; length < good.length; length += 7) {
      expectRejected(good.subarray(0, length));
      expectRejected(withCrc(Uint8Array.from([...good.subarray(0, length), 0, 0, 0, 0])));
    }
    expectRejected(withCrc(Uint8Array.from([...good, 0])));
  });

  it('rejects an unknown version and a checksum mismatch', () => {
    const future = good.slice();
    future[0] = 2;
    expectRejected(withCrc(future));
    const flipped = good.slice();
    flipped[good.length >> 1]! ^= 0x10;
    expectRejected(flipped);
  });

  it('rejects a node out of preorder, a duplicate path, an invalid path, a bad mode and a bad ACL index', () => {
    expectRejected(replacePath(good, '/app/locks/lock-0000000001', '/app/xxxxx/lock-0000000001'));
    expectRejected(replacePath(good, '/app/z', '/app/a'));
    expectRejected(replacePath(good, '/app/a', '/app/.'));
    const badMode = good.slice();
    badMode[afterPath(good, '/app/a')] = 9;
    expectRejected(withCrc(badMode));
    const badAcl = good.slice();
    new DataView(badAcl.buffer).setUint32(afterPath(good, '/app/a') + 1, 77);
    expectRejected(withCrc(badAcl));
  });

  it('rejects a child under an ephemeral', () => {
    const tree = new DataTree();
    tree.apply({ header: { sessionId: SESSION_A, cxid: 1, zxid: makeZxid(1, 1), time: 1 }, body: createOp('/e', { mode: 1 }) });
    tree.apply({ header: { sessionId: SESSION_A, cxid: 2, zxid: makeZxid(1, 2), time: 2 }, body: createOp('/f') });
    tree.apply({ header: { sessionId: SESSION_A, cxid: 3, zxid: makeZxid(1, 3), time: 3 }, body: createOp('/f/x') });
    expectRejected(replacePath(serializeTree(tree), '/f/x', '/e/x'));
  });

  it('answers DATAINCONSISTENCY when the nodes parse but do not hash to the stored digest', () => {
    const wrongDigest = good.slice();
    new DataView(wrongDigest.buffer).setFloat64(9, 12345);
    expectRejected(withCrc(wrongDigest), Code.DATAINCONSISTENCY);
  });

  it('never fails with anything but a KeeperError, whatever bytes are changed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 5), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const corrupt = good.slice();
        for (const [at, xor] of edits) corrupt[at]! ^= xor;
        try {
          deserializeTree(withCrc(corrupt));
        } catch (e) {
          expect(e).toBeInstanceOf(KeeperError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
