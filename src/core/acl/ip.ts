// The `ip` scheme, as ZooKeeper's IPAuthenticationProvider reads it: an ACL id is an IPv4 or IPv6
// address, optionally followed by `/bits` (a CIDR prefix); a session's ip id is its peer's address.
// Parsing mirrors ZooKeeper's, quirks included, so that an ACL valid there is valid here and matches
// the same clients: a string with ':' is IPv6 (8 hex segments, one '::' allowed, no embedded IPv4),
// else one with '.' is IPv4 (4 decimal parts 0..255); numbers are read as Java's Integer.parseInt
// reads them (a leading '+' or '-' is accepted, leading zeros are decimal).

/** The address's bytes (4 or 16), or undefined when it is neither an IPv4 nor an IPv6 address. */
export function parseIpAddress(text: string): Uint8Array | undefined {
  if (text.includes(':')) return parseV6(text);
  if (text.includes('.')) return parseV4(text);
  return undefined;
}

/** True when `expr` is a valid ip ACL id: an address, or an address and a prefix length in range. */
export function isValidIpAcl(expr: string): boolean {
  const { address, bits } = splitCidr(expr);
  const bytes = parseIpAddress(address);
  if (bytes === undefined) return false;
  return bits === undefined || prefixLength(bits, bytes.length) !== undefined;
}

/** True when the session's address `id` lies within the ACL's address or CIDR `expr`. An IPv4
 * address never matches an IPv6 ACL, nor the reverse (ZooKeeper compares the byte forms). */
export function ipMatches(id: string, expr: string): boolean {
  const { address, bits } = splitCidr(expr);
  const aclBytes = parseIpAddress(address);
  if (aclBytes === undefined) return false;
  const prefix = bits === undefined ? aclBytes.length * 8 : prefixLength(bits, aclBytes.length);
  if (prefix === undefined) return false;
  const idBytes = parseIpAddress(id);
  if (idBytes === undefined || idBytes.length !== aclBytes.length) return false;
  for (let i = 0; i < aclBytes.length; i++) {
    const keep = Math.min(8, Math.max(0, prefix - i * 8));
    const mask = (0xff << (8 - keep)) & 0xff;
    if (((aclBytes[i] ?? 0) & mask) !== ((idBytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

function splitCidr(expr: string): { address: string; bits: string | undefined } {
  const slash = expr.indexOf('/');
  return slash < 0 ? { address: expr, bits: undefined } : { address: expr.slice(0, slash), bits: expr.slice(slash + 1) };
}

function prefixLength(bits: string, addressBytes: number): number | undefined {
  const n = parseJavaInt(bits, 10);
  return n !== undefined && n >= 0 && n <= addressBytes * 8 ? n : undefined;
}

function parseV4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const v = parseJavaInt(parts[i] ?? '', 10);
    if (v === undefined || v < 0 || v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

function parseV6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  let head: string[];
  let tail: string[];
  if (halves.length === 1) {
    head = text.split(':');
    tail = [];
    if (head.length !== 8) return undefined;
  } else if (halves.length === 2) {
    head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
    tail = halves[1] === '' ? [] : (halves[1] ?? '').split(':');
    // '::' stands for at least one zero segment.
    if (head.length + tail.length >= 8) return undefined;
  } else {
    return undefined;
  }
  const out = new Uint8Array(16);
  return writeV6Segments(out, 0, head) && writeV6Segments(out, 16 - tail.length * 2, tail) ? out : undefined;
}

function writeV6Segments(out: Uint8Array, at: number, segments: readonly string[]): boolean {
  let i = at;
  for (const segment of segments) {
    if (segment.length === 0 || segment.length > 4) return false;
    const v = parseJavaInt(segment, 16);
    if (v === undefined) return false;
    // A negative segment ("-1") wraps as Java's byte casts do.
    out[i++] = (v >> 8) & 0xff;
    out[i++] = v & 0xff;
  }
  return true;
}

/** Java's Integer.parseInt for the short strings met here (ASCII digits only): an optional sign,
 * then one or more digits of the radix; undefined where Java throws NumberFormatException. */
function parseJavaInt(text: string, radix: 10 | 16): number | undefined {
  let i = 0;
  let sign = 1;
  if (text.startsWith('-') || text.startsWith('+')) {
    sign = text.startsWith('-') ? -1 : 1;
    i = 1;
  }
  if (i === text.length) return undefined;
  let value = 0;
  for (; i < text.length; i++) {
    const digit = digitValue(text.charCodeAt(i));
    if (digit === undefined || digit >= radix) return undefined;
    value = value * radix + digit;
    if (value > 2 ** 31) return undefined;
  }
  const result = sign * value;
  return result > 2 ** 31 - 1 ? undefined : result;
}

function digitValue(c: number): number | undefined {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return undefined;
}
