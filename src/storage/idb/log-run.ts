// Runs of logged txns (schema.ts LogRun): built from encoded txns, split so a value stays near
// limits.idb_value_bytes_max, and read back with every check a damaged value could fail: the CRC32
// over key and contents, the framing, each txn's decoding, and zxids that rise from `first` to the key.
// Any failure is a StorageCorruptError naming the store and the run's key. Pure: no I/O.

import { decodeTxn, encodeTxn } from '../../codec/txn-codec.ts';
import type { Txn } from '../../core/requests/txn.ts';
import { assert } from '../../core/util/assert.ts';
import { crc32Bytes, crc32Finish, crc32I64, CRC32_INIT } from '../../core/util/crc32.ts';
import { StorageCorruptError } from '../durable-store.ts';
import type { LogRun } from './schema.ts';

export interface EncodedTxn {
  readonly zxid: number;
  readonly bytes: Uint8Array;
}

export const encodeForLog = (txn: Txn): EncodedTxn => ({ zxid: txn.header.zxid, bytes: encodeTxn(txn) });

export function logRunCrc(first: number, last: number, count: number, bytes: Uint8Array): number {
  const head = crc32I64(crc32I64(crc32I64(CRC32_INIT, first), last), count);
  return crc32Finish(crc32Bytes(head, bytes));
}

/** One run of `txns` (at least one, zxids rising): its key (the last zxid) and value. */
export function makeLogRun(txns: readonly EncodedTxn[]): { key: number; value: LogRun } {
  const first = txns[0];
  const last = txns[txns.length - 1];
  assert(first !== undefined && last !== undefined, 'a log run holds at least one txn');
  let size = 0;
  for (const t of txns) size += 4 + t.bytes.length;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const t of txns) {
    view.setUint32(at, t.bytes.length);
    bytes.set(t.bytes, at + 4);
    at += 4 + t.bytes.length;
  }
  const value = { first: first.zxid, count: txns.length, crc: logRunCrc(first.zxid, last.zxid, txns.length, bytes), bytes };
  return { key: last.zxid, value };
}

/** Splits an append into runs of about `budget` bytes each (a bigger txn gets a run of its own). */
export function splitIntoRuns(txns: readonly EncodedTxn[], budget: number): EncodedTxn[][] {
  const runs: EncodedTxn[][] = [];
  let run: EncodedTxn[] = [];
  let size = 0;
  for (const t of txns) {
    if (run.length > 0 && size + 4 + t.bytes.length > budget) {
      runs.push(run);
      run = [];
      size = 0;
    }
    run.push(t);
    size += 4 + t.bytes.length;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** The txns of the run stored under `key`, or a StorageCorruptError naming `where` and `key`. */
export function readLogRun(where: string, key: number, value: unknown): Txn[] {
  const corrupt = (detail: string): StorageCorruptError => new StorageCorruptError(where, key, detail);
  if (typeof value !== 'object' || value === null) throw corrupt('not a log run');
  const { first, count, crc, bytes } = value as Record<string, unknown>;
  if (typeof first !== 'number' || typeof count !== 'number' || !(bytes instanceof Uint8Array)) throw corrupt('not a log run');
  if (logRunCrc(first, key, count, bytes) !== crc) throw corrupt('CRC32 mismatch');
  const txns: Txn[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw corrupt(`txn length cut short at byte ${at}`);
    const end = at + 4 + view.getUint32(at);
    if (end > bytes.length) throw corrupt(`txn at byte ${at} runs past the run's end`);
    txns.push(decodeAt(bytes.subarray(at + 4, end), corrupt, at));
    at = end;
  }
  if (txns.length !== count) throw corrupt(`holds ${txns.length} txns, not ${count}`);
  let previous = -1;
  for (const t of txns) {
    if (t.header.zxid <= previous) throw corrupt(`zxid ${t.header.zxid} does not rise`);
    previous = t.header.zxid;
  }
  if (txns[0]?.header.zxid !== first || previous !== key) throw corrupt(`txns do not span ${first}..${key}`);
  return txns;
}

function decodeAt(bytes: Uint8Array, corrupt: (detail: string) => StorageCorruptError, at: number): Txn {
  try {
    return decodeTxn(bytes);
  } catch (e) {
    throw corrupt(`undecodable txn at byte ${at}: ${(e as Error).message}`);
  }
}
