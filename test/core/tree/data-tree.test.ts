import { describe, expect, it } from 'vitest';
import { OPEN_ACL_UNSAFE, Perms, READ_ACL_UNSAFE } from '../../../src/core/acl/types.ts';
import { Code } from '../../../src/core/errors.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import { DataTree } from '../../../src/core/tree/data-tree.ts';
import { AssertionError } from '../../../src/core/util/assert.ts';
import { EventType } from '../../../src/core/watches/events.ts';
import { makeZxid } from '../../../src/core/zxid.ts';
import { bytes, createOp, SESSION_A, SESSION_B, text, TxnClock } from './txn-builders.ts';

function setup() {
  return { tree: new DataTree(), clock: new TxnClock() };
}

describe('a new tree', () => {
  it("holds '/', '/zookeeper', '/zookeeper/quota' and '/zookeeper/config' with ZooKeeper's zero stats", () => {
    const tree = new DataTree();
    expect(tree.nodeCount).toBe(4);
    expect(tree.lastZxid).toBe(0);
    expect(tree.get('/')!.children()).toEqual(['zookeeper']);
    expect(tree.get('/zookeeper')!.children()).toEqual(['quota', 'config']);
    for (const path of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']) {
      const stat = tree.get(path)!.stat();
      expect(stat).toMatchObject({ czxid: 0, mzxid: 0, pzxid: 0, ctime: 0, mtime: 0, version: 0, ephemeralOwner: 0 });
      expect(tree.get(path)!.data.length).toBe(0);
    }
  });

  it('reports cversion -1 on / and -2 on /zookeeper, as ZooKeeper does (2 × creates − children)', () => {
    const tree = new DataTree();
    expect(tree.get('/')!.stat().cversion).toBe(-1);
    expect(tree.get('/zookeeper')!.stat().cversion).toBe(-2);
    expect(tree.get('/zookeeper/quota')!.stat().cversion).toBe(0);
  });

  it('protects /zookeeper/config with READ_ACL_UNSAFE set at version -1, so its aversion is -1', () => {
    const tree = new DataTree();
    expect(tree.get('/zookeeper/config')!.acl).toEqual(READ_ACL_UNSAFE);
    expect(tree.get('/zookeeper/config')!.stat().aversion).toBe(-1);
    expect(tree.get('/zookeeper')!.acl).toEqual(OPEN_ACL_UNSAFE);
  });
});

