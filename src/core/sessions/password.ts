// Session passwords. ZooKeeper hands every new session a password (ConnectResponse.passwd) that the
// client must show again to reattach the session at any server; the server derives it from the
// session id and a secret only servers know (ZooKeeperServer.generatePasswd seeds a Random with
// sessionId ^ superSecret). We derive it the same way, deterministically, but with a keyed hash:
//
//     password = first 16 bytes of HMAC-SHA1(key = "meshkeeper/session-password/" + secret,
//                                             message = sessionId as 8 big-endian bytes)
//
// so any peer of the ensemble checks a password without consensus or stored state, and a client
// cannot forge the password of another session without the secret. SHA-1 is what the core has
// synchronously (util/sha1.ts); HMAC keeps it sound as a MAC.

import type { SessionId } from '../util/ids.ts';
import { sha1 } from '../util/sha1.ts';
import { utf8Encode } from '../util/utf8.ts';

/** ZooKeeper's password length (a 16-byte array in ConnectResponse). */
export const SESSION_PASSWORD_BYTES = 16;

const BLOCK = 64;

export function hmacSha1(key: Uint8Array, message: Uint8Array): Uint8Array {
  const k = new Uint8Array(BLOCK);
  k.set(key.length > BLOCK ? sha1(key) : key);
  const inner = new Uint8Array(BLOCK + message.length);
  const outer = new Uint8Array(BLOCK + 20);
  for (let i = 0; i < BLOCK; i++) {
    const b = k[i] ?? 0;
    inner[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  inner.set(message, BLOCK);
  outer.set(sha1(inner), BLOCK);
  return sha1(outer);
}

export function sessionPassword(secret: string, session: SessionId): Uint8Array {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  // A session id is < 2^53: split it exactly into two 32-bit halves.
  view.setUint32(0, Math.floor(session / 2 ** 32));
  view.setUint32(4, session >>> 0);
  return hmacSha1(utf8Encode(`meshkeeper/session-password/${secret}`), message).subarray(0, SESSION_PASSWORD_BYTES);
}

/** Whether `password` is the session's; compares every byte whatever the first mismatch. */
export function passwordMatches(secret: string, session: SessionId, password: Uint8Array): boolean {
  if (password.length !== SESSION_PASSWORD_BYTES) return false;
  const expected = sessionPassword(secret, session);
  let diff = 0;
  for (let i = 0; i < SESSION_PASSWORD_BYTES; i++) diff |= (expected[i] ?? 0) ^ (password[i] ?? 0);
  return diff === 0;
}

/** The secret every peer of an ensemble keys session passwords with, tab or Node alike. */
export function ensembleSessionSecret(ensemble: string, secret: string): string {
  return `${ensemble}/${secret}`;
}
