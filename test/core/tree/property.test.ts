import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPEN_ACL_UNSAFE, Perms, READ_ACL_UNSAFE, type Acl } from '../../../src/core/acl/types.ts';
import { Code } from '../../../src/core/errors.ts';
import type { MultiSubTxn, Txn, TxnBody } from '../../../src/core/requests/txn.ts';
import { type CreateMode, isTtlMode } from '../../../src/core/tree/create-mode.ts';
import { DataTree } from '../../../src/core/tree/data-tree.ts';
import { deserializeTree, serializeTree } from '../../../src/core/tree/snapshot.ts';
import { asSessionId } from '../../../src/core/util/ids.ts';
import { visibleState } from './sample-tree.ts';
import { prepCreate, TxnClock } from './txn-builders.ts';

const PATHS = ['/a', '/a/b', '/a/b/c', '/a/d', '/b', '/b/e', '/c', '/zookeeper/q'];
const ACLS: readonly (readonly Acl[])[] = [
  OPEN_ACL_UNSAFE,
  READ_ACL_UNSAFE,
  [{ perms: Perms.ALL, id: { scheme: 'digest', id: 'bob:xyz' } }],
];

const opArb = fc.record({
  kind: fc.constantFrom('create', 'create', 'create', 'delete', 'delete', 'setData', 'setData', 'check', 'error'),
  path: fc.nat(PATHS.length - 1),
  /** Most ops pick a path they can apply to; the rest take any path and often fail. */
  sensible: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
  mode: fc.integer({ min: 0, max: 6 }),
  data: fc.uint8Array({ maxLength: 24 }),
  acl: fc.nat(ACLS.length - 1),
});
type OpDesc = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

const txnArb = fc.oneof(
  { weight: 6, arbitrary: opArb.map((op) => ({ kind: 'op' as const, op, session: 1 })) },
  { weight: 2, arbitrary: fc.array(opArb, { minLength: 1, maxLength: 4 }).map((ops) => ({ kind: 'multi' as const, ops })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('setACL' as const), path: fc.nat(PATHS.length - 1), acl: fc.nat(ACLS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('closeSession' as const), session: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteContainer' as const), path: fc.nat(PATHS.length - 1) }) },
);
type TxnDesc = typeof txnArb extends fc.Arbitrary<infer T> ? T : never;

/** PATHS[op.path], or when the op is sensible, the op.path-th of the paths it can apply to. */
function pickPath(tree: DataTree, op: OpDesc): string {
  const fits = (path: string): boolean => {
    const node = tree.get(path);
    if (op.kind === 'create') return node === undefined && tree.get(path.slice(0, Math.max(1, path.lastIndexOf('/')))) !== undefined;
    if (op.kind === 'delete') return node !== undefined && node.childCount === 0;
    return node !== undefined;
  };
  const candidates = op.sensible ? PATHS.filter(fits) : PATHS;
  return candidates.length === 0 ? PATHS[op.path]! : candidates[op.path % candidates.length]!;
}

/** A sub-txn as a (careless) prep would make it from the leader's tree: versions and parentCversion
 * are read from the tree, but nothing is checked, so some ops cannot apply. */
function subTxn(leader: DataTree, op: OpDesc): MultiSubTxn {
  const path = pickPath(leader, op);
  const version = (leader.get(path)?.stat().version ?? 0) + 1;
  switch (op.kind) {
    case 'create':
      return prepCreate(leader, path, { mode: op.mode as CreateMode, data: op.data, acl: ACLS[op.acl]!, ttl: isTtlMode(op.mode as CreateMode) ? 1000 : 0 });
    case 'delete':
      return { type: 'delete', path };
    case 'setData':
      return { type: 'setData', path, data: op.data, version };
    case 'check':
      return { type: 'check', path, version };
    default:
      return { type: 'error', code: Code.BADVERSION };
  }
}

function toTxn(leader: DataTree, clock: TxnClock, desc: TxnDesc, step: number): Txn {
  let body: TxnBody;
  let session = asSessionId(1 + (step % 3));
  switch (desc.kind) {
    case 'op':
      body = subTxn(leader, desc.op);
      break;
    case 'multi':
      body = { type: 'multi', txns: desc.ops.map((op) => subTxn(leader, op)) };
      break;
    case 'setACL': {
      const path = PATHS[desc.path]!;
      body = { type: 'setACL', path, acl: ACLS[desc.acl]!, version: (leader.get(path)?.stat().aversion ?? 0) + 1 };
      break;
    }
    case 'closeSession':
      body = { type: 'closeSession' };
      session = asSessionId(desc.session);
      break;
    case 'deleteContainer':
      body = { type: 'deleteContainer', path: PATHS[desc.path]! };
      break;
  }
  return clock.txn(body, session);
}

describe('replicas (property)', () => {
  it('two trees fed the same random txns give the same replies, events, digest and snapshot bytes', () => {
    fc.assert(
      fc.property(fc.array(txnArb, { maxLength: 60 }), (descs) => {
        const leader = new DataTree();
        const follower = new DataTree();
        const clock = new TxnClock();
        descs.forEach((desc, step) => {
          const txn = toTxn(leader, clock, desc, step);
          expect(follower.apply(txn)).toEqual(leader.apply(txn));
        });
        expect(follower.digest()).toBe(leader.digest());
        expect(leader.digest()).toBe(leader.recomputeDigest());
        expect(serializeTree(follower)).toEqual(serializeTree(leader));
      }),
      { numRuns: 200 },
    );
  });

  it('serialize → deserialize → serialize is stable and restores what readers see', () => {
    fc.assert(
      fc.property(fc.array(txnArb, { maxLength: 60 }), (descs) => {
        const tree = new DataTree();
        const clock = new TxnClock();
        descs.forEach((desc, step) => tree.apply(toTxn(tree, clock, desc, step)));
        const snapshot = serializeTree(tree);
        const restored = deserializeTree(snapshot);
        expect(serializeTree(restored)).toEqual(snapshot);
        expect(visibleState(restored)).toEqual(visibleState(tree));
        expect(restored.digest()).toBe(tree.digest());
      }),
      { numRuns: 200 },
    );
  });
});
