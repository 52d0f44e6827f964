import { describe, expect, it } from 'vitest';
import { OPEN_ACL_UNSAFE } from '../../../src/core/acl/types.ts';
import { Code } from '../../../src/core/errors.ts';
import type { ConnectAnswer, ConnectRequest } from '../../../src/core/sessions/connect.ts';
import { passwordMatches, sessionPassword } from '../../../src/core/sessions/password.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import type { PeerId, SessionId } from '../../../src/core/util/ids.ts';
import type { ClientReply } from '../../../src/core/zab/ready.ts';
import { TreeMachine, treeMachineFactory } from '../../../src/core/zab/tree-machine.ts';
import type { Zxid } from '../../../src/core/zxid.ts';
import { Cluster } from '../../sim/cluster.ts';
import { registerData } from '../../sim/register-machine.ts';

interface World {
  readonly cluster: Cluster;
  readonly replies: ClientReply[];
  readonly leader: PeerId;
  readonly followers: readonly [PeerId, PeerId];
}

function world(seed = 21): World {
  const cluster = new Cluster({ seed, voters: 3, config: { tickMs: 100 }, machine: treeMachineFactory({ tickMs: 100 }) });
  const replies: ClientReply[] = [];
  cluster.onReply = (_peer, r) => replies.push(r);
  cluster.runTicks(20);
  const leader = cluster.leader();
  if (leader === undefined) throw new Error('no leader');
  const [a, b] = cluster.ids.filter((id) => id !== leader);
  if (a === undefined || b === undefined) throw new Error('two followers expected');
  return { cluster, replies, leader, followers: [a, b] };
}

let nextToken = 5_000;

/** Sends a connect and runs the cluster until it is answered (bounded). */
function connect(w: World, peer: PeerId, request: ConnectRequest): ConnectAnswer {
  const token = nextToken++;
  w.cluster.core(peer).connect(token, request);
  w.cluster.drive(w.cluster.peer(peer));
  for (let t = 0; t < 10; t++) {
    const answer = w.replies.find((r) => r.cxid === token && r.connect !== undefined)?.connect;
    if (answer !== undefined) return answer;
    w.cluster.runTicks(1);
  }
  throw new Error(`connect ${token} at peer ${peer} was never answered`);
}

function accepted(answer: ConnectAnswer): Extract<ConnectAnswer, { ok: true }> {
  if (!answer.ok) throw new Error(`refused: ${answer.code} ${answer.reason}`);
  return answer;
}

let nextCxid = 1;
function request(w: World, peer: PeerId, session: SessionId, body: Parameters<Cluster['submit']>[3]): ClientReply {
  const cxid = nextCxid++;
  w.cluster.submit(peer, session, cxid, body);
  for (let t = 0; t < 10; t++) {
    const reply = w.replies.find((r) => r.session === session && r.cxid === cxid && r.connect === undefined);
    if (reply !== undefined) return reply;
    w.cluster.runTicks(1);
  }
  throw new Error(`request ${cxid} was never answered`);
}

const ephemeral = (path: string) =>
  ({ type: 'create', path, data: registerData('e'), acl: OPEN_ACL_UNSAFE, mode: CreateMode.EPHEMERAL }) as const;
const codeOf = (r: ClientReply): number => (r.reply.type === 'error' ? r.reply.code : Code.OK);
const machine = (w: World, id: PeerId): TreeMachine => {
  const m = w.cluster.core(id).machine;
  if (!(m instanceof TreeMachine)) throw new Error('not a tree machine');
  return m;
};

describe('session passwords', () => {
  it('a password is 16 bytes, the same on every peer, and differs between sessions and secrets', () => {
    const one = sessionPassword('s', (2 ** 32 + 1) as SessionId);
    expect(one.length).toBe(16);
    expect(sessionPassword('s', (2 ** 32 + 1) as SessionId)).toEqual(one);
    expect(sessionPassword('s', (2 ** 32 + 2) as SessionId)).not.toEqual(one);
    expect(sessionPassword('t', (2 ** 32 + 1) as SessionId)).not.toEqual(one);
    expect(passwordMatches('s', (2 ** 32 + 1) as SessionId, one)).toBe(true);
    expect(passwordMatches('s', (2 ** 32 + 1) as SessionId, one.subarray(0, 15))).toBe(false);
  });
});

