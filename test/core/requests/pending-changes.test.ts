import { describe, expect, it } from 'vitest';
import { Code } from '../../../src/core/errors.ts';
import { PendingChanges } from '../../../src/core/requests/pending-changes.ts';
import { prep, prepCloseSession, prepSweep } from '../../../src/core/requests/prep.ts';
import type { WriteRequest } from '../../../src/core/requests/request.ts';
import { sessionContext } from '../../../src/core/requests/session-context.ts';
import type { TxnBody } from '../../../src/core/requests/txn.ts';
import { DataTree } from '../../../src/core/tree/data-tree.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import { asSessionId } from '../../../src/core/util/ids.ts';
import type { Zxid } from '../../../src/core/zxid.ts';
import { makeZxid } from '../../../src/core/zxid.ts';
import { create, del, setAcl, setData } from './helpers.ts';

/** A leader that preps and records writes, and applies them to its tree only when told. */
function leader() {
  const tree = new DataTree();
  const view = new PendingChanges(tree);
  const session = sessionContext(asSessionId(7));
  const proposed: { zxid: Zxid; body: TxnBody }[] = [];
  let counter = 0;
  const propose = (request: WriteRequest): TxnBody => {
    const body = prep(view, session, request, 1000);
    const zxid = makeZxid(1, ++counter);
    view.record(zxid, body, session.sessionId);
    proposed.push({ zxid, body });
    return body;
  };
  const applyAll = (): void => {
    for (const { zxid, body } of proposed.splice(0)) {
      tree.apply({ header: { sessionId: session.sessionId, cxid: 0, zxid, time: 1000 }, body });
      view.retire(zxid);
    }
  };
  return { tree, view, session, propose, applyAll, proposed };
}

const errorCode = (body: TxnBody): number => (body.type === 'error' ? body.code : 0);

describe('pending changes', () => {
  it('a request prepped before the previous one is applied sees its effects', () => {
    const { propose, view } = leader();
    propose(create('/a'));
    expect(errorCode(propose(create('/a/b')))).toBe(0);
    expect(errorCode(propose(create('/a')))).toBe(Code.NODEEXISTS);
    expect(errorCode(propose(del('/a')))).toBe(Code.NOTEMPTY);
    expect(view.get('/a')?.childCount).toBe(1);
  });

  it('pending sequential creates take successive suffixes', () => {
    const { propose } = leader();
    propose(create('/q'));
    const paths = [0, 1, 2].map(() => {
      const body = propose(create('/q/s-', { mode: CreateMode.PERSISTENT_SEQUENTIAL }));
      return body.type === 'create' ? body.path : body.type;
    });
    expect(paths).toEqual(['/q/s-0000000000', '/q/s-0000000001', '/q/s-0000000002']);
  });

  it('pending versions count: a second setData must name the version the first one makes', () => {
    const { propose } = leader();
    propose(create('/v'));
    propose(setData('/v', 'a', 0));
    expect(errorCode(propose(setData('/v', 'b', 0)))).toBe(Code.BADVERSION);
    const body = propose(setData('/v', 'b', 1));
    expect(body.type === 'setData' && body.version).toBe(2);
  });

  it('a pending setACL already governs the next request', () => {
    const { propose } = leader();
    propose(create('/n'));
    propose(setAcl('/n', [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }]));
    expect(errorCode(propose(setData('/n', 'x')))).toBe(Code.NOAUTH);
  });

  it('a pending delete frees the path for a create', () => {
    const { propose, applyAll } = leader();
    propose(create('/a'));
    applyAll();
    propose(del('/a'));
    expect(errorCode(propose(create('/a')))).toBe(0);
  });

  it('retiring an applied txn leaves the view unchanged, now read from the tree', () => {
    const { propose, applyAll, view, tree } = leader();
    propose(create('/a', { data: 'x' }));
    propose(setData('/a', 'y'));
    const projected = view.get('/a');
    applyAll();
    expect(view.size).toBe(0);
    expect(view.isPending('/a')).toBe(false);
    expect(view.get('/a')).toEqual(projected);
    expect(tree.get('/a')?.stat().version).toBe(1);
  });

  it('retiring one txn keeps the later pending change to the same path', () => {
    const { propose, view, tree, proposed, session } = leader();
    propose(create('/a'));
    propose(setData('/a', 'y'));
    const first = proposed.shift()!;
    tree.apply({ header: { sessionId: session.sessionId, cxid: 0, zxid: first.zxid, time: 1000 }, body: first.body });
    view.retire(first.zxid);
    expect(view.isPending('/a')).toBe(true);
    expect(view.get('/a')?.version).toBe(1);
  });

  it('a failed multi leaves the view as it was', () => {
    const { propose, view } = leader();
    propose(create('/keep'));
    const body = propose({ type: 'multi', ops: [create('/gone'), setData('/keep', 'x'), del('/missing')] });
    expect(body.type === 'multi' && body.txns.map(errorCode)).toEqual([Code.OK, Code.OK, Code.NONODE]);
    expect(view.get('/gone')).toBeUndefined();
    expect(view.get('/keep')?.version).toBe(0);
  });

  it("closing a session removes its ephemerals from the view, pending ones included", () => {
    const { propose, applyAll, view, session } = leader();
    propose(create('/applied', { mode: CreateMode.EPHEMERAL }));
    applyAll();
    propose(create('/pending', { mode: CreateMode.EPHEMERAL }));
    expect(view.ephemeralsOf(session.sessionId).sort()).toEqual(['/applied', '/pending']);
    view.record(makeZxid(1, 100), prepCloseSession(), session.sessionId);
    expect(view.get('/applied')).toBeUndefined();
    expect(view.get('/pending')).toBeUndefined();
    expect(view.get('/')?.childCount).toBe(1); // /zookeeper
  });

  it('clear forgets every pending change', () => {
    const { propose, view } = leader();
    propose(create('/a'));
    view.clear();
    expect(view.get('/a')).toBeUndefined();
    expect(view.size).toBe(0);
  });

  it('a sweep skips a container that a pending txn is changing', () => {
    const { propose, applyAll, view, tree } = leader();
    propose(create('/c', { mode: CreateMode.CONTAINER }));
    propose(create('/c/x'));
    applyAll();
    propose(del('/c/x'));
    applyAll();
    expect(tree.containerCandidates()).toEqual(['/c']);
    propose(create('/c/y'));
    expect(prepSweep(view, tree.containerCandidates())).toEqual([]);
    applyAll();
    propose(del('/c/y'));
    applyAll();
    expect(prepSweep(view, tree.containerCandidates())).toEqual([{ type: 'deleteContainer', path: '/c' }]);
  });
});
