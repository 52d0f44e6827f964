// addAuth: turns a session's credentials into the Id it adds to its auth info. Only `digest` is
// supported; the `ip` id comes from the connection itself (the runtime adds it, not the client).
// Failures are AUTHFAILED, which ZooKeeper answers by closing the session's connection.

import { Code, KeeperError } from '../errors.ts';
import { limits } from '../util/limits.ts';
import { utf8Decode } from '../util/utf8.ts';
import type { Id } from './types.ts';
import { generateDigest } from './digest.ts';

export { generateDigest } from './digest.ts';

/** The id a successful `addAuth(scheme, auth)` grants. Digest auth must be UTF-8 `user:password`. */
export function authenticate(scheme: string, auth: Uint8Array): Id {
  if (scheme !== 'digest') throw new KeeperError(Code.AUTHFAILED, `unsupported auth scheme '${scheme}'`);
  if (auth.length > limits.acl_id_bytes_max) {
    throw new KeeperError(Code.AUTHFAILED, `digest auth longer than ${limits.acl_id_bytes_max} bytes`);
  }
  const text = utf8Decode(auth);
  if (text === undefined) throw new KeeperError(Code.AUTHFAILED, 'digest auth is not valid UTF-8');
  // ZooKeeper would hash a string without ':' as a user with no password; we refuse it as malformed.
  if (!text.includes(':')) throw new KeeperError(Code.AUTHFAILED, "digest auth must be 'user:password'");
  return { scheme: 'digest', id: generateDigest(text) };
}
