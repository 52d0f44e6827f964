import { describe, expect, it } from 'vitest';
import { generateDigest } from '../../../src/core/acl/auth.ts';
import type { Acl, Id } from '../../../src/core/acl/types.ts';
import { ANYONE_ID, AUTH_IDS, CREATOR_ALL_ACL, OPEN_ACL_UNSAFE, Perms } from '../../../src/core/acl/types.ts';
import { fixupAcl } from '../../../src/core/acl/validate.ts';
import { Code, isKeeperError } from '../../../src/core/errors.ts';
import { limits } from '../../../src/core/util/limits.ts';

const alice: Id = { scheme: 'digest', id: generateDigest('alice:secret') };
const bob: Id = { scheme: 'digest', id: generateDigest('bob:secret') };
const fromLan: Id = { scheme: 'ip', id: '10.1.2.3' };

const codeOf = (f: () => unknown): number | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return isKeeperError(e) ? e.code : -9999;
  }
};
const entry = (perms: number, scheme: string, id: string): Acl => ({ perms, id: { scheme, id } });

describe('fixupAcl', () => {
  it('a valid ACL of world, digest and ip entries is kept as it is', () => {
    const acl = [entry(Perms.READ, 'world', 'anyone'), { perms: Perms.ALL, id: alice }, entry(Perms.WRITE, 'ip', '10.0.0.0/8')];
    expect(fixupAcl(acl, [])).toEqual(acl);
  });

  it('an empty ACL is INVALIDACL', () => {
    expect(codeOf(() => fixupAcl([], []))).toBe(Code.INVALIDACL);
  });

  it('a null ACL is INVALIDACL', () => {
    expect(codeOf(() => fixupAcl(null, []))).toBe(Code.INVALIDACL);
  });

  it('an unknown scheme is INVALIDACL', () => {
    expect(codeOf(() => fixupAcl([entry(Perms.ALL, 'kerberos', 'alice')], []))).toBe(Code.INVALIDACL);
    expect(codeOf(() => fixupAcl([entry(Perms.ALL, 'super', '')], []))).toBe(Code.INVALIDACL);
  });

  it('world with an id other than anyone is INVALIDACL', () => {
    expect(codeOf(() => fixupAcl([entry(Perms.ALL, 'world', 'everyone')], []))).toBe(Code.INVALIDACL);
    expect(codeOf(() => fixupAcl([entry(Perms.ALL, 'world', 'Anyone')], []))).toBe(Code.INVALIDACL);
  });

  it('a digest id without exactly one user:hash split is INVALIDACL', () => {
    expect(codeOf(() => fixupAcl([entry(Perms.ALL, 'digest', 'alice')], []))).toBe(Code.INVALIDACL);
    expect(codeOf(() => fixupAcl([entry(Perms.ALL, 'digest', 'alice:')], []))).toBe(Code.INVALIDACL);
    expect(codeOf(() => fixupAcl([entry(Perms.ALL, 'digest', 'a:b:c')], []))).toBe(Code.INVALIDACL);
  });

  it("a digest id is split as Java's String.split does, so a trailing colon is tolerated", () => {
    expect(fixupAcl([entry(Perms.ALL, 'digest', 'alice:hash:')], [])).toHaveLength(1);
    expect(fixupAcl([entry(Perms.ALL, 'digest', ':hash')], [])).toHaveLength(1);
  });

  it('an ip id that is not an address or CIDR is INVALIDACL', () => {
    expect(codeOf(() => fixupAcl([entry(Perms.ALL, 'ip', 'example.com')], []))).toBe(Code.INVALIDACL);
    expect(codeOf(() => fixupAcl([entry(Perms.ALL, 'ip', '10.0.0.0/40')], []))).toBe(Code.INVALIDACL);
    expect(codeOf(() => fixupAcl([entry(Perms.ALL, 'ip', '300.0.0.1')], []))).toBe(Code.INVALIDACL);
  });

  it('perms outside 0..31 are INVALIDACL', () => {
    expect(codeOf(() => fixupAcl([entry(32, 'world', 'anyone')], []))).toBe(Code.INVALIDACL);
    expect(codeOf(() => fixupAcl([entry(-1, 'world', 'anyone')], []))).toBe(Code.INVALIDACL);
    expect(codeOf(() => fixupAcl([entry(1.5, 'world', 'anyone')], []))).toBe(Code.INVALIDACL);
    expect(fixupAcl([entry(0, 'world', 'anyone')], [])).toHaveLength(1);
  });

  it('more than acl_entries_max entries is INVALIDACL', () => {
    const acl = Array.from({ length: limits.acl_entries_max + 1 }, (_, i) => entry(Perms.READ, 'ip', `10.0.0.${i}`));
    expect(codeOf(() => fixupAcl(acl, []))).toBe(Code.INVALIDACL);
    expect(fixupAcl(acl.slice(1), [])).toHaveLength(limits.acl_entries_max);
  });

  it('an id longer than acl_id_bytes_max is INVALIDACL', () => {
    const long = `u:${'h'.repeat(limits.acl_id_bytes_max)}`;
    expect(codeOf(() => fixupAcl([entry(Perms.ALL, 'digest', long)], []))).toBe(Code.INVALIDACL);
  });

  it('auth with no authenticated id is INVALIDACL', () => {
    expect(codeOf(() => fixupAcl(CREATOR_ALL_ACL, []))).toBe(Code.INVALIDACL);
  });

  it('auth is not satisfied by ip ids, which do not prove who the user is', () => {
    expect(codeOf(() => fixupAcl(CREATOR_ALL_ACL, [fromLan]))).toBe(Code.INVALIDACL);
    expect(codeOf(() => fixupAcl(CREATOR_ALL_ACL, [{ scheme: 'super', id: '' }]))).toBe(Code.INVALIDACL);
  });

  it("auth expands to every digest id of the session, in the session's order, with the entry's perms", () => {
    const acl = [{ perms: Perms.READ | Perms.WRITE, id: AUTH_IDS }];
    expect(fixupAcl(acl, [fromLan, alice, bob])).toEqual([
      { perms: Perms.READ | Perms.WRITE, id: alice },
      { perms: Perms.READ | Perms.WRITE, id: bob },
    ]);
  });

  it("auth ignores the entry's id string, as ZooKeeper does", () => {
    expect(fixupAcl([entry(Perms.ALL, 'auth', 'whatever')], [alice])).toEqual([{ perms: Perms.ALL, id: alice }]);
  });

  it('identical entries are kept once, in first-seen order', () => {
    const acl = [...OPEN_ACL_UNSAFE, { perms: Perms.READ, id: alice }, ...OPEN_ACL_UNSAFE, { perms: Perms.READ, id: alice }];
    expect(fixupAcl(acl, [])).toEqual([{ perms: Perms.ALL, id: ANYONE_ID }, { perms: Perms.READ, id: alice }]);
  });

  it('entries differing only in perms are both kept', () => {
    expect(fixupAcl([{ perms: Perms.READ, id: alice }, { perms: Perms.WRITE, id: alice }], [])).toHaveLength(2);
  });

  it('duplicates are removed before auth is expanded and not after, as in ZooKeeper', () => {
    const acl = [{ perms: Perms.ALL, id: alice }, { perms: Perms.ALL, id: AUTH_IDS }, { perms: Perms.ALL, id: AUTH_IDS }];
    expect(fixupAcl(acl, [alice])).toEqual([
      { perms: Perms.ALL, id: alice },
      { perms: Perms.ALL, id: alice },
    ]);
  });

  it('an auth expansion beyond acl_entries_max is INVALIDACL', () => {
    const ids = Array.from({ length: 2 }, (_, i) => ({ scheme: 'digest', id: generateDigest(`u${i}:p`) }));
    const acl = Array.from({ length: limits.acl_entries_max / 2 + 1 }, (_, i) => ({ perms: i, id: AUTH_IDS }));
    expect(codeOf(() => fixupAcl(acl, ids))).toBe(Code.INVALIDACL);
  });
});
