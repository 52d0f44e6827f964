import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError } from '../../src/client/client.ts';
import type { SessionState } from '../../src/client/connection.ts';
import { generateDigest } from '../../src/core/acl/digest.ts';
import { Perms } from '../../src/core/acl/types.ts';
import { Code, KeeperError } from '../../src/core/errors.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { AddWatchMode, EventType, KeeperState, type WatchedEvent } from '../../src/core/watches/events.ts';
import { bytes, startHarness, text, type Harness } from './harness.ts';

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('the call did not fail');
}

const codeOf = async (h: Harness, p: Promise<unknown>): Promise<number | undefined> => {
  const e = await h.run(errorOf(p));
  return e instanceof KeeperError ? e.code : undefined;
};

describe('a Client session that moves between peers', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  const follower = (): (typeof h.e.ids)[number] => {
    const id = h.e.ids.find((x) => x !== h.e.leader());
    if (id === undefined) throw new Error('no follower');
    return id;
  };

  it('a peer stops: the client moves to another peer, keeps its session and ephemerals, and sees disconnected then connected', async () => {
    const first = follower();
    const r = await h.roaming({ first });
    const states: SessionState[] = [];
    r.client.on('state', (s) => states.push(s));
    const session = r.client.session;
    await h.run(r.client.create('/eph', bytes('mine'), { mode: CreateMode.EPHEMERAL }));
    await h.e.stop(first);
    await h.e.tickUntil('the client is back', () => r.client.state === 'connected' && r.peer() !== first);
    expect(states).toEqual(['connected', 'disconnected', 'connected']);
    expect(r.client.session).toBe(session);
    expect(r.peer()).not.toBe(first);
    expect(text((await h.run(r.client.getData('/eph'))).data)).toBe('mine');
    expect(await h.run(r.client.getEphemerals())).toEqual(['/eph']);
  });

  it('the leader stops: after the election the client reattaches within its session timeout', async () => {
    const leader = h.e.leader();
    if (leader === undefined) throw new Error('no leader');
    const r = await h.roaming({ first: leader, sessionTimeoutMs: 10_000 });
    await h.run(r.client.create('/keep', bytes(''), { mode: CreateMode.EPHEMERAL }));
    await h.e.stop(leader);
    await h.e.tickUntil('reconnected', () => r.client.state === 'connected' && r.peer() !== leader, 300);
    expect(await h.run(r.client.exists('/keep'))).not.toBeNull();
  });

  it('requests in flight when the link breaks fail with CONNECTIONLOSS; the session carries on', async () => {
    const r = await h.roaming({ first: follower() });
    const write = r.client.create('/maybe', bytes(''));
    r.session.dropLink('network failure');
    expect(await codeOf(h, write)).toBe(Code.CONNECTIONLOSS);
    await h.e.tickUntil('reconnected', () => r.client.state === 'connected');
    // The outcome was unknown: the write may or may not have happened, but the session works.
    await h.run(r.client.sync('/'));
    expect(typeof (await h.run(r.client.exists('/maybe')))).toBe('object');
  });

  it('a call made while disconnected waits for the reconnect, then completes in order', async () => {
    const r = await h.roaming({ first: follower() });
    r.isolate();
    expect(r.client.state).toBe('disconnected');
    const a = r.client.create('/q1', bytes(''));
    const b = r.client.create('/q2', bytes(''));
    await h.e.flush();
    r.blocked.clear();
    expect(await h.run(a)).toBe('/q1');
    expect(await h.run(b)).toBe('/q2');
    expect(r.client.state).toBe('connected');
  });

  it('watches are re-registered after a reconnect, and those whose change happened while away fire at once', async () => {
    const other = await h.client();
    await h.run(other.create('/w', bytes('0')));
    await h.run(other.create('/c', bytes('')));
    await h.run(other.create('/p', bytes('')));
    const r = await h.roaming({ first: follower() });
    const seen: string[] = [];
    const log = (e: WatchedEvent): void => void seen.push(`${e.type}:${e.path}`);
    await h.run(r.client.getData('/w', { watch: log }));
    await h.run(r.client.getChildren('/c', { watch: log }));
    expect(await h.run(r.client.exists('/later', { watch: log }))).toBeNull();
    await h.run(r.client.getData('/p', { watch: log }));
    await h.run(r.client.addWatch('/p', log, AddWatchMode.PERSISTENT_RECURSIVE));
    r.isolate();
    await h.run(other.setData('/w', bytes('1')));
    await h.run(other.create('/c/kid', bytes('')));
    await h.run(other.create('/later', bytes('')));
    expect(seen).toEqual([]);
    r.blocked.clear();
    await h.e.tickUntil('reconnected', () => r.client.state === 'connected');
    await h.run(r.client.sync('/'));
    expect(seen.sort()).toEqual([`${EventType.NodeCreated}:/later`, `${EventType.NodeDataChanged}:/w`, `${EventType.NodeChildrenChanged}:/c`].sort());
    // The watches that had not fired are back on the new peer.
    await h.run(other.setData('/p', bytes('x')));
    await h.run(other.create('/p/q', bytes('')));
    await h.run(other.sync('/'));
    await h.run(r.client.sync('/'));
    expect(seen.filter((s) => s.endsWith(':/p'))).toEqual([`${EventType.NodeDataChanged}:/p`, `${EventType.NodeDataChanged}:/p`]);
    expect(seen).toContain(`${EventType.NodeCreated}:/p/q`);
  });

  it('credentials added with addAuth are presented again after a reconnect: a node only they may read stays readable', async () => {
    const other = await h.client();
    const alice = [{ perms: Perms.ALL, id: { scheme: 'digest', id: generateDigest('alice:secret') } }];
    await h.run(other.create('/alice-only', bytes('x'), { acl: alice }));
    const r = await h.roaming({ first: follower() });
    await h.run(r.client.addAuth('digest', 'alice:secret'));
    expect(text((await h.run(r.client.getData('/alice-only'))).data)).toBe('x');
    r.isolate();
    r.blocked.clear();
    await h.e.tickUntil('reconnected', () => r.client.state === 'connected');
    expect((await h.run(r.client.whoAmI())).map((id) => id.scheme)).toContain('digest');
    expect(text((await h.run(r.client.getData('/alice-only'))).data)).toBe('x');
  });

  it('an exists watch on a node that exists is re-registered as a data watch: its deletion while away fires NodeDeleted', async () => {
    const other = await h.client();
    await h.run(other.create('/gone', bytes('')));
    const r = await h.roaming({ first: follower() });
    const seen: string[] = [];
    expect(await h.run(r.client.exists('/gone', { watch: (e) => void seen.push(`${e.type}:${e.path}`) }))).not.toBeNull();
    r.isolate();
    await h.run(other.delete('/gone'));
    r.blocked.clear();
    await h.e.tickUntil('reconnected', () => r.client.state === 'connected');
    await h.run(r.client.sync('/'));
    expect(seen).toEqual([`${EventType.NodeDeleted}:/gone`]);
  });

  it('a client kept away past its session timeout expires: watches hear Expired, calls fail SESSIONEXPIRED, its ephemerals are gone', async () => {
    const other = await h.client();
    const r = await h.roaming({ first: follower(), sessionTimeoutMs: 2_000 });
    await h.run(r.client.create('/gone-soon', bytes(''), { mode: CreateMode.EPHEMERAL }));
    const events: WatchedEvent[] = [];
    await h.run(r.client.getData('/gone-soon', { watch: (e) => events.push(e) }));
    const states: SessionState[] = [];
    r.client.on('state', (s) => states.push(s));
    r.isolate();
    await h.e.tickUntil('expired', () => r.client.state === 'expired', 100);
    expect(states).toEqual(['connected', 'disconnected', 'expired']);
    expect(events).toEqual([{ type: EventType.None, state: KeeperState.Expired, path: '' }]);
    r.blocked.clear();
    expect(await codeOf(h, r.client.exists('/'))).toBe(Code.SESSIONEXPIRED);
    // The ensemble expires the session too (the leader's deadline), and its ephemeral goes.
    const gone = (): boolean =>
      h.e.running().every((p) => {
        const reply = p.zab.machine.read(other.session, { type: 'exists', path: '/gone-soon', watch: false });
        return reply.type === 'exists' && reply.stat === null;
      });
    await h.e.tickUntil('the ephemeral is gone everywhere', gone, 60);
    await h.run(other.sync('/'));
    expect(await h.run(other.exists('/gone-soon'))).toBeNull();
  });

  it('a link that hears nothing for two thirds of the session timeout is dropped and replaced', async () => {
    const r = await h.roaming({ first: follower(), sessionTimeoutMs: 3_000 });
    const link = r.links.at(-1);
    if (link === undefined) throw new Error('no link');
    // The link stays "open" but the peer answers nothing: pings go unanswered.
    link.ping = () => new Promise(() => undefined);
    const states: SessionState[] = [];
    r.client.on('state', (s) => states.push(s));
    await h.e.tickUntil('moved on', () => states.includes('disconnected') && r.client.state === 'connected', 60);
    expect(link.closed).toBe(true);
  });

  it('a per-call timeout rejects with REQUESTTIMEOUT and an aborted call with an AbortedError', async () => {
    const r = await h.roaming({ first: follower() });
    r.isolate();
    const slow = r.client.getData('/', { timeoutMs: 300 });
    expect(await codeOf(h, slow)).toBe(Code.REQUESTTIMEOUT);
    const controller = new AbortController();
    const aborted = r.client.exists('/', { signal: controller.signal });
    controller.abort(new Error('not needed any more'));
    const e = await h.run(errorOf(aborted));
    expect(e).toBeInstanceOf(AbortedError);
    expect((e as AbortedError).code).toBe(Code.REQUESTTIMEOUT);
    expect(await codeOf(h, r.client.exists('/', { signal: AbortSignal.abort() }))).toBe(Code.REQUESTTIMEOUT);
  });

  it('a chrooted client sees paths relative to its root, in replies and in watch events', async () => {
    const root = await h.client();
    await h.run(root.create('/app', bytes('')));
    const r = await h.roaming({ chroot: '/app' });
    const app = r.client;
    expect(await h.run(app.create('/x', bytes('1')))).toBe('/x');
    expect(await h.run(app.create('/s-', bytes(''), { mode: CreateMode.EPHEMERAL_SEQUENTIAL }))).toBe('/s-0000000001');
    expect(await h.run(root.exists('/app/x'))).not.toBeNull();
    expect(await h.run(app.getChildren('/'))).toEqual(expect.arrayContaining(['x', 's-0000000001']));
    expect(await h.run(app.getEphemerals('/'))).toEqual(['/s-0000000001']);
    const events: string[] = [];
    await h.run(app.getData('/x', { watch: (e) => events.push(e.path) }));
    await h.run(root.setData('/app/x', bytes('2')));
    await h.run(app.sync('/'));
    expect(events).toEqual(['/x']);
    const results = await h.run(app.multi([{ type: 'create', path: '/m', data: bytes(''), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], mode: CreateMode.PERSISTENT }]));
    expect(results[0]).toMatchObject({ type: 'create', path: '/m' });
    const missing = await h.run(errorOf(app.getData('/nope')));
    expect((missing as KeeperError).path).toBe('/nope');
  });

  it('watch() is an async iterator of a persistent watch that ends when aborted', async () => {
    const other = await h.client();
    await h.run(other.create('/it', bytes('')));
    const r = await h.roaming();
    const controller = new AbortController();
    const got: string[] = [];
    const loop = (async () => {
      for await (const e of r.client.watch('/it', AddWatchMode.PERSISTENT_RECURSIVE, { signal: controller.signal })) {
        got.push(`${e.type}:${e.path}`);
        if (got.length === 2) controller.abort();
      }
    })();
    await h.run(r.client.sync('/'));
    await h.run(other.create('/it/a', bytes('')));
    await h.run(other.setData('/it/a', bytes('1')));
    await h.run(loop);
    expect(got).toEqual([`${EventType.NodeCreated}:/it/a`, `${EventType.NodeDataChanged}:/it/a`]);
    // The watch is gone from the peer too.
    await h.run(r.client.sync('/'));
    expect(await codeOf(h, r.client.removeWatches('/it', 5))).toBe(Code.NOWATCHER);
  });
});

