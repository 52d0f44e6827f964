import { describe, expect, it } from 'vitest';
import { generateDigest } from '../../../src/core/acl/auth.ts';
import { hasPermission } from '../../../src/core/acl/check.ts';
import type { Acl, Id } from '../../../src/core/acl/types.ts';
import { ANYONE_ID, OPEN_ACL_UNSAFE, Perms, READ_ACL_UNSAFE } from '../../../src/core/acl/types.ts';

const alice: Id = { scheme: 'digest', id: generateDigest('alice:secret') };
const bob: Id = { scheme: 'digest', id: generateDigest('bob:secret') };
const fromLan: Id = { scheme: 'ip', id: '10.1.2.3' };
const aliceAll: Acl[] = [{ perms: Perms.ALL, id: alice }];

describe('hasPermission', () => {
  it('an empty ACL allows everything to everyone', () => {
    expect(hasPermission([], Perms.ADMIN, [])).toBe(true);
  });

  it('world:anyone admits a session with no ids', () => {
    expect(hasPermission(OPEN_ACL_UNSAFE, Perms.DELETE, [])).toBe(true);
  });

  it('an entry grants only its own permission bits', () => {
    expect(hasPermission(READ_ACL_UNSAFE, Perms.READ, [])).toBe(true);
    expect(hasPermission(READ_ACL_UNSAFE, Perms.WRITE, [])).toBe(false);
  });

  it('any one requested bit suffices, as getACL asks READ|ADMIN', () => {
    const adminOnly: Acl[] = [{ perms: Perms.ADMIN, id: ANYONE_ID }];
    expect(hasPermission(adminOnly, Perms.READ | Perms.ADMIN, [])).toBe(true);
  });

  it('a digest entry admits the session holding that exact digest id and no other', () => {
    expect(hasPermission(aliceAll, Perms.WRITE, [bob, alice])).toBe(true);
    expect(hasPermission(aliceAll, Perms.WRITE, [bob])).toBe(false);
    expect(hasPermission(aliceAll, Perms.WRITE, [{ scheme: 'ip', id: alice.id }])).toBe(false);
  });

  it('an ip entry admits a session whose address lies in its CIDR', () => {
    const lan: Acl[] = [{ perms: Perms.READ, id: { scheme: 'ip', id: '10.0.0.0/8' } }];
    expect(hasPermission(lan, Perms.READ, [fromLan])).toBe(true);
    expect(hasPermission(lan, Perms.READ, [{ scheme: 'ip', id: '192.168.0.1' }])).toBe(false);
  });

  it('the entries are tried in turn until one admits', () => {
    const acl: Acl[] = [
      { perms: Perms.READ, id: bob },
      { perms: Perms.WRITE, id: { scheme: 'ip', id: '10.0.0.0/8' } },
      { perms: Perms.CREATE, id: ANYONE_ID },
    ];
    expect(hasPermission(acl, Perms.WRITE, [fromLan])).toBe(true);
    expect(hasPermission(acl, Perms.CREATE, [])).toBe(true);
    expect(hasPermission(acl, Perms.DELETE, [bob, fromLan])).toBe(false);
  });

  it('world with an id other than anyone, and schemes without a provider, admit no one', () => {
    const acl: Acl[] = [
      { perms: Perms.ALL, id: { scheme: 'world', id: 'everyone' } },
      { perms: Perms.ALL, id: { scheme: 'sasl', id: 'alice' } },
    ];
    expect(hasPermission(acl, Perms.READ, [{ scheme: 'world', id: 'everyone' }, { scheme: 'sasl', id: 'alice' }])).toBe(false);
  });

  it('a session authenticated with the configured super digest passes every check', () => {
    const superDigest = generateDigest('super:test');
    const superId: Id = { scheme: 'digest', id: superDigest };
    expect(hasPermission(aliceAll, Perms.ADMIN, [superId], { superDigest })).toBe(true);
    expect(hasPermission(aliceAll, Perms.ADMIN, [superId])).toBe(false);
    expect(hasPermission([{ perms: Perms.ALL, id: bob }], Perms.ADMIN, [alice], { superDigest })).toBe(false);
  });

  it("a session holding ZooKeeper's super id passes every check", () => {
    expect(hasPermission(aliceAll, Perms.DELETE, [{ scheme: 'super', id: '' }])).toBe(true);
  });
});
