// A znode's contribution to the tree digest (ZooKeeper 3.6's DigestCalculator idea): the CRC-32 of
// its path, data and persisted stat. The tree digest is the sum of these over all nodes, kept up to
// date by subtracting a node's old hash and adding its new one, so reading it is O(1) and two trees
// that applied the same txns agree. Unlike ZooKeeper we also hash the create mode, the TTL and the
// ACL's content, and we do not skip /zookeeper (nothing there changes outside txns).

import { crc32Bytes, crc32Finish, crc32I64, crc32U32, crc32Utf8, CRC32_INIT } from '../util/crc32.ts';
import type { CreateMode } from './create-mode.ts';
import {
  AVERSION,
  CTIME,
  CVERSION,
  CZXID,
  MTIME,
  MZXID,
  type NodeTable,
  OWNER,
  PREFIX_CRC,
  PZXID,
  VERSION,
} from './node-table.ts';

/** The digest is a sum modulo 2^52: exact in a JS number, and wider than one CRC. */
const DIGEST_MODULUS = 2 ** 52;

/** CRC-32 state over the path's UTF-8 bytes and the data. */
export function prefixCrc(path: string, data: Uint8Array): number {
  return crc32Bytes(crc32U32(crc32Utf8(CRC32_INIT, path), 0), data);
}

/** The node's hash from its cached prefix CRC and its current stat. */
export function nodeHash(table: NodeTable, slot: number, mode: CreateMode, aclCrc: number): number {
  let c = table.getI32(slot, PREFIX_CRC);
  c = crc32I64(c, table.getF64(slot, CZXID));
  c = crc32I64(c, table.getF64(slot, MZXID));
  c = crc32I64(c, table.getF64(slot, PZXID));
  c = crc32I64(c, table.getF64(slot, CTIME));
  c = crc32I64(c, table.getF64(slot, MTIME));
  c = crc32U32(c, table.getI32(slot, VERSION));
  c = crc32U32(c, table.getI32(slot, CVERSION));
  c = crc32U32(c, table.getI32(slot, AVERSION));
  c = crc32I64(c, table.getF64(slot, OWNER));
  c = crc32U32(c, mode);
  c = crc32U32(c, aclCrc);
  return crc32Finish(c);
}

export function digestAdd(digest: number, hash: number): number {
  return (digest + hash) % DIGEST_MODULUS;
}

export function digestSub(digest: number, hash: number): number {
  return (digest - hash + DIGEST_MODULUS) % DIGEST_MODULUS;
}
