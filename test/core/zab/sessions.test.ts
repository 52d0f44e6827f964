import { describe, expect, it } from 'vitest';
import { OPEN_ACL_UNSAFE } from '../../../src/core/acl/types.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import type { PeerId, SessionId } from '../../../src/core/util/ids.ts';
import type { ClientReply } from '../../../src/core/zab/ready.ts';
import { TreeMachine, treeMachineFactory } from '../../../src/core/zab/tree-machine.ts';
import { Cluster } from '../../sim/cluster.ts';
import { registerData } from '../../sim/register-machine.ts';
import { p } from './helpers.ts';

function ensemble(): { cluster: Cluster; replies: ClientReply[]; leader: PeerId; follower: PeerId } {
  const cluster = new Cluster({ seed: 11, voters: 3, config: { tickMs: 100 }, machine: treeMachineFactory({ tickMs: 100 }) });
  const replies: ClientReply[] = [];
  cluster.onReply = (_peer, r) => replies.push(r);
  cluster.runTicks(20);
  const leader = cluster.leader();
  if (leader === undefined) throw new Error('no leader');
  const follower = cluster.ids.find((id) => id !== leader) ?? p(1);
  return { cluster, replies, leader, follower };
}

function connect(cluster: Cluster, replies: ClientReply[], peer: PeerId, token: number): SessionId {
  cluster.connect(peer, token, 1000);
  cluster.runTicks(2);
  const reply = replies.find((r) => r.cxid === token);
  if (reply?.reply.type !== 'createSession') throw new Error(`connect failed: ${JSON.stringify(reply)}`);
  return reply.session;
}

const tree = (cluster: Cluster, id: PeerId): TreeMachine => {
  const machine = cluster.core(id).machine;
  if (!(machine instanceof TreeMachine)) throw new Error('not a tree machine');
  return machine;
};

const ephemeral = (path: string) =>
  ({ type: 'create', path, data: registerData('e'), acl: OPEN_ACL_UNSAFE, mode: CreateMode.EPHEMERAL }) as const;

describe('sessions through consensus', () => {
  it('a client connecting at a follower gets a session the leader minted, known on every replica', () => {
    const { cluster, replies, follower } = ensemble();
    const session = connect(cluster, replies, follower, 77);
    for (const id of cluster.ids) expect(tree(cluster, id).table.ids()).toContain(session);
  });

  it('a silent session expires through a closeSession txn, and its ephemerals go with it', () => {
    const { cluster, replies, follower } = ensemble();
    const session = connect(cluster, replies, follower, 1);
    cluster.submit(follower, session, 1, ephemeral('/e'));
    cluster.runTicks(2);
    expect(tree(cluster, follower).tree.get('/e')).toBeDefined();
    // 1000 ms is 10 ticks; nobody pings.
    cluster.runTicks(15);
    for (const id of cluster.ids) {
      expect(tree(cluster, id).tree.get('/e')).toBeUndefined();
      expect(tree(cluster, id).table.ids()).not.toContain(session);
    }
  });

  it("a client's pings at a follower keep its session alive", () => {
    const { cluster, replies, follower } = ensemble();
    const session = connect(cluster, replies, follower, 2);
    for (let t = 0; t < 40; t++) {
      cluster.ping(follower, session);
      cluster.runTicks(1);
    }
    expect(tree(cluster, follower).table.ids()).toContain(session);
  });

  it('closing a session answers the client and removes its ephemerals everywhere', () => {
    const { cluster, replies, follower } = ensemble();
    const session = connect(cluster, replies, follower, 3);
    cluster.submit(follower, session, 1, ephemeral('/e3'));
    cluster.closeSession(follower, session, 2);
    cluster.runTicks(2);
    expect(replies.find((r) => r.session === session && r.cxid === 2)?.reply.type).toBe('closeSession');
    for (const id of cluster.ids) expect(tree(cluster, id).tree.get('/e3')).toBeUndefined();
  });

  it('a write from an unknown session fails with SESSIONEXPIRED', () => {
    const { cluster, replies, leader } = ensemble();
    cluster.submit(leader, 12345 as SessionId, 1, ephemeral('/x'));
    cluster.runTicks(2);
    const reply = replies.find((r) => r.session === 12345)?.reply;
    expect(reply?.type === 'error' && reply.code).toBe(-112);
  });
});

describe('client requests at a follower', () => {
  it("a read waits behind the session's own pending write (per-session FIFO)", () => {
    const { cluster, replies, follower } = ensemble();
    const session = connect(cluster, replies, follower, 4);
    cluster.submit(follower, session, 1, { type: 'create', path: '/f', data: registerData('one'), acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT });
    cluster.submit(follower, session, 2, { type: 'getData', path: '/f', watch: false });
    cluster.runTicks(2);
    const mine = replies.filter((r) => r.session === session && r.reply.type !== 'createSession');
    expect(mine.map((r) => r.cxid)).toEqual([1, 2]);
    expect(mine[1]?.reply.type).toBe('getData');
  });

  it("sync is answered once the follower has applied what the leader had when it saw the sync", () => {
    const { cluster, replies, leader, follower } = ensemble();
    const writer = connect(cluster, replies, leader, 5);
    const reader = connect(cluster, replies, follower, 6);
    cluster.submit(leader, writer, 1, { type: 'create', path: '/s', data: registerData('v'), acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT });
    cluster.submit(follower, reader, 1, { type: 'sync', path: '/s' });
    cluster.submit(follower, reader, 2, { type: 'getData', path: '/s', watch: false });
    cluster.runTicks(2);
    const read = replies.find((r) => r.session === reader && r.cxid === 2)?.reply;
    expect(read?.type).toBe('getData');
  });

  it('a peer that is not serving answers CONNECTIONLOSS at once', () => {
    const cluster = new Cluster({ seed: 12, voters: 3 });
    const replies: ClientReply[] = [];
    cluster.onReply = (_peer, r) => replies.push(r);
    cluster.submit(p(1), 9 as SessionId, 1, { type: 'getData', path: '/', watch: false });
    const reply = replies[0]?.reply;
    expect(reply?.type === 'error' && reply.code).toBe(-4);
  });
});