describe('create', () => {
  it('sets czxid, mzxid and pzxid to the zxid, ctime and mtime to the txn time, versions to 0', () => {
    const { tree, clock } = setup();
    const { reply } = tree.apply(clock.txn(createOp('/a', { data: bytes('hello') })));
    const stat = tree.get('/a')!.stat();
    const zxid = clock.zxid();
    expect(stat).toEqual({
      czxid: zxid, mzxid: zxid, pzxid: zxid, ctime: 1000, mtime: 1000, version: 0, cversion: 0, aversion: 0,
      ephemeralOwner: 0, dataLength: 5, numChildren: 0,
    });
    expect(reply).toEqual({ type: 'create', path: '/a', stat });
    expect(text(tree.get('/a')!.data)).toBe('hello');
    expect(tree.lastZxid).toBe(zxid);
  });

  it("sets the parent's persisted cversion to the txn's parentCversion and its pzxid to the zxid", () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/p')));
    tree.apply(clock.txn(createOp('/p/c', { parentCversion: 7 })));
    const parent = tree.get('/p')!;
    expect(parent.persistedCversion).toBe(7);
    expect(parent.stat().pzxid).toBe(clock.zxid());
    expect(parent.stat().mzxid).not.toBe(clock.zxid());
  });

  it("leaves the parent's cversion and pzxid alone when parentCversion is not above the current one", () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/p')));
    tree.apply(clock.txn(createOp('/p/a', { parentCversion: 5 })));
    const pzxid = tree.get('/p')!.stat().pzxid;
    tree.apply(clock.txn(createOp('/p/b', { parentCversion: 3 })));
    expect(tree.get('/p')!.persistedCversion).toBe(5);
    expect(tree.get('/p')!.stat().pzxid).toBe(pzxid);
    expect(tree.get('/p')!.childCount).toBe(2);
  });

  it('treats parentCversion -1 as one more than the parent has now', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/p')));
    tree.apply(clock.txn(createOp('/p/a')));
    tree.apply(clock.txn(createOp('/p/b')));
    expect(tree.get('/p')!.persistedCversion).toBe(2);
  });

  it("makes the header's session the owner of an EPHEMERAL or EPHEMERAL_SEQUENTIAL node", () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/e', { mode: CreateMode.EPHEMERAL }), SESSION_B));
    tree.apply(clock.txn(createOp('/s0000000001', { mode: CreateMode.EPHEMERAL_SEQUENTIAL }), SESSION_B));
    expect(tree.get('/e')!.stat().ephemeralOwner).toBe(SESSION_B);
    expect(tree.get('/s0000000001')!.stat().ephemeralOwner).toBe(SESSION_B);
  });

  it('gives containers, TTL and persistent nodes ephemeralOwner 0, and only TTL nodes a ttl', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/c', { mode: CreateMode.CONTAINER })));
    tree.apply(clock.txn(createOp('/t', { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 5000 })));
    tree.apply(clock.txn(createOp('/p', { ttl: 5000 })));
    expect(tree.get('/c')!.stat().ephemeralOwner).toBe(0);
    expect(tree.get('/t')!.stat().ephemeralOwner).toBe(0);
    expect(tree.get('/t')!.ttl).toBe(5000);
    expect(tree.get('/t')!.mode).toBe(CreateMode.PERSISTENT_WITH_TTL);
    expect(tree.get('/p')!.ttl).toBe(0);
    expect(tree.get('/c')!.ttl).toBe(0);
  });

  it('emits NodeCreated for the path and NodeChildrenChanged for the parent', () => {
    const { tree, clock } = setup();
    expect(tree.apply(clock.txn(createOp('/a'))).events).toEqual([
      { type: EventType.NodeCreated, path: '/a' },
      { type: EventType.NodeChildrenChanged, path: '/' },
    ]);
    expect(tree.apply(clock.txn(createOp('/a/b'))).events).toEqual([
      { type: EventType.NodeCreated, path: '/a/b' },
      { type: EventType.NodeChildrenChanged, path: '/a' },
    ]);
  });

  it('lists children by name in insertion order', () => {
    const { tree, clock } = setup();
    for (const name of ['z', 'a', 'm']) tree.apply(clock.txn(createOp(`/${name}`)));
    expect(tree.get('/')!.children()).toEqual(['zookeeper', 'z', 'a', 'm']);
    expect(tree.get('/')!.childCount).toBe(4);
    expect(tree.get('/')!.stat().numChildren).toBe(4);
  });
});

