// ZooKeeper's PrepRequestProcessor.fixupACL: checks the ACL a client sends with create or setACL
// and expands `auth` entries, yielding the ACL the txn stores. Any problem is INVALIDACL.
// - duplicates (same perms and id) are dropped first, as ZooKeeper does; entries produced by
//   expanding `auth` are not deduplicated again (ZooKeeper stores them as they come);
// - world is valid only as world:anyone; digest needs `user:hash`; ip an address or CIDR; any other
//   scheme has no provider here and is invalid;
// - `auth` becomes one entry per authenticated id of the session (its digest ids: ZooKeeper skips
//   ip ids, whose provider is not "authenticated", and ids of schemes with no provider), and is
//   invalid when there is none;
// - beyond ZooKeeper: perms must be an integer in 0..31, and lists and ids are bounded (limits.ts).

import { Code, KeeperError } from '../errors.ts';
import { limits } from '../util/limits.ts';
import { utf8EncodedLength } from '../util/utf8.ts';
import { isValidDigestId } from './digest.ts';
import { isValidIpAcl } from './ip.ts';
import type { Acl, Id } from './types.ts';
import { Perms } from './types.ts';

export function fixupAcl(acl: readonly Acl[] | null | undefined, ids: readonly Id[]): readonly Acl[] {
  if (acl === null || acl === undefined || acl.length === 0) throw invalid('an ACL must have at least one entry');
  if (acl.length > limits.acl_entries_max) throw invalid(`more than ${limits.acl_entries_max} ACL entries`);
  const result: Acl[] = [];
  for (const entry of withoutDuplicates(acl)) {
    checkShape(entry);
    const { scheme, id } = entry.id;
    if (scheme === 'auth') {
      const before = result.length;
      for (const own of ids) {
        if (isAuthenticatedScheme(own.scheme)) result.push({ perms: entry.perms, id: { scheme: own.scheme, id: own.id } });
      }
      if (result.length === before) throw invalid('auth ACL entry but the session has no authenticated id');
    } else if (isValidId(scheme, id)) {
      result.push(entry);
    } else {
      throw invalid(`invalid ACL id ${scheme}:${id}`);
    }
  }
  if (result.length > limits.acl_entries_max) throw invalid(`more than ${limits.acl_entries_max} ACL entries after auth expansion`);
  return result;
}

function isValidId(scheme: string, id: string): boolean {
  switch (scheme) {
    case 'world':
      return id === 'anyone';
    case 'digest':
      return isValidDigestId(id);
    case 'ip':
      return isValidIpAcl(id);
    default:
      return false;
  }
}

/** Schemes whose ids prove who a user is (ZooKeeper's AuthenticationProvider.isAuthenticated). */
const isAuthenticatedScheme = (scheme: string): boolean => scheme === 'digest';

function checkShape(entry: Acl): void {
  const { perms, id } = entry as { perms: unknown; id: { scheme: unknown; id: unknown } | null };
  if (typeof perms !== 'number' || !Number.isInteger(perms) || perms < 0 || perms > Perms.ALL) {
    throw invalid(`ACL perms out of range: ${String(perms)}`);
  }
  if (id === null || typeof id !== 'object' || typeof id.scheme !== 'string' || typeof id.id !== 'string') {
    throw invalid('ACL entry without a scheme and id');
  }
  if (utf8EncodedLength(id.scheme) > limits.acl_id_bytes_max || utf8EncodedLength(id.id) > limits.acl_id_bytes_max) {
    throw invalid(`ACL scheme or id longer than ${limits.acl_id_bytes_max} bytes`);
  }
}

function withoutDuplicates(acl: readonly Acl[]): Acl[] {
  const unique: Acl[] = [];
  for (const entry of acl) {
    if (entry === null || entry === undefined) throw invalid('null ACL entry');
    const seen = unique.some((u) => u.perms === entry.perms && u.id?.scheme === entry.id?.scheme && u.id?.id === entry.id?.id);
    if (!seen) unique.push(entry);
  }
  return unique;
}

const invalid = (detail: string): KeeperError => new KeeperError(Code.INVALIDACL, detail);