describe('each Client method maps error replies to KeeperErrors with ZooKeeper codes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  it('tree operations', async () => {
    const c = await h.client();
    await h.run(c.create('/a', bytes('')));
    await h.run(c.create('/a/b', bytes('')));
    const cases: [string, () => Promise<unknown>, number][] = [
      ['create on an existing node', () => c.create('/a', bytes('')), Code.NODEEXISTS],
      ['create under a missing parent', () => c.create('/none/x', bytes('')), Code.NONODE],
      ['create with a relative path', () => c.create('rel', bytes('')), Code.BADARGUMENTS],
      ['delete a missing node', () => c.delete('/none'), Code.NONODE],
      ['delete with a wrong version', () => c.delete('/a/b', 5), Code.BADVERSION],
      ['delete a node with children', () => c.delete('/a'), Code.NOTEMPTY],
      ['setData on a missing node', () => c.setData('/none', bytes('')), Code.NONODE],
      ['setData with a wrong version', () => c.setData('/a', bytes(''), 9), Code.BADVERSION],
      ['getData of a missing node', () => c.getData('/none'), Code.NONODE],
      ['getChildren of a missing node', () => c.getChildren('/none'), Code.NONODE],
      ['getACL of a missing node', () => c.getACL('/none'), Code.NONODE],
      ['setACL with a wrong version', () => c.setACL('/a', [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], 4), Code.BADVERSION],
      ['setACL with an empty ACL', () => c.setACL('/a', []), Code.INVALIDACL],
      ['getAllChildrenNumber of a missing node', () => c.getAllChildrenNumber('/none'), Code.NONODE],
      ['sync of a malformed path', () => c.sync('/bad/'), Code.BADARGUMENTS],
      ['an ephemeral parent', async () => {
        await c.create('/e', bytes(''), { mode: CreateMode.EPHEMERAL });
        return c.create('/e/kid', bytes(''));
      }, Code.NOCHILDRENFOREPHEMERALS],
      ['removeWatches without a watch', () => c.removeWatches('/a', 1), Code.NOWATCHER],
      ['addAuth with an unknown scheme', () => c.addAuth('nope', 'x'), Code.AUTHFAILED],
      ['a multi whose check fails', () => c.multi([{ type: 'check', path: '/a', version: 7 }]), Code.BADVERSION],
    ];
    for (const [what, call, code] of cases) expect([what, await codeOf(h, call())]).toEqual([what, code]);
    expect(await h.run(c.exists('/none'))).toBeNull();
  });
});
