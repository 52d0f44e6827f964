// Every error code the request pipeline can answer, each triggered by the smallest bad request.
import { describe, expect, it } from 'vitest';
import { Code } from '../../../src/core/errors.ts';
import type { Request } from '../../../src/core/requests/request.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import { limits } from '../../../src/core/util/limits.ts';
import { WatcherType } from '../../../src/core/watches/events.ts';
import { check, codeOf, create, del, digestAuth, setAcl, setData, standalone } from './helpers.ts';
import { OPEN_ACL_UNSAFE } from '../../../src/core/acl/types.ts';
import { asSessionId, NO_SESSION } from '../../../src/core/util/ids.ts';
import type { NodeView } from '../../../src/core/requests/pending-changes.ts';
import { prep } from '../../../src/core/requests/prep.ts';
import { sessionContext } from '../../../src/core/requests/session-context.ts';

const badPaths: [string, string][] = [
  ['an empty path', ''],
  ['a relative path', 'a/b'],
  ['a trailing slash', '/a/'],
  ['an empty segment', '/a//b'],
  ['a "." segment', '/a/./b'],
  ['a ".." segment', '/a/../b'],
  ['a NUL character', '/a\u0000b'],
  ['a control character', '/a\u0001b'],
  ['a forbidden code point', '/a\ud800b'],
  ['a path longer than path_bytes_max', `/${'x'.repeat(limits.path_bytes_max)}`],
];

describe('bad input', () => {
  for (const [rule, path] of badPaths) {
    it(`${rule} is BADARGUMENTS for every request that takes a path`, () => {
      const { at } = standalone();
      const requests: Request[] = [
        create(path),
        del(path),
        setData(path, 'x'),
        setAcl(path, OPEN_ACL_UNSAFE),
        check(path, -1),
        { type: 'exists', path, watch: true },
        { type: 'getData', path, watch: true },
        { type: 'getChildren', path, watch: true, withStat: false },
        { type: 'getACL', path },
        { type: 'getAllChildrenNumber', path },
        { type: 'addWatch', path, mode: 0 },
        { type: 'checkWatches', path, watcherType: WatcherType.Any },
      ];
      for (const request of requests) expect([request.type, codeOf(at(request))]).toEqual([request.type, Code.BADARGUMENTS]);
    });
  }

  it('a sequential create may end in "/", but a plain create may not', () => {
    const { at } = standalone();
    expect(codeOf(at(create('/', { mode: CreateMode.PERSISTENT_SEQUENTIAL })))).toBe(0);
    expect(codeOf(at(create('/x/', { mode: CreateMode.PERSISTENT })))).toBe(Code.BADARGUMENTS);
  });

  it('data longer than data_bytes_max is BADARGUMENTS for create and setData', () => {
    const { at } = standalone();
    const big = new Uint8Array(limits.data_bytes_max + 1);
    expect(codeOf(at({ ...create('/big'), data: big }))).toBe(Code.BADARGUMENTS);
    expect(codeOf(at({ ...create('/ok'), data: big.subarray(1) }))).toBe(0);
    expect(codeOf(at({ ...setData('/ok', ''), data: big }))).toBe(Code.BADARGUMENTS);
  });

  it('deleting the root is BADARGUMENTS', () => {
    const { at } = standalone();
    expect(codeOf(at(del('/')))).toBe(Code.BADARGUMENTS);
  });

  it('creating the root is NODEEXISTS', () => {
    const { at } = standalone();
    expect(codeOf(at(create('/')))).toBe(Code.NODEEXISTS);
  });

  it('NONODE: a missing parent, or a missing node to change or read', () => {
    const { at } = standalone();
    expect(codeOf(at(create('/no/child')))).toBe(Code.NONODE);
    expect(codeOf(at(del('/no')))).toBe(Code.NONODE);
    expect(codeOf(at(setData('/no', 'x')))).toBe(Code.NONODE);
    expect(codeOf(at(setAcl('/no', OPEN_ACL_UNSAFE)))).toBe(Code.NONODE);
    expect(codeOf(at(check('/no', -1)))).toBe(Code.NONODE);
    expect(codeOf(at({ type: 'getData', path: '/no', watch: false }))).toBe(Code.NONODE);
    expect(codeOf(at({ type: 'getACL', path: '/no' }))).toBe(Code.NONODE);
    expect(codeOf(at({ type: 'getAllChildrenNumber', path: '/no' }))).toBe(Code.NONODE);
  });

  it('NODEEXISTS: creating a node twice', () => {
    const { at } = standalone();
    at(create('/a'));
    expect(codeOf(at(create('/a')))).toBe(Code.NODEEXISTS);
  });

  it('BADVERSION, NOTEMPTY and NOCHILDRENFOREPHEMERALS', () => {
    const { at } = standalone();
    at(create('/a'));
    at(create('/a/b'));
    at(create('/e', { mode: CreateMode.EPHEMERAL }));
    expect(codeOf(at(setData('/a', 'x', 3)))).toBe(Code.BADVERSION);
    expect(codeOf(at(del('/a')))).toBe(Code.NOTEMPTY);
    expect(codeOf(at(create('/e/x')))).toBe(Code.NOCHILDRENFOREPHEMERALS);
  });

  it('NOAUTH and INVALIDACL', () => {
    const { at } = standalone();
    at(create('/ro', { acl: [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }] }));
    expect(codeOf(at(setData('/ro', 'x')))).toBe(Code.NOAUTH);
    expect(codeOf(at(create('/x', { acl: [{ perms: 99, id: { scheme: 'world', id: 'anyone' } }] })))).toBe(Code.INVALIDACL);
  });

  it('NOWATCHER and AUTHFAILED', () => {
    const { at } = standalone();
    expect(codeOf(at({ type: 'checkWatches', path: '/', watcherType: WatcherType.Any }))).toBe(Code.NOWATCHER);
    expect(codeOf(at({ type: 'removeWatches', path: '/', watcherType: WatcherType.Any }))).toBe(Code.NOWATCHER);
    expect(codeOf(at(digestAuth('nocolon')))).toBe(Code.AUTHFAILED);
  });

  it('an unknown request type is UNIMPLEMENTED, and a multi op that is not a write too', () => {
    const { at } = standalone();
    expect(codeOf(at({ type: 'reconfig' } as never))).toBe(Code.UNIMPLEMENTED);
    const reply = at({ type: 'multi', ops: [{ type: 'getData', path: '/', watch: false } as never] });
    expect(reply).toEqual({ type: 'multi', results: [{ type: 'error', code: Code.UNIMPLEMENTED }] });
  });

  it('a request on a closed or unknown session is SESSIONEXPIRED', () => {
    const { zk, s } = standalone();
    zk.closeSession(s, 1000);
    expect(codeOf(zk.submit(s, { type: 'whoAmI' }, 1000))).toBe(Code.SESSIONEXPIRED);
    expect(codeOf(zk.submit(asSessionId(999), { type: 'whoAmI' }, 1000))).toBe(Code.SESSIONEXPIRED);
  });
});

describe('limits', () => {
  it('a create beyond children_per_node_max is QUOTAEXCEEDED', () => {
    const root = {
      path: '/', acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT, ttl: 0, ephemeralOwner: NO_SESSION,
      version: 0, cversion: 0, aversion: 0, childCount: limits.children_per_node_max,
    };
    const full: NodeView = { get: (path) => (path === '/' ? root : undefined), ephemeralsOf: () => [] };
    const body = prep(full, sessionContext(asSessionId(1)), create('/one-more'), 0);
    expect(body).toEqual({ type: 'error', code: Code.QUOTAEXCEEDED });
  });
});
