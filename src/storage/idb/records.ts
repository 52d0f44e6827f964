// Building and checking the snapshot and epoch records of schema.ts (log runs: log-run.ts). Builders
// compute the CRC32s; readers verify them: a damaged epoch is a StorageCorruptError naming store and
// key, a damaged snapshot part makes that snapshot invalid (recover.ts falls back). Pure: no I/O.

import { crc32Bytes, crc32Finish, crc32I64, crc32Utf8, CRC32_INIT } from '../../core/util/crc32.ts';
import type { Zxid } from '../../core/zxid.ts';
import { StorageCorruptError } from '../durable-store.ts';
import type { EpochName, EpochRecord, SnapshotChunk, SnapshotMeta, StoreName } from './schema.ts';

export function snapshotMetaCrc(zxid: number, size: number, chunks: number, crc: number): number {
  let c = crc32I64(CRC32_INIT, zxid);
  c = crc32I64(c, size);
  c = crc32I64(c, chunks);
  c = crc32I64(c, crc);
  return crc32Finish(c);
}

export function makeSnapshotMeta(zxid: Zxid, bytes: Uint8Array, chunks: number): SnapshotMeta {
  const crc = crc32Finish(crc32Bytes(CRC32_INIT, bytes));
  return { size: bytes.length, chunks, crc, metaCrc: snapshotMetaCrc(zxid, bytes.length, chunks, crc) };
}

/** Whether a snapshot meta record is whole (a damaged one makes the snapshot invalid, not fatal). */
export function isValidSnapshotMeta(zxid: number, value: unknown): value is SnapshotMeta {
  if (!isObject(value)) return false;
  const { size, chunks, crc, metaCrc } = value;
  if (typeof size !== 'number' || typeof chunks !== 'number' || typeof crc !== 'number') return false;
  if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(chunks) || chunks < 0) return false;
  return metaCrc === snapshotMetaCrc(zxid, size, chunks, crc);
}

export function chunkCrc(zxid: number, index: number, bytes: Uint8Array): number {
  return crc32Finish(crc32Bytes(crc32I64(crc32I64(CRC32_INIT, zxid), index), bytes));
}

export function makeSnapshotChunk(zxid: Zxid, index: number, bytes: Uint8Array): SnapshotChunk {
  return { crc: chunkCrc(zxid, index, bytes), bytes };
}

export function isValidSnapshotChunk(zxid: number, index: number, value: unknown): value is SnapshotChunk {
  if (!isObject(value) || !(value['bytes'] instanceof Uint8Array)) return false;
  return value['crc'] === chunkCrc(zxid, index, value['bytes']);
}

export function epochRecordCrc(name: EpochName, epoch: number): number {
  return crc32Finish(crc32I64(crc32Utf8(CRC32_INIT, name), epoch));
}

export function makeEpochRecord(name: EpochName, epoch: number): EpochRecord {
  return { epoch, crc: epochRecordCrc(name, epoch) };
}

/** The epoch in a record (0 when absent), or a StorageCorruptError. */
export function readEpochRecord(where: string, name: EpochName, value: unknown): number {
  if (value === undefined) return 0;
  if (!isObject(value) || typeof value['epoch'] !== 'number' || !Number.isSafeInteger(value['epoch'])) {
    throw new StorageCorruptError(where, name, 'not an epoch record');
  }
  if (value['crc'] !== epochRecordCrc(name, value['epoch'])) {
    throw new StorageCorruptError(where, name, 'CRC32 mismatch');
  }
  return value['epoch'];
}

/** How errors name an object store: `idb:<database>/<store>`. */
export const whereOf = (dbName: string, store: StoreName): string => `idb:${dbName}/${store}`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