describe('connect: new sessions and reattaching ones', () => {
  it('a new session is answered with its password, negotiated timeout and the zxid of its createSession', () => {
    const w = world();
    const answer = accepted(connect(w, w.followers[0], { timeoutMs: 1_000 }));
    expect(answer.reattached).toBe(false);
    expect(answer.timeoutMs).toBe(1_000);
    expect(passwordMatches(w.cluster.config.sessionSecret, answer.session, answer.password)).toBe(true);
    expect(answer.zxid).toBeGreaterThan(0);
  });

  it('a session reattaches at another peer with its password: its ephemerals stay, that peer owns it, and the old peer gets SESSIONMOVED', () => {
    const w = world();
    const [a, b] = w.followers;
    const first = accepted(connect(w, a, { timeoutMs: 1_000 }));
    const created = request(w, a, first.session, ephemeral('/mine'));
    expect(codeOf(created)).toBe(Code.OK);
    const again = accepted(connect(w, b, { timeoutMs: 5_000, session: first.session, password: first.password, lastZxidSeen: created.zxid as Zxid }));
    expect(again.reattached).toBe(true);
    expect(again.session).toBe(first.session);
    expect(again.timeoutMs).toBe(1_000);
    expect(again.zxid).toBeGreaterThanOrEqual(created.zxid ?? 0);
    expect(codeOf(request(w, a, first.session, ephemeral('/left-behind')))).toBe(Code.SESSIONMOVED);
    expect(codeOf(request(w, b, first.session, ephemeral('/moved')))).toBe(Code.OK);
    for (const id of w.cluster.ids) expect(machine(w, id).tree.get('/mine')).toBeDefined();
  });

  it('the leader answers a reattach too', () => {
    const w = world();
    const first = accepted(connect(w, w.followers[0], { timeoutMs: 1_000 }));
    const again = accepted(connect(w, w.leader, { timeoutMs: 1_000, session: first.session, password: first.password }));
    expect(again.reattached).toBe(true);
  });

  it('a wrong password is answered SESSIONEXPIRED, at a follower and at the leader', () => {
    const w = world();
    const first = accepted(connect(w, w.followers[0], { timeoutMs: 1_000 }));
    const wrong = first.password.slice();
    wrong[0] = (wrong[0] ?? 0) ^ 1;
    for (const peer of [w.followers[1], w.leader]) {
      const answer = connect(w, peer, { timeoutMs: 1_000, session: first.session, password: wrong });
      expect(answer.ok === false && answer.code).toBe(Code.SESSIONEXPIRED);
    }
    const none = connect(w, w.followers[1], { timeoutMs: 1_000, session: first.session });
    expect(none.ok === false && none.code).toBe(Code.SESSIONEXPIRED);
  });

  it('an expired session is answered SESSIONEXPIRED, and so is one that never existed', () => {
    const w = world();
    const first = accepted(connect(w, w.followers[0], { timeoutMs: 1_000 }));
    w.cluster.runTicks(20); // 1,000 ms is 10 ticks; nobody pings
    for (const id of w.cluster.ids) expect(machine(w, id).table.get(first.session)).toBeUndefined();
    const late = connect(w, w.followers[1], { timeoutMs: 1_000, session: first.session, password: first.password });
    expect(late.ok === false && late.code).toBe(Code.SESSIONEXPIRED);
    const ghost = (first.session + 1000) as SessionId;
    const never = connect(w, w.followers[1], { timeoutMs: 1_000, session: ghost, password: sessionPassword(w.cluster.config.sessionSecret, ghost) });
    expect(never.ok === false && never.code).toBe(Code.SESSIONEXPIRED);
  });

  it('a session the leader is closing is refused at a follower that still holds it (the answer waits for the leader)', () => {
    const w = world();
    const [a, b] = w.followers;
    const first = accepted(connect(w, a, { timeoutMs: 1_000 }));
    w.cluster.runTicks(2);
    expect(machine(w, b).table.get(first.session)).toBeDefined();
    w.cluster.closeSession(w.leader, first.session, 99);
    // b still has the session: the closeSession txn has not reached it yet.
    expect(machine(w, b).table.get(first.session)).toBeDefined();
    const answer = connect(w, b, { timeoutMs: 1_000, session: first.session, password: first.password });
    expect(answer.ok === false && answer.code).toBe(Code.SESSIONEXPIRED);
  });

  it('a peer behind the zxid the client has seen refuses it with CONNECTIONLOSS, and accepts it once caught up', () => {
    const w = world();
    const [a, lagging] = w.followers;
    const first = accepted(connect(w, a, { timeoutMs: 5_000 }));
    w.cluster.network.block(w.leader, lagging);
    const write = request(w, a, first.session, { type: 'create', path: '/new', data: registerData('x'), acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT });
    expect(codeOf(write)).toBe(Code.OK);
    const seen = write.zxid as Zxid;
    expect(w.cluster.core(lagging).machine.lastZxid).toBeLessThan(seen);
    const refused = connect(w, lagging, { timeoutMs: 5_000, session: first.session, password: first.password, lastZxidSeen: seen });
    expect(refused.ok === false && refused.code).toBe(Code.CONNECTIONLOSS);
    expect(refused.ok === false && refused.reason).toMatch(/has seen/);
    w.cluster.network.heal();
    for (let t = 0; t < 100 && !(w.cluster.core(lagging).serving && w.cluster.core(lagging).machine.lastZxid >= seen); t++) w.cluster.runTicks(1);
    const ok = accepted(connect(w, lagging, { timeoutMs: 5_000, session: first.session, password: first.password, lastZxidSeen: seen }));
    expect(ok.zxid).toBeGreaterThanOrEqual(seen);
    expect(machine(w, lagging).tree.get('/new')).toBeDefined();
  });

  it('malformed connects are refused with BADARGUMENTS', () => {
    const w = world();
    const bad = connect(w, w.leader, { timeoutMs: 1.5 });
    expect(bad.ok === false && bad.code).toBe(Code.BADARGUMENTS);
    const seen = connect(w, w.leader, { timeoutMs: 1_000, lastZxidSeen: -1 as Zxid });
    expect(seen.ok === false && seen.code).toBe(Code.BADARGUMENTS);
  });

  it('every reply carries a zxid: a write its txn zxid, a read the zxid the peer had applied', () => {
    const w = world();
    const s = accepted(connect(w, w.followers[0], { timeoutMs: 1_000 }));
    const write = request(w, w.followers[0], s.session, { type: 'create', path: '/z', data: registerData('z'), acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT });
    const read = request(w, w.followers[0], s.session, { type: 'getData', path: '/z', watch: false });
    expect(read.zxid).toBe(w.cluster.core(w.followers[0]).machine.lastZxid);
    expect(read.zxid).toBeGreaterThanOrEqual(write.zxid ?? Infinity);
    expect(read.reply.type === 'getData' && read.reply.stat.mzxid).toBe(write.zxid);
  });
});
