import { describe, expect, it } from 'vitest';
import { generateDigest } from '../../../src/core/acl/digest.ts';
import type { Acl } from '../../../src/core/acl/types.ts';
import { CREATOR_ALL_ACL, OPEN_ACL_UNSAFE, Perms, READ_ACL_UNSAFE } from '../../../src/core/acl/types.ts';
import { Code } from '../../../src/core/errors.ts';
import { StandaloneTree } from '../../../src/core/requests/standalone.ts';
import { check, codeOf, create, del, digestAuth, setAcl, setData, standalone } from './helpers.ts';

const alice = generateDigest('alice:secret');
const aliceOnly = (perms: number): Acl[] => [{ perms, id: { scheme: 'digest', id: alice } }];

function twoSessions() {
  const zk = new StandaloneTree();
  const owner = zk.openSession(1000);
  const stranger = zk.openSession(1000);
  zk.submit(owner, digestAuth('alice:secret'), 1000);
  return { zk, asOwner: (r: Parameters<StandaloneTree['submit']>[1]) => zk.submit(owner, r, 1000), asStranger: (r: Parameters<StandaloneTree['submit']>[1]) => zk.submit(stranger, r, 1000) };
}

describe('versions', () => {
  it('version -1 matches any version; another mismatched version is BADVERSION', () => {
    const { at } = standalone();
    at(create('/v'));
    expect(codeOf(at(setData('/v', 'a', 5)))).toBe(Code.BADVERSION);
    const first = at(setData('/v', 'a', 0));
    expect(first.type === 'setData' && first.stat.version).toBe(1);
    const second = at(setData('/v', 'b', -1));
    expect(second.type === 'setData' && second.stat.version).toBe(2);
    expect(codeOf(at(del('/v', 1)))).toBe(Code.BADVERSION);
    expect(codeOf(at(del('/v', 2)))).toBe(0);
  });

  it("setACL checks and bumps the ACL version (aversion), not the data version", () => {
    const { at } = standalone();
    at(create('/v'));
    expect(codeOf(at(setAcl('/v', READ_ACL_UNSAFE, 1)))).toBe(Code.BADVERSION);
    const reply = at(setAcl('/v', OPEN_ACL_UNSAFE, 0));
    expect(reply.type === 'setACL' && [reply.stat.aversion, reply.stat.version]).toEqual([1, 0]);
  });

  it('check passes on the current version and fails with BADVERSION on another', () => {
    const { at } = standalone();
    at(create('/v'));
    expect(at(check('/v', 0))).toEqual({ type: 'check' });
    expect(at(check('/v', -1))).toEqual({ type: 'check' });
    expect(codeOf(at(check('/v', 3)))).toBe(Code.BADVERSION);
  });

  it('a node with children cannot be deleted (NOTEMPTY)', () => {
    const { at } = standalone();
    at(create('/p'));
    at(create('/p/c'));
    expect(codeOf(at(del('/p')))).toBe(Code.NOTEMPTY);
    at(del('/p/c'));
    expect(codeOf(at(del('/p')))).toBe(0);
  });
});

