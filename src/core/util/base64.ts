// Base64 (RFC 4648, standard alphabet, '=' padding) in pure TypeScript: the encoding ZooKeeper's
// DigestAuthenticationProvider uses for digest ids, so our ids are byte-for-byte the same as its.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET.charAt(v >> 18) + ALPHABET.charAt((v >> 12) & 63) + ALPHABET.charAt((v >> 6) & 63) + ALPHABET.charAt(v & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = (bytes[i] ?? 0) << 16;
    out += `${ALPHABET.charAt(v >> 18)}${ALPHABET.charAt((v >> 12) & 63)}==`;
  } else if (rest === 2) {
    const v = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += `${ALPHABET.charAt(v >> 18)}${ALPHABET.charAt((v >> 12) & 63)}${ALPHABET.charAt((v >> 6) & 63)}=`;
  }
  return out;
}
