import { describe, expect, it } from 'vitest';
import { OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from '../../../src/core/acl/types.ts';
import { DataTree } from '../../../src/core/tree/data-tree.ts';
import { sampleTxns } from './sample-tree.ts';
import { bytes, createOp, TxnClock } from './txn-builders.ts';

describe('digest', () => {
  it('is the same on two replicas fed the same txns', () => {
    const a = new DataTree();
    const b = new DataTree();
    for (const txn of sampleTxns()) {
      a.apply(txn);
      b.apply(txn);
      expect(a.digest()).toBe(b.digest());
    }
    expect(a.digest()).toBe(a.recomputeDigest());
  });

  it('differs once one replica applies a differing setData', () => {
    const clock = new TxnClock();
    const a = new DataTree();
    const b = new DataTree();
    for (const txn of sampleTxns(clock)) {
      a.apply(txn);
      b.apply(txn);
    }
    const header = clock.header();
    a.apply({ header, body: { type: 'setData', path: '/app', data: bytes('left'), version: 2 } });
    b.apply({ header, body: { type: 'setData', path: '/app', data: bytes('right'), version: 2 } });
    expect(a.digest()).not.toBe(b.digest());
  });

  it('changes with every kind of change to a node: data, version, ACL, stat times, children', () => {
    const clock = new TxnClock();
    const tree = new DataTree();
    const seen = new Set([tree.digest()]);
    tree.apply(clock.txn(createOp('/a')));
    seen.add(tree.digest());
    tree.apply(clock.txn({ type: 'setData', path: '/a', data: bytes(''), version: 1 }));
    seen.add(tree.digest());
    tree.apply(clock.txn({ type: 'setACL', path: '/a', acl: READ_ACL_UNSAFE, version: 1 }));
    seen.add(tree.digest());
    tree.apply(clock.txn({ type: 'setACL', path: '/a', acl: OPEN_ACL_UNSAFE, version: 1 }));
    seen.add(tree.digest());
    tree.apply(clock.txn(createOp('/a/b')));
    seen.add(tree.digest());
    tree.apply(clock.txn({ type: 'delete', path: '/a/b' }));
    seen.add(tree.digest());
    expect(seen.size).toBe(7);
    expect(tree.digest()).toBe(tree.recomputeDigest());
  });

  it('is the sum of the node hashes however the tree got there (incremental = from scratch)', () => {
    const clock = new TxnClock();
    const tree = new DataTree();
    for (let i = 0; i < 50; i++) tree.apply(clock.txn(createOp(`/n${i % 7}${i > 20 ? `/c${i}` : ''}`, { data: bytes(`${i}`) })));
    for (let i = 0; i < 7; i++) tree.apply(clock.txn({ type: 'setData', path: `/n${i}`, data: bytes('x'.repeat(i)), version: 1 }));
    expect(tree.digest()).toBe(tree.recomputeDigest());
  });
});
