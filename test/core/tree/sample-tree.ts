// A tree with a bit of everything, built through txns: modes, sessions, ACLs, binary data, deletes.

import { Perms } from '../../../src/core/acl/types.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import { DataTree } from '../../../src/core/tree/data-tree.ts';
import type { Txn } from '../../../src/core/requests/txn.ts';
import { bytes, createOp, SESSION_A, SESSION_B, TxnClock } from './txn-builders.ts';

export function sampleTxns(clock = new TxnClock()): Txn[] {
  const digestAcl = [{ perms: Perms.READ | Perms.WRITE, id: { scheme: 'digest', id: 'ü:sha1==' } }];
  const binary = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff);
  return [
    clock.txn(createOp('/app', { data: bytes('config') })),
    clock.txn(createOp('/app/locks', { mode: CreateMode.CONTAINER })),
    clock.txn(createOp('/app/locks/lock-0000000000', { mode: CreateMode.EPHEMERAL_SEQUENTIAL }), SESSION_A),
    clock.txn(createOp('/app/locks/lock-0000000001', { mode: CreateMode.EPHEMERAL_SEQUENTIAL }), SESSION_B),
    clock.txn(createOp('/app/cache', { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 60_000, data: binary })),
    clock.txn(createOp('/app/secret', { acl: digestAcl, data: bytes('s3cr3t') })),
    clock.txn(createOp('/app/gone')),
    clock.txn({ type: 'delete', path: '/app/gone' }),
    clock.txn(createOp('/app/z')),
    clock.txn(createOp('/app/a')),
    clock.txn({ type: 'setData', path: '/app', data: bytes('config v2'), version: 1 }),
    clock.txn({ type: 'setACL', path: '/app/z', acl: digestAcl, version: 1 }),
    clock.txn(createOp('/ünïcødé', { data: new Uint8Array(0) })),
  ];
}

export function sampleTree(): { tree: DataTree; clock: TxnClock } {
  const clock = new TxnClock();
  const tree = new DataTree();
  for (const txn of sampleTxns(clock)) tree.apply(txn);
  return { tree, clock };
}

/** Everything a reader can see of every node, in preorder. */
export function visibleState(tree: DataTree): unknown[] {
  const out: unknown[] = [];
  const visit = (path: string): void => {
    const node = tree.get(path)!;
    out.push({
      path,
      data: Array.from(node.data),
      acl: node.acl,
      mode: node.mode,
      ttl: node.ttl,
      stat: node.stat(),
      persistedCversion: node.persistedCversion,
      children: node.children(),
    });
    for (const name of node.children()) visit(path === '/' ? `/${name}` : `${path}/${name}`);
  };
  visit('/');
  return out;
}
