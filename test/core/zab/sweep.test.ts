import { describe, expect, it } from 'vitest';
import { OPEN_ACL_UNSAFE } from '../../../src/core/acl/types.ts';
import type { Request } from '../../../src/core/requests/request.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import type { PeerId, SessionId } from '../../../src/core/util/ids.ts';
import type { ClientReply } from '../../../src/core/zab/ready.ts';
import { TreeMachine, treeMachineFactory } from '../../../src/core/zab/tree-machine.ts';
import { Cluster } from '../../sim/cluster.ts';

const data = new Uint8Array([1]);
const create = (path: string, mode: CreateMode, ttl?: number): Request =>
  ttl === undefined ? { type: 'create', path, data, acl: OPEN_ACL_UNSAFE, mode } : { type: 'create', path, data, acl: OPEN_ACL_UNSAFE, mode, ttl };

/** A 3-peer ensemble of tree machines with one client session at the leader. */
function ensemble(): { cluster: Cluster; leader: PeerId; session: SessionId; replies: ClientReply[] } {
  const cluster = new Cluster({ seed: 3, voters: 3, machine: treeMachineFactory({ tickMs: 100 }), config: { tickMs: 100, sweepTicks: 2 } });
  const replies: ClientReply[] = [];
  cluster.onReply = (_peer, reply) => replies.push(reply);
  cluster.runTicks(30);
  const leader = cluster.leader();
  if (leader === undefined) throw new Error('no leader');
  cluster.connect(leader, 7, 10_000);
  cluster.runTicks(2);
  const session = replies.find((r) => r.cxid === 7 && r.reply.type !== 'error')?.session;
  if (session === undefined) throw new Error('no session');
  return { cluster, leader, session, replies };
}

const nodeOn = (cluster: Cluster, id: PeerId, path: string): boolean => {
  const machine = cluster.core(id).machine;
  if (!(machine instanceof TreeMachine)) throw new Error('not a tree machine');
  return machine.tree.get(path) !== undefined;
};

describe("the leader's container and TTL sweep", () => {
  it('an emptied container is deleted on every replica by a txn the leader proposes', () => {
    const { cluster, leader, session } = ensemble();
    cluster.submit(leader, session, 1, create('/k', CreateMode.CONTAINER));
    cluster.submit(leader, session, 2, create('/k/child', CreateMode.PERSISTENT));
    cluster.runTicks(5);
    for (const id of cluster.ids) expect(nodeOn(cluster, id, '/k')).toBe(true);
    cluster.submit(leader, session, 3, { type: 'delete', path: '/k/child', version: -1 });
    cluster.runTicks(6);
    for (const id of cluster.ids) expect(nodeOn(cluster, id, '/k')).toBe(false);
    expect(cluster.checker.violations).toEqual([]);
  });

  it('a container that never had a child stays', () => {
    const { cluster, leader, session } = ensemble();
    cluster.submit(leader, session, 1, create('/k', CreateMode.CONTAINER));
    cluster.runTicks(10);
    for (const id of cluster.ids) expect(nodeOn(cluster, id, '/k')).toBe(true);
  });

  it('a TTL node goes once its TTL has run out since its last change, and not before', () => {
    const { cluster, leader, session } = ensemble();
    cluster.submit(leader, session, 1, create('/t', CreateMode.PERSISTENT_WITH_TTL, 1_000));
    cluster.runTicks(5); // 500 ms of txn time
    for (const id of cluster.ids) expect(nodeOn(cluster, id, '/t')).toBe(true);
    cluster.runTicks(10);
    for (const id of cluster.ids) expect(nodeOn(cluster, id, '/t')).toBe(false);
    expect(cluster.checker.violations).toEqual([]);
  });
});