describe('a txn that cannot apply', () => {
  it('replies NODEEXISTS to a create of an existing path and changes nothing', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/a', { data: bytes('one') })));
    const digest = tree.digest();
    const stat = tree.get('/')!.stat();
    const result = tree.apply(clock.txn(createOp('/a', { data: bytes('two'), parentCversion: 99 })));
    expect(result).toEqual({ reply: { type: 'error', code: Code.NODEEXISTS }, events: [] });
    expect(text(tree.get('/a')!.data)).toBe('one');
    expect(tree.get('/')!.stat()).toEqual(stat);
    expect(tree.digest()).toBe(digest);
    expect(tree.lastZxid).toBe(clock.zxid());
  });

  it('replies NONODE to a create under a missing parent', () => {
    const { tree, clock } = setup();
    expect(tree.apply(clock.txn(createOp('/missing/a'))).reply).toEqual({ type: 'error', code: Code.NONODE });
    expect(tree.nodeCount).toBe(4);
  });

  it('replies NOCHILDRENFOREPHEMERALS to a create under an ephemeral', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/e', { mode: CreateMode.EPHEMERAL })));
    expect(tree.apply(clock.txn(createOp('/e/a'))).reply).toEqual({ type: 'error', code: Code.NOCHILDRENFOREPHEMERALS });
  });

  it('replies BADARGUMENTS to a create with an invalid path or an out-of-range TTL', () => {
    const { tree, clock } = setup();
    expect(tree.apply(clock.txn(createOp('/a/'))).reply).toEqual({ type: 'error', code: Code.BADARGUMENTS });
    expect(
      tree.apply(clock.txn(createOp('/t', { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 0 }))).reply,
    ).toEqual({ type: 'error', code: Code.BADARGUMENTS });
  });

  it('replies NOTEMPTY to a delete of a node with children, NONODE to a missing one, BADARGUMENTS to /', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/a')));
    tree.apply(clock.txn(createOp('/a/b')));
    expect(tree.apply(clock.txn({ type: 'delete', path: '/a' })).reply).toEqual({ type: 'error', code: Code.NOTEMPTY });
    expect(tree.apply(clock.txn({ type: 'delete', path: '/x' })).reply).toEqual({ type: 'error', code: Code.NONODE });
    expect(tree.apply(clock.txn({ type: 'delete', path: '/' })).reply).toEqual({ type: 'error', code: Code.BADARGUMENTS });
    expect(tree.get('/a/b')).toBeDefined();
  });

  it('replies NONODE to setData, setACL and check of a missing node', () => {
    const { tree, clock } = setup();
    expect(tree.apply(clock.txn({ type: 'setData', path: '/x', data: bytes('d'), version: 1 })).reply).toEqual({
      type: 'error',
      code: Code.NONODE,
    });
    expect(tree.apply(clock.txn({ type: 'setACL', path: '/x', acl: OPEN_ACL_UNSAFE, version: 1 })).reply).toEqual({
      type: 'error',
      code: Code.NONODE,
    });
    expect(tree.apply(clock.txn({ type: 'check', path: '/x', version: 0 })).reply).toEqual({ type: 'error', code: Code.NONODE });
  });
});

describe('delete', () => {
  it("moves the parent's pzxid to the zxid and keeps its persisted cversion (ZooKeeper's deleteNode)", () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/p')));
    tree.apply(clock.txn(createOp('/p/a')));
    tree.apply(clock.txn(createOp('/p/b')));
    const { reply, events } = tree.apply(clock.txn({ type: 'delete', path: '/p/a' }));
    expect(reply).toEqual({ type: 'delete' });
    expect(events).toEqual([
      { type: EventType.NodeDeleted, path: '/p/a' },
      { type: EventType.NodeChildrenChanged, path: '/p' },
    ]);
    const parent = tree.get('/p')!;
    expect(parent.persistedCversion).toBe(2);
    expect(parent.stat().pzxid).toBe(clock.zxid());
    // Reported: two creates and one delete.
    expect(parent.stat().cversion).toBe(3);
    expect(parent.children()).toEqual(['b']);
    expect(tree.get('/p/a')).toBeUndefined();
  });

  it('asserts when a view of the removed node is read', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/a')));
    const view = tree.get('/a')!;
    tree.apply(clock.txn({ type: 'delete', path: '/a' }));
    expect(() => view.stat()).toThrow(AssertionError);
    expect(view.path).toBe('/a');
  });
});

