import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authenticate, generateDigest } from '../../../src/core/acl/auth.ts';
import { isValidDigestId } from '../../../src/core/acl/digest.ts';
import { Code, isKeeperError } from '../../../src/core/errors.ts';
import { limits } from '../../../src/core/util/limits.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const codeOf = (f: () => unknown): number | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return isKeeperError(e) ? e.code : -9999;
  }
};

describe('generateDigest', () => {
  it("digest ids are byte-compatible with ZooKeeper's generateDigest (vectors from its AuthTest and ZooKeeperTest)", () => {
    expect(generateDigest('super:test')).toBe('super:D/InIHSb7yEEbrWz8b9l71RjZJU=');
    expect(generateDigest('super:zookeeper')).toBe('super:yyuhPKumRtNj4r8GnSbbwuq1vhE=');
    expect(generateDigest('super:foo')).toBe('super:t6lQTvqID/Gl5Or0n4FYE6kKP8w=');
    expect(generateDigest('super:bar')).toBe('super:hTdNN4QH4isoRvCrQ1Jf7REREQ4=');
    expect(generateDigest('user:test')).toBe('user:tl+z3z0vO6PfPfEENfLF96E6pM0=');
  });

  it('a digest is the user, a colon and base64(sha1(utf8 of the whole user:password)), as node:crypto computes it', () => {
    const user = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((u) => !u.includes(':'));
    const password = fc.string({ unit: 'grapheme', maxLength: 20 });
    fc.assert(
      fc.property(user, password, (u, p) => {
        const expected = `${u}:${createHash('sha1').update(Buffer.from(`${u}:${p}`, 'utf8')).digest('base64')}`;
        return generateDigest(`${u}:${p}`) === expected;
      }),
    );
  });

  it('the user ends at the first colon, so a password may contain colons', () => {
    const hash = createHash('sha1').update('alice:pa:ss').digest('base64');
    expect(generateDigest('alice:pa:ss')).toBe(`alice:${hash}`);
  });

  it('every generated digest is a valid digest ACL id', () => {
    expect(isValidDigestId(generateDigest('alice:secret'))).toBe(true);
    expect(isValidDigestId(generateDigest(':'))).toBe(true);
  });
});

describe('authenticate', () => {
  it('digest auth with user:password yields the digest id of those credentials', () => {
    expect(authenticate('digest', bytes('super:test'))).toEqual({ scheme: 'digest', id: 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=' });
  });

  it('digest auth reads the credentials as UTF-8', () => {
    const hash = createHash('sha1').update(Buffer.from('jörg:pässwörd', 'utf8')).digest('base64');
    expect(authenticate('digest', bytes('jörg:pässwörd'))).toEqual({ scheme: 'digest', id: `jörg:${hash}` });
  });

  it('an unknown scheme is AUTHFAILED', () => {
    expect(codeOf(() => authenticate('kerberos', bytes('a:b')))).toBe(Code.AUTHFAILED);
    expect(codeOf(() => authenticate('ip', bytes('10.0.0.1')))).toBe(Code.AUTHFAILED);
    expect(codeOf(() => authenticate('world', bytes('anyone')))).toBe(Code.AUTHFAILED);
  });

  it('digest auth without a colon is AUTHFAILED', () => {
    expect(codeOf(() => authenticate('digest', bytes('alice')))).toBe(Code.AUTHFAILED);
  });

  it('digest auth that is not valid UTF-8 is AUTHFAILED', () => {
    expect(codeOf(() => authenticate('digest', Uint8Array.of(0x61, 0x3a, 0xff)))).toBe(Code.AUTHFAILED);
  });

  it('digest auth longer than acl_id_bytes_max is AUTHFAILED', () => {
    const long = `a:${'x'.repeat(limits.acl_id_bytes_max)}`;
    expect(codeOf(() => authenticate('digest', bytes(long)))).toBe(Code.AUTHFAILED);
  });
});
