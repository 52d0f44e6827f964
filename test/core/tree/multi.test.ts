import { describe, expect, it } from 'vitest';
import { Code } from '../../../src/core/errors.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import { DataTree } from '../../../src/core/tree/data-tree.ts';
import { serializeTree } from '../../../src/core/tree/snapshot.ts';
import { EventType } from '../../../src/core/watches/events.ts';
import { bytes, checkOp, createOp, deleteOp, errorOp, setDataOp, text, TxnClock } from './txn-builders.ts';

function setup() {
  const tree = new DataTree();
  const clock = new TxnClock();
  tree.apply(clock.txn(createOp('/a', { data: bytes('a0') })));
  tree.apply(clock.txn(createOp('/a/child')));
  return { tree, clock };
}

describe('multi', () => {
  it('applies every op in order and returns their results and events together, in op order', () => {
    const { tree, clock } = setup();
    const { reply, events } = tree.apply(
      clock.txn({
        type: 'multi',
        txns: [createOp('/b'), setDataOp('/a', bytes('a1'), 1), checkOp('/a', 1), deleteOp('/a/child')],
      }),
    );
    expect(reply.type).toBe('multi');
    if (reply.type !== 'multi') return;
    expect(reply.results.map((r) => r.type)).toEqual(['create', 'setData', 'check', 'delete']);
    expect(reply.results[0]).toEqual({ type: 'create', path: '/b', stat: tree.get('/b')!.stat() });
    expect(events).toEqual([
      { type: EventType.NodeCreated, path: '/b' },
      { type: EventType.NodeChildrenChanged, path: '/' },
      { type: EventType.NodeDataChanged, path: '/a' },
      { type: EventType.NodeDeleted, path: '/a/child' },
      { type: EventType.NodeChildrenChanged, path: '/a' },
    ]);
    expect(text(tree.get('/a')!.data)).toBe('a1');
    // Every op of a multi shares the multi's zxid.
    expect(tree.get('/b')!.stat().czxid).toBe(clock.zxid());
    expect(tree.get('/a')!.stat().mzxid).toBe(clock.zxid());
  });

  it('lets an op see the effects of the ops before it in the same multi', () => {
    const { tree, clock } = setup();
    const { reply } = tree.apply(
      clock.txn({
        type: 'multi',
        txns: [deleteOp('/a/child'), deleteOp('/a'), createOp('/a'), createOp('/a/x'), deleteOp('/a/x')],
      }),
    );
    expect(reply.type === 'multi' && reply.results.every((r) => r.type !== 'error')).toBe(true);
    expect(tree.get('/a')!.children()).toEqual([]);
  });

  it("with an ErrorTxn changes nothing: ops before it get OK, the ErrorTxn its code, ops after RUNTIMEINCONSISTENCY (ZooKeeper's processTxn)", () => {
    const { tree, clock } = setup();
    const before = serializeTree(tree);
    const { reply, events } = tree.apply(
      clock.txn({
        type: 'multi',
        txns: [createOp('/b'), errorOp(Code.BADVERSION), setDataOp('/a', bytes('x'), 1), errorOp(Code.RUNTIMEINCONSISTENCY)],
      }),
    );
    expect(reply).toEqual({
      type: 'multi',
      results: [
        { type: 'error', code: Code.OK },
        { type: 'error', code: Code.BADVERSION },
        { type: 'error', code: Code.RUNTIMEINCONSISTENCY },
        { type: 'error', code: Code.RUNTIMEINCONSISTENCY },
      ],
    });
    expect(events).toEqual([]);
    expect(tree.get('/b')).toBeUndefined();
    // Only lastZxid (bytes 1-8 of a snapshot, and so its checksum) moved.
    expect(tree.lastZxid).toBe(clock.zxid());
    const after = serializeTree(tree);
    expect(after.subarray(9, after.length - 4)).toEqual(before.subarray(9, before.length - 4));
  });

  it('keeps the codes prep chose when every op is an ErrorTxn', () => {
    const { tree, clock } = setup();
    const { reply } = tree.apply(
      clock.txn({ type: 'multi', txns: [errorOp(Code.OK), errorOp(Code.NONODE), errorOp(Code.RUNTIMEINCONSISTENCY)] }),
    );
    expect(reply).toEqual({
      type: 'multi',
      results: [
        { type: 'error', code: Code.OK },
        { type: 'error', code: Code.NONODE },
        { type: 'error', code: Code.RUNTIMEINCONSISTENCY },
      ],
    });
  });

  it('whose op cannot apply is undone whole, with the same result shape and no events', () => {
    const { tree, clock } = setup();
    const digest = tree.digest();
    const before = serializeTree(tree);
    const { reply, events } = tree.apply(
      clock.txn({
        type: 'multi',
        txns: [createOp('/b'), setDataOp('/a', bytes('x'), 1), deleteOp('/a'), createOp('/c')],
      }),
    );
    expect(reply).toEqual({
      type: 'multi',
      results: [
        { type: 'error', code: Code.OK },
        { type: 'error', code: Code.OK },
        { type: 'error', code: Code.NOTEMPTY },
        { type: 'error', code: Code.RUNTIMEINCONSISTENCY },
      ],
    });
    expect(events).toEqual([]);
    expect(tree.digest()).toBe(digest);
    expect(tree.get('/b')).toBeUndefined();
    expect(text(tree.get('/a')!.data)).toBe('a0');
    const after = serializeTree(tree);
    expect(after.subarray(9, after.length - 4)).toEqual(before.subarray(9, before.length - 4));
  });

  it('fails on a create under a node deleted earlier in the same multi (NONODE) and on an ephemeral parent', () => {
    const { tree, clock } = setup();
    const first = tree.apply(clock.txn({ type: 'multi', txns: [deleteOp('/a/child'), deleteOp('/a'), createOp('/a/z')] }));
    expect(first.reply).toEqual({
      type: 'multi',
      results: [
        { type: 'error', code: Code.OK },
        { type: 'error', code: Code.OK },
        { type: 'error', code: Code.NONODE },
      ],
    });
    const second = tree.apply(
      clock.txn({ type: 'multi', txns: [createOp('/e', { mode: CreateMode.EPHEMERAL }), createOp('/e/x')] }),
    );
    expect(second.reply).toEqual({
      type: 'multi',
      results: [
        { type: 'error', code: Code.OK },
        { type: 'error', code: Code.NOCHILDRENFOREPHEMERALS },
      ],
    });
    expect(tree.get('/a/child')).toBeDefined();
    expect(tree.get('/e')).toBeUndefined();
  });
});