describe('setData and setACL', () => {
  it("sets version from the txn, mzxid and mtime from the header, and keeps czxid and ctime", () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/a', { data: bytes('one') })));
    const created = tree.get('/a')!.stat();
    const { reply, events } = tree.apply(clock.txn({ type: 'setData', path: '/a', data: bytes('three'), version: 7 }));
    const stat = tree.get('/a')!.stat();
    expect(stat).toEqual({ ...created, version: 7, mzxid: clock.zxid(), mtime: 2000, dataLength: 5 });
    expect(reply).toEqual({ type: 'setData', stat });
    expect(events).toEqual([{ type: EventType.NodeDataChanged, path: '/a' }]);
    expect(text(tree.get('/a')!.data)).toBe('three');
  });

  it('leaves data read earlier unchanged by a later setData', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/a', { data: bytes('before') })));
    const before = tree.get('/a')!.data;
    tree.apply(clock.txn({ type: 'setData', path: '/a', data: bytes('after!'), version: 1 }));
    expect(text(before)).toBe('before');
  });

  it('copies the txn data, so the caller may reuse its buffer', () => {
    const { tree, clock } = setup();
    const buffer = bytes('abc');
    tree.apply(clock.txn(createOp('/a', { data: buffer })));
    buffer[0] = 0x78;
    expect(text(tree.get('/a')!.data)).toBe('abc');
  });

  it('sets aversion from the txn, emits no event, and leaves version and mzxid alone', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/a')));
    const before = tree.get('/a')!.stat();
    const acl = [{ perms: Perms.READ, id: { scheme: 'digest', id: 'u:h' } }];
    const { reply, events } = tree.apply(clock.txn({ type: 'setACL', path: '/a', acl, version: 4 }));
    const stat = tree.get('/a')!.stat();
    expect(stat).toEqual({ ...before, aversion: 4 });
    expect(reply).toEqual({ type: 'setACL', stat });
    expect(events).toEqual([]);
    expect(tree.get('/a')!.acl).toEqual(acl);
  });

  it('shares one frozen ACL array between all nodes with equal ACLs', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/a', { acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }] })));
    tree.apply(clock.txn(createOp('/b', { acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }] })));
    expect(tree.get('/a')!.acl).toBe(tree.get('/b')!.acl);
    expect(tree.get('/a')!.acl).toBe(tree.get('/')!.acl);
    expect(Object.isFrozen(tree.get('/a')!.acl)).toBe(true);
  });
});

describe('txns that change nothing', () => {
  it('check replies check, error replies its code, createSession replies createSession; none changes the tree', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/a')));
    const digest = tree.digest();
    expect(tree.apply(clock.txn({ type: 'check', path: '/a', version: 1 }))).toEqual({ reply: { type: 'check' }, events: [] });
    expect(tree.apply(clock.txn({ type: 'error', code: Code.BADVERSION })).reply).toEqual({ type: 'error', code: Code.BADVERSION });
    expect(tree.apply(clock.txn({ type: 'createSession', timeoutMs: 30_000 })).reply).toEqual({ type: 'createSession' });
    expect(tree.digest()).toBe(digest);
    expect(tree.lastZxid).toBe(clock.zxid());
  });
});

describe('sessions', () => {
  it("closeSession deletes the session's ephemerals in path order with their events, and no others", () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/locks')));
    for (const path of ['/locks/b', '/e', '/locks/a']) tree.apply(clock.txn(createOp(path, { mode: CreateMode.EPHEMERAL }), SESSION_A));
    tree.apply(clock.txn(createOp('/other', { mode: CreateMode.EPHEMERAL }), SESSION_B));
    expect(tree.ephemeralsOf(SESSION_A)).toEqual(['/e', '/locks/a', '/locks/b']);
    expect(tree.sessionsWithEphemerals()).toEqual([SESSION_A, SESSION_B]);
    const { reply, events } = tree.apply(clock.txn({ type: 'closeSession' }, SESSION_A));
    expect(reply).toEqual({ type: 'closeSession' });
    expect(events).toEqual([
      { type: EventType.NodeDeleted, path: '/e' },
      { type: EventType.NodeChildrenChanged, path: '/' },
      { type: EventType.NodeDeleted, path: '/locks/a' },
      { type: EventType.NodeChildrenChanged, path: '/locks' },
      { type: EventType.NodeDeleted, path: '/locks/b' },
      { type: EventType.NodeChildrenChanged, path: '/locks' },
    ]);
    expect(tree.ephemeralsOf(SESSION_A)).toEqual([]);
    expect(tree.sessionsWithEphemerals()).toEqual([SESSION_B]);
    expect(tree.get('/other')).toBeDefined();
    expect(tree.get('/locks')!.stat().pzxid).toBe(clock.zxid());
  });

  it('an explicit delete of an ephemeral removes it from its session', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/e', { mode: CreateMode.EPHEMERAL }), SESSION_A));
    tree.apply(clock.txn({ type: 'delete', path: '/e' }));
    expect(tree.ephemeralsOf(SESSION_A)).toEqual([]);
    expect(tree.sessionsWithEphemerals()).toEqual([]);
  });
});