describe('ACLs', () => {
  it('create needs CREATE on the parent, else NOAUTH', () => {
    const { asOwner, asStranger } = twoSessions();
    asOwner(create('/p', { acl: [...aliceOnly(Perms.ALL), { perms: Perms.ALL & ~Perms.CREATE, id: { scheme: 'world', id: 'anyone' } }] }));
    expect(codeOf(asStranger(create('/p/x')))).toBe(Code.NOAUTH);
    expect(codeOf(asOwner(create('/p/x')))).toBe(0);
  });

  it('delete needs DELETE on the parent, not on the node', () => {
    const { asOwner, asStranger } = twoSessions();
    asOwner(create('/p', { acl: [...aliceOnly(Perms.ALL), { perms: Perms.READ | Perms.CREATE, id: { scheme: 'world', id: 'anyone' } }] }));
    asOwner(create('/p/x', { acl: READ_ACL_UNSAFE }));
    expect(codeOf(asStranger(del('/p/x')))).toBe(Code.NOAUTH);
    expect(codeOf(asOwner(del('/p/x')))).toBe(0);
  });

  it('setData needs WRITE, setACL needs ADMIN, check needs READ on the node', () => {
    const { asOwner, asStranger } = twoSessions();
    asOwner(create('/n', { acl: [...aliceOnly(Perms.ALL), { perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }] }));
    asOwner(create('/secret', { acl: aliceOnly(Perms.ALL) }));
    expect(codeOf(asStranger(setData('/n', 'x')))).toBe(Code.NOAUTH);
    expect(codeOf(asStranger(setAcl('/n', OPEN_ACL_UNSAFE)))).toBe(Code.NOAUTH);
    expect(codeOf(asStranger(check('/n', 0)))).toBe(0);
    expect(codeOf(asStranger(check('/secret', 0)))).toBe(Code.NOAUTH);
    expect(codeOf(asOwner(setData('/n', 'x')))).toBe(0);
    expect(codeOf(asOwner(setAcl('/n', OPEN_ACL_UNSAFE)))).toBe(0);
  });

  it('getData, getChildren and getAllChildrenNumber need READ; exists needs none', () => {
    const { asOwner, asStranger } = twoSessions();
    asOwner(create('/secret', { acl: aliceOnly(Perms.ALL) }));
    expect(codeOf(asStranger({ type: 'getData', path: '/secret', watch: false }))).toBe(Code.NOAUTH);
    expect(codeOf(asStranger({ type: 'getChildren', path: '/secret', watch: false, withStat: false }))).toBe(Code.NOAUTH);
    expect(codeOf(asStranger({ type: 'getAllChildrenNumber', path: '/secret' }))).toBe(Code.NOAUTH);
    expect(asStranger({ type: 'exists', path: '/secret', watch: false }).type).toBe('exists');
    expect(asOwner({ type: 'getData', path: '/secret', watch: false }).type).toBe('getData');
  });

  it('getACL needs READ or ADMIN, and without ADMIN the digest hashes are hidden', () => {
    const { asOwner, asStranger } = twoSessions();
    const acl: Acl[] = [...aliceOnly(Perms.ALL), { perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];
    asOwner(create('/n', { acl }));
    asOwner(create('/secret', { acl: aliceOnly(Perms.ALL) }));
    const full = asOwner({ type: 'getACL', path: '/n' });
    expect(full.type === 'getACL' && full.acl).toEqual(acl);
    const redacted = asStranger({ type: 'getACL', path: '/n' });
    expect(redacted.type === 'getACL' && redacted.acl[0]).toEqual({ perms: Perms.ALL, id: { scheme: 'digest', id: 'alice:x' } });
    expect(codeOf(asStranger({ type: 'getACL', path: '/secret' }))).toBe(Code.NOAUTH);
  });

  it("an `auth` ACL entry expands to the creator's authenticated ids", () => {
    const { asOwner, asStranger } = twoSessions();
    asOwner(create('/mine', { acl: CREATOR_ALL_ACL }));
    const reply = asOwner({ type: 'getACL', path: '/mine' });
    expect(reply.type === 'getACL' && reply.acl).toEqual(aliceOnly(Perms.ALL));
    expect(codeOf(asStranger({ type: 'getData', path: '/mine', watch: false }))).toBe(Code.NOAUTH);
  });

  it('an `auth` ACL entry without any authenticated id is INVALIDACL', () => {
    const { at } = standalone();
    expect(codeOf(at(create('/x', { acl: CREATOR_ALL_ACL })))).toBe(Code.INVALIDACL);
  });

  it('an empty ACL, an unknown scheme or a malformed id is INVALIDACL, for create and setACL', () => {
    const { at } = standalone();
    expect(codeOf(at(create('/x', { acl: [] })))).toBe(Code.INVALIDACL);
    expect(codeOf(at(create('/x', { acl: [{ perms: 31, id: { scheme: 'nosuch', id: 'x' } }] })))).toBe(Code.INVALIDACL);
    expect(codeOf(at(create('/x', { acl: [{ perms: 31, id: { scheme: 'world', id: 'someone' } }] })))).toBe(Code.INVALIDACL);
    at(create('/x'));
    expect(codeOf(at(setAcl('/x', [{ perms: 31, id: { scheme: 'digest', id: 'no-colon' } }])))).toBe(Code.INVALIDACL);
  });

  it('revoking access by setACL applies to the very next request', () => {
    const { asOwner, asStranger } = twoSessions();
    asOwner(create('/n'));
    asOwner(setAcl('/n', aliceOnly(Perms.ALL)));
    expect(codeOf(asStranger(setData('/n', 'x')))).toBe(Code.NOAUTH);
  });

  it('addAuth with a malformed credential or an unknown scheme is AUTHFAILED', () => {
    const { at } = standalone();
    expect(codeOf(at(digestAuth('no-colon')))).toBe(Code.AUTHFAILED);
    expect(codeOf(at({ type: 'auth', scheme: 'kerberos', auth: new Uint8Array([1]) }))).toBe(Code.AUTHFAILED);
  });

  it('whoAmI lists the ids the session has proven', () => {
    const { zk, s, at } = standalone();
    expect(at({ type: 'whoAmI' })).toEqual({ type: 'whoAmI', ids: [] });
    at(digestAuth('alice:secret'));
    at(digestAuth('alice:secret'));
    expect(at({ type: 'whoAmI' })).toEqual({ type: 'whoAmI', ids: [{ scheme: 'digest', id: alice }] });
    expect(zk.session(s)?.ids).toHaveLength(1);
  });
});
