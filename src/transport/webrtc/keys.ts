// Keys derived from the ensemble secret with WebCrypto (crypto.subtle: browsers and Node 20 alike).
// PBKDF2 stretches the (possibly human-chosen) secret, salted with the ensemble name, into a master
// key; HKDF then splits it by purpose so the signaling cipher and the peer authentication never share
// a key. Keys are non-extractable.

const PBKDF2_ITERATIONS = 100_000;
const utf8 = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s);

export interface EnsembleKeys {
  /** AES-GCM: seals signaling payloads (offers, answers, candidates). */
  readonly signal: CryptoKey;
  /** HMAC-SHA-256: peers prove the secret to each other on every new data channel. */
  readonly auth: CryptoKey;
}

export async function deriveEnsembleKeys(secret: string, ensemble: string): Promise<EnsembleKeys> {
  const subtle = globalThis.crypto.subtle;
  const password = await subtle.importKey('raw', utf8(secret), 'PBKDF2', false, ['deriveBits']);
  const master = await subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: utf8(`meshkeeper/ensemble/${ensemble}`), iterations: PBKDF2_ITERATIONS },
    password,
    256,
  );
  const base = await subtle.importKey('raw', master, 'HKDF', false, ['deriveKey']);
  const hkdf = (purpose: string): HkdfParams => ({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(purpose) });
  const signal = await subtle.deriveKey(hkdf('meshkeeper/signal/aes-gcm'), base, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const auth = await subtle.deriveKey(hkdf('meshkeeper/auth/hmac'), base, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
    'sign',
    'verify',
  ]);
  return { signal, auth };
}