describe('containers and TTL nodes', () => {
  it('a container is a candidate only once it has had a child and has none left', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/c', { mode: CreateMode.CONTAINER })));
    expect(tree.containerCandidates()).toEqual([]);
    tree.apply(clock.txn(createOp('/c/x')));
    expect(tree.containerCandidates()).toEqual([]);
    tree.apply(clock.txn({ type: 'delete', path: '/c/x' }));
    expect(tree.containerCandidates()).toEqual(['/c']);
  });

  it('a TTL node with no children expires once now − mtime exceeds its ttl; setData restarts the clock', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/t', { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 500 }))); // mtime 1000
    tree.apply(clock.txn(createOp('/u', { mode: CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, ttl: 500 }))); // 2000
    tree.apply(clock.txn(createOp('/u/child'))); // 3000
    expect(tree.expiredTtlNodes(1500)).toEqual([]);
    expect(tree.expiredTtlNodes(1501)).toEqual(['/t']);
    tree.apply(clock.txn({ type: 'setData', path: '/t', data: bytes('x'), version: 1 })); // mtime 4000
    expect(tree.expiredTtlNodes(4000)).toEqual([]);
    expect(tree.expiredTtlNodes(100_000)).toEqual(['/t']);
  });

  it('deleteContainer removes an empty container or TTL node', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/c', { mode: CreateMode.CONTAINER })));
    tree.apply(clock.txn(createOp('/t', { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 5 })));
    expect(tree.apply(clock.txn({ type: 'deleteContainer', path: '/c' })).reply).toEqual({ type: 'delete' });
    const { reply, events } = tree.apply(clock.txn({ type: 'deleteContainer', path: '/t' }));
    expect(reply).toEqual({ type: 'delete' });
    expect(events).toEqual([
      { type: EventType.NodeDeleted, path: '/t' },
      { type: EventType.NodeChildrenChanged, path: '/' },
    ]);
    expect(tree.nodeCount).toBe(4);
  });

  it('deleteContainer leaves a node that gained a child (NOTEMPTY) or was re-created persistent (BADVERSION)', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/c', { mode: CreateMode.CONTAINER })));
    tree.apply(clock.txn(createOp('/c/x')));
    tree.apply(clock.txn(createOp('/p')));
    expect(tree.apply(clock.txn({ type: 'deleteContainer', path: '/c' })).reply).toEqual({ type: 'error', code: Code.NOTEMPTY });
    expect(tree.apply(clock.txn({ type: 'deleteContainer', path: '/p' })).reply).toEqual({ type: 'error', code: Code.BADVERSION });
    expect(tree.apply(clock.txn({ type: 'deleteContainer', path: '/gone' })).reply).toEqual({ type: 'error', code: Code.NONODE });
    expect(tree.get('/c')).toBeDefined();
    expect(tree.get('/p')).toBeDefined();
  });
});

describe('queries', () => {
  it("allChildrenNumber counts every descendant, '/' counting /zookeeper's nodes too, a missing path 0", () => {
    const { tree, clock } = setup();
    for (const path of ['/a', '/a/b', '/a/b/c', '/a/d', '/e']) tree.apply(clock.txn(createOp(path)));
    expect(tree.allChildrenNumber('/')).toBe(8);
    expect(tree.allChildrenNumber('/a')).toBe(3);
    expect(tree.allChildrenNumber('/a/b/c')).toBe(0);
    expect(tree.allChildrenNumber('/nope')).toBe(0);
  });

  it('lastZxid only grows: a txn at or below it is an assertion failure', () => {
    const { tree, clock } = setup();
    tree.apply(clock.txn(createOp('/a')));
    const stale = { header: { sessionId: SESSION_A, cxid: 1, zxid: clock.zxid(), time: 5 }, body: createOp('/b') };
    expect(() => tree.apply(stale)).toThrow(AssertionError);
    const zero = { header: { ...stale.header, zxid: makeZxid(0, 0) }, body: createOp('/b') };
    expect(() => new DataTree().apply(zero)).toThrow(AssertionError);
  });
});
