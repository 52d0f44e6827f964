// Znode paths, validated exactly as ZooKeeper's PathUtils.validatePath does: absolute, no trailing
// '/', no empty, '.' or '..' segment, no NUL, and none of the forbidden code-point ranges. A bad
// path is client input: it is answered with BADARGUMENTS, never asserted on.

import { Code, KeeperError } from '../errors.ts';
import { limits } from '../util/limits.ts';

/** Why `path` is not a valid znode path, or undefined when it is. `sequential` allows a trailing
 * '/' because the 10-digit suffix is appended to it (ZooKeeper validates `path + "1"`). */
export function pathProblem(path: string, sequential = false): string | undefined {
  if (typeof path !== 'string') return 'path must be a string';
  const candidate = sequential ? `${path}1` : path;
  if (candidate.length === 0) return 'path length must be > 0';
  if (candidate.charCodeAt(0) !== 0x2f) return 'path must start with / character';
  if (candidate.length === 1) return undefined;
  if (candidate.charCodeAt(candidate.length - 1) === 0x2f) return 'path must not end with / character';
  if (utf8Length(candidate) > limits.path_bytes_max) return `path longer than ${limits.path_bytes_max} bytes`;
  let last = 0x2f;
  for (let i = 1; i < candidate.length; i++) {
    const c = candidate.charCodeAt(i);
    const next = i + 1 === candidate.length ? 0x2f : candidate.charCodeAt(i + 1);
    if (c === 0) return `null character not allowed @${i}`;
    if (c === 0x2f && last === 0x2f) return `empty node name specified @${i}`;
    if (c === 0x2e && last === 0x2e && candidate.charCodeAt(i - 2) === 0x2f && next === 0x2f) {
      return `relative paths not allowed @${i}`;
    }
    if (c === 0x2e && last === 0x2f && next === 0x2f) return `relative paths not allowed @${i}`;
    if (isForbiddenCodeUnit(c)) return `invalid character @${i}`;
    last = c;
  }
  return undefined;
}

function isForbiddenCodeUnit(c: number): boolean {
  return (
    (c > 0x0000 && c <= 0x001f) ||
    (c >= 0x007f && c <= 0x009f) ||
    (c >= 0xd800 && c <= 0xf8ff) ||
    (c >= 0xfff0 && c <= 0xffff)
  );
}

/** Throws BADARGUMENTS naming the problem when `path` is not a valid znode path. */
export function validatePath(path: string, sequential = false): void {
  const problem = pathProblem(path, sequential);
  if (problem !== undefined) throw new KeeperError(Code.BADARGUMENTS, `invalid path: ${problem}`, String(path));
}

/** The parent of a valid path other than '/'. */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === 0 ? '/' : path.slice(0, slash);
}

/** The last segment of a valid path ('' for '/'). */
export function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A child's path under a valid parent path. */
export function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** True when `path` is `ancestor` or lies beneath it. */
export function isWithin(path: string, ancestor: string): boolean {
  if (ancestor === '/') return true;
  return path === ancestor || (path.startsWith(ancestor) && path.charCodeAt(ancestor.length) === 0x2f);
}

/** ZooKeeper's sequential suffix: the counter zero-padded to 10 digits (negative after overflow,
 * as ZooKeeper's `%010d` prints it). */
export function sequenceSuffix(counter: number): string {
  return counter < 0 ? `-${String(-counter).padStart(9, '0')}` : String(counter).padStart(10, '0');
}

export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
