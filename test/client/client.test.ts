import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code, KeeperError } from '../../src/core/errors.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { EventType, WatcherType, type WatchedEvent } from '../../src/core/watches/events.ts';
import { MultiError, type Client } from '../../src/client/client.ts';
import { bytes, startHarness, text, type Harness } from './harness.ts';

async function codeOf(h: Harness, p: Promise<unknown>): Promise<number | undefined> {
  try {
    await h.run(p);
    return undefined;
  } catch (e) {
    if (e instanceof KeeperError) return e.code;
    throw e;
  }
}

describe('Client against a 3-peer in-process ensemble', () => {
  let h: Harness;
  let a: Client;
  let b: Client;
  beforeEach(async () => {
    h = await startHarness();
    a = await h.client(h.e.ids[0]);
    b = await h.client(h.e.ids[1]);
  });
  afterEach(async () => h.stop());

  it('create, getData, setData, exists and delete round-trip, and a write on one peer is read on another after sync', async () => {
    expect(await h.run(a.create('/app', bytes('v0')))).toBe('/app');
    const { path, stat } = await h.run(a.create2('/app/seq-', bytes(''), { mode: CreateMode.PERSISTENT_SEQUENTIAL }));
    expect(path).toBe('/app/seq-0000000000');
    expect(stat.version).toBe(0);
    const set = await h.run(a.setData('/app', bytes('v1'), 0));
    expect(set.version).toBe(1);
    await h.run(b.sync('/app'));
    const read = await h.run(b.getData('/app'));
    expect(text(read.data)).toBe('v1');
    expect((await h.run(b.exists('/app')))?.numChildren).toBe(1);
    await h.run(b.delete('/app/seq-0000000000'));
    expect(await h.run(a.sync('/app/seq-0000000000'))).toBe('/app/seq-0000000000');
    expect(await h.run(a.exists('/app/seq-0000000000'))).toBeNull();
  });

  it('error replies become KeeperErrors with ZooKeeper codes: NONODE, NODEEXISTS, BADVERSION, NOTEMPTY', async () => {
    await h.run(a.create('/x', bytes('')));
    await h.run(a.create('/x/y', bytes('')));
    expect(await codeOf(h, a.getData('/missing'))).toBe(Code.NONODE);
    expect(await codeOf(h, a.create('/x', bytes('')))).toBe(Code.NODEEXISTS);
    expect(await codeOf(h, a.setData('/x', bytes('z'), 7))).toBe(Code.BADVERSION);
    expect(await codeOf(h, a.delete('/x'))).toBe(Code.NOTEMPTY);
    const err = await h.run(a.delete('/nope').catch((e: unknown) => e));
    expect(err).toBeInstanceOf(KeeperError);
    expect((err as KeeperError).path).toBe('/nope');
  });

  it('a relative path or a bad version is refused with BADARGUMENTS before anything is sent', async () => {
    expect(await codeOf(h, a.create('relative', bytes('')))).toBe(Code.BADARGUMENTS);
    expect(await codeOf(h, a.getData('/trailing/'))).toBe(Code.BADARGUMENTS);
    expect(await codeOf(h, a.setData('/x', bytes(''), 1.5))).toBe(Code.BADARGUMENTS);
  });

  it('a data watch set by getData fires once, on the first change only', async () => {
    await h.run(a.create('/w', bytes('0')));
    const seen: WatchedEvent[] = [];
    await h.run(b.getData('/w', { watch: (e) => seen.push(e) }));
    await h.run(a.setData('/w', bytes('1')));
    await h.run(a.setData('/w', bytes('2')));
    await h.run(b.sync('/w'));
    expect(seen).toEqual([{ type: EventType.NodeDataChanged, state: 3, path: '/w' }]);
  });

  it('an exists watch on a missing node fires on its creation, and a child watch on a new child', async () => {
    const created: number[] = [];
    const children: number[] = [];
    expect(await h.run(b.exists('/later', { watch: (e) => created.push(e.type) }))).toBeNull();
    await h.run(a.create('/later', bytes('')));
    await h.run(b.getChildren('/later', { watch: (e) => children.push(e.type) }));
    await h.run(a.create('/later/kid', bytes('')));
    await h.run(b.sync('/'));
    expect(created).toEqual([EventType.NodeCreated]);
    expect(children).toEqual([EventType.NodeChildrenChanged]);
  });

  it('getChildren with withStat returns the parent stat; getACL, setACL, getAllChildrenNumber and getEphemerals answer', async () => {
    await h.run(a.create('/p', bytes('')));
    await h.run(a.create('/p/e', bytes(''), { mode: CreateMode.EPHEMERAL }));
    await h.run(a.create('/p/f', bytes('')));
    const two = await h.run(a.getChildren('/p', { withStat: true }));
    expect([...two.children].sort()).toEqual(['e', 'f']);
    expect(two.stat.numChildren).toBe(2);
    expect(await h.run(a.getAllChildrenNumber('/p'))).toBe(2);
    expect(await h.run(a.getEphemerals('/p'))).toEqual(['/p/e']);
    const { acl } = await h.run(a.getACL('/p'));
    expect(acl).toEqual([{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]);
    expect((await h.run(a.setACL('/p', acl, 0))).aversion).toBe(1);
  });

  it('a transaction commits all its ops, and a failing multi rejects with every op result and changes nothing', async () => {
    const ok = await h.run(a.transaction().create('/t', bytes('')).create('/t/a', bytes('')).setData('/t', bytes('x')).commit());
    expect(ok.map((r) => r.type)).toEqual(['create', 'create', 'setData']);
    const failed = await h.run(a.multi([
      { type: 'create', path: '/t/b', data: bytes(''), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], mode: CreateMode.PERSISTENT },
      { type: 'check', path: '/t', version: 9 },
    ]).catch((e: unknown) => e));
    expect(failed).toBeInstanceOf(MultiError);
    expect((failed as MultiError).code).toBe(Code.BADVERSION);
    expect((failed as MultiError).results.length).toBe(2);
    expect(await h.run(a.exists('/t/b'))).toBeNull();
  });

  it('multiRead answers each op, a missing node as an error result', async () => {
    await h.run(a.create('/r', bytes('d')));
    const results = await h.run(a.multiRead([
      { type: 'getData', path: '/r', watch: false },
      { type: 'getData', path: '/gone', watch: false },
    ]));
    expect(results[0]?.type).toBe('getData');
    expect(results[1]).toMatchObject({ type: 'error', code: Code.NONODE });
  });

  it('a recursive persistent watch from addWatch sees every change beneath it until removeWatches', async () => {
    await h.run(a.create('/pw', bytes('')));
    const seen: string[] = [];
    await h.run(b.addWatch('/pw', (e) => seen.push(`${e.type}:${e.path}`)));
    await h.run(a.create('/pw/c', bytes('')));
    await h.run(a.setData('/pw/c', bytes('1')));
    await h.run(b.sync('/'));
    await h.run(b.removeWatches('/pw', WatcherType.PersistentRecursive));
    await h.run(a.setData('/pw/c', bytes('2')));
    await h.run(b.sync('/'));
    expect(seen.slice(0, 2)).toEqual([`${EventType.NodeCreated}:/pw/c`, `${EventType.NodeDataChanged}:/pw/c`]);
    expect(seen.filter((s) => s.endsWith(':/pw/c')).length).toBe(2);
  });

  it('addAuth adds an identity that whoAmI reports', async () => {
    await h.run(a.addAuth('digest', 'alice:secret'));
    const ids = await h.run(a.whoAmI());
    expect(ids.some((id) => id.scheme === 'digest' && id.id.startsWith('alice:'))).toBe(true);
  });

  it('close ends the session: its ephemerals go, the state listener hears closed, later calls fail with CONNECTIONLOSS', async () => {
    await h.run(a.create('/eph', bytes(''), { mode: CreateMode.EPHEMERAL }));
    const states: string[] = [];
    a.on('state', (s) => states.push(s));
    await h.run(a.close());
    await h.run(b.sync('/'));
    expect(await h.run(b.exists('/eph'))).toBeNull();
    expect(states).toEqual(['connected', 'closed']);
    expect(await codeOf(h, a.exists('/'))).toBe(Code.CONNECTIONLOSS);
  });

  it('a session stays alive across many ticks because the connection pings', async () => {
    await h.run(a.create('/alive', bytes(''), { mode: CreateMode.EPHEMERAL }));
    for (let i = 0; i < 60; i++) {
      h.e.clock.advance(h.e.config.tickMs);
      await h.e.settle();
    }
    expect(await h.run(b.exists('/alive'))).not.toBeNull();
  });
});
