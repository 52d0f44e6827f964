// The `digest` scheme, as ZooKeeper's DigestAuthenticationProvider defines it: a client proves
// `user:password`, and its id is `user:` + base64(sha1(utf8("user:password"))). Ids are compared as
// exact strings, so our ids must be byte-for-byte ZooKeeper's: real clients and their stored ACLs work.

import { base64Encode } from '../util/base64.ts';
import { sha1 } from '../util/sha1.ts';
import { utf8Encode } from '../util/utf8.ts';

/** ZooKeeper's generateDigest: the user is everything before the first ':' (the whole string when
 * there is none); the hash covers the whole string, password included. */
export function generateDigest(userPassword: string): string {
  const colon = userPassword.indexOf(':');
  const user = colon < 0 ? userPassword : userPassword.slice(0, colon);
  return `${user}:${base64Encode(sha1(utf8Encode(userPassword)))}`;
}

/** ZooKeeper's DigestAuthenticationProvider.isValid: exactly two ':'-separated parts, counted as
 * Java's String.split(":") counts them (trailing empty parts dropped, so "user:hash:" passes). */
export function isValidDigestId(id: string): boolean {
  const parts = id.split(':');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.length === 2;
}
