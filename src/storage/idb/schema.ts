// The IndexedDB layout of one peer's durable state: one database per peer, four object stores.
//   log             last zxid -> LogRun        a run of txns appended together: codec bytes + CRC32
//   snapshots       zxid -> SnapshotMeta       size, chunk count and the CRC32 of the whole snapshot
//   snapshotChunks  [zxid, index] -> Chunk     the snapshot's bytes in chunks of at most 1 MiB
//   epochs          name -> EpochRecord        acceptedEpoch and currentEpoch, each with a CRC32
// Every value carries a CRC32 over its key and contents, so a record that a broken disk, a bug or a
// hand edit changed is refused on load (StorageCorruptError naming store and key), never used.

import type { DBSchema } from 'idb';

/** Bump with a migration in `upgradeSchema` whenever a store or a record shape changes. */
export const IDB_SCHEMA_VERSION = 1;

export const LOG = 'log';
export const SNAPSHOTS = 'snapshots';
export const SNAPSHOT_CHUNKS = 'snapshotChunks';
export const EPOCHS = 'epochs';

export const ALL_STORES = [LOG, SNAPSHOTS, SNAPSHOT_CHUNKS, EPOCHS] as const;
export type StoreName = (typeof ALL_STORES)[number];

export type EpochName = 'acceptedEpoch' | 'currentEpoch';

/**
 * Consecutive txns of one append, stored as ONE value (IndexedDB's cost is per value, not per byte),
 * keyed by the zxid of the last: purging "runs whose last zxid <= z" is then one key range.
 */
export interface LogRun {
  /** zxid of the run's first txn. */
  readonly first: number;
  readonly count: number;
  /** CRC32 of first, the key (last), count and bytes. */
  readonly crc: number;
  /** Each txn's encodeTxn bytes, prefixed with their length (u32, big-endian). */
  readonly bytes: Uint8Array;
}

export interface SnapshotMeta {
  readonly size: number;
  readonly chunks: number;
  /** CRC32 of the whole snapshot's bytes. */
  readonly crc: number;
  /** CRC32 of zxid, size, chunks and crc: a damaged meta record is told apart from a damaged chunk. */
  readonly metaCrc: number;
}

export interface SnapshotChunk {
  /** CRC32 of the zxid, the index and `bytes`. */
  readonly crc: number;
  readonly bytes: Uint8Array;
}

export interface EpochRecord {
  readonly epoch: number;
  /** CRC32 of the name (UTF-8) and the epoch (i64). */
  readonly crc: number;
}

export interface MeshkeeperIdb extends DBSchema {
  log: { key: number; value: LogRun };
  snapshots: { key: number; value: SnapshotMeta };
  snapshotChunks: { key: [number, number]; value: SnapshotChunk };
  epochs: { key: EpochName; value: EpochRecord };
}

/** Creates the stores of a new database (version 0 -> 1). */
export function upgradeSchema(
  db: { createObjectStore(name: StoreName): unknown; objectStoreNames: DOMStringList },
  oldVersion: number,
): void {
  if (oldVersion < 1) {
    for (const name of ALL_STORES) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
  }
}
