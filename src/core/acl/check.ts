// ZooKeeper's checkACL: may a session holding `ids` perform an operation needing `perm` on a node
// whose ACL is `acl`? An empty ACL allows everything; a `super` id (or, when configured, the super
// digest) allows everything; otherwise an entry must grant a requested bit to world:anyone or to an
// id the session holds (digest: the same string; ip: the session's address within the entry's CIDR).

import { assert } from '../util/assert.ts';
import { ipMatches } from './ip.ts';
import type { Acl, Id } from './types.ts';
import { Perms } from './types.ts';

export interface CheckOptions {
  /** ZooKeeper's DigestAuthenticationProvider.superDigest, `super:base64(sha1("super:password"))`:
   * a session authenticated with this digest passes every check. */
  readonly superDigest?: string;
}

/** True when some entry grants any bit of `perm` (getACL asks READ|ADMIN: either suffices). */
export function hasPermission(
  acl: readonly Acl[],
  perm: number,
  ids: readonly Id[],
  options: CheckOptions = {},
): boolean {
  assert(Number.isInteger(perm) && perm > 0 && perm <= Perms.ALL, `bad permission mask ${perm}`);
  if (acl.length === 0) return true;
  if (isSuper(ids, options.superDigest)) return true;
  for (const entry of acl) {
    if ((entry.perms & perm) === 0) continue;
    if (entry.id.scheme === 'world' && entry.id.id === 'anyone') return true;
    for (const id of ids) {
      if (id.scheme === entry.id.scheme && idMatches(id.scheme, id.id, entry.id.id)) return true;
    }
  }
  return false;
}

/** Schemes without a provider (auth, world other than anyone, x509, sasl …) never match. */
function idMatches(scheme: string, id: string, aclId: string): boolean {
  if (scheme === 'digest') return id === aclId;
  if (scheme === 'ip') return ipMatches(id, aclId);
  return false;
}

function isSuper(ids: readonly Id[], superDigest: string | undefined): boolean {
  for (const id of ids) {
    if (id.scheme === 'super') return true;
    if (superDigest !== undefined && id.scheme === 'digest' && id.id === superDigest) return true;
  }
  return false;
}
