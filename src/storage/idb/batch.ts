// Turns one persist batch (the core's PersistOps) into the IndexedDB writes of ONE transaction, and
// the store's bookkeeping after it. Pure: the caller (idb-store.ts) runs the writes.
// Retention, chosen so that falling back to an older snapshot is always sound:
//   - a snapshot with `replace` empties the log and drops every other snapshot;
//   - otherwise the newest `snapshotsKept` snapshots stay, and log records at or below the OLDEST
//     kept one are purged (so each kept snapshot still has the whole log after it);
//   - truncate drops log records above its zxid and leaves snapshots alone (as applyPersistOp does).
// An append becomes runs of txns, one IndexedDB value each (log-run.ts); a purge drops whole runs
// only (a run straddling the snapshot stays, and recovery skips its covered txns); a truncate that
// cuts into a run must read it, so it is a `truncateLog` write that the runner does in place.

import type { PersistOp } from '../../core/zab/durable.ts';
import { assert, unreachable } from '../../core/util/assert.ts';
import { limits } from '../../core/util/limits.ts';
import type { Zxid } from '../../core/zxid.ts';
import { encodeForLog, makeLogRun, splitIntoRuns } from './log-run.ts';
import { makeEpochRecord, makeSnapshotChunk, makeSnapshotMeta } from './records.ts';
import { EPOCHS, LOG, SNAPSHOT_CHUNKS, SNAPSHOTS, type StoreName } from './schema.ts';

/** A key range without IDBKeyRange (a DOM global), so planning stays pure. */
export interface KeySpan {
  readonly lower?: IDBValidKey;
  readonly upper?: IDBValidKey;
  readonly lowerOpen?: boolean;
}

export type IdbWrite =
  | { readonly op: 'put'; readonly store: StoreName; readonly key: IDBValidKey; readonly value: unknown }
  | { readonly op: 'delete'; readonly store: StoreName; readonly span: KeySpan }
  | { readonly op: 'clear'; readonly store: StoreName }
  /** Delete the log above `zxid`, keeping the part at or below it of a run that straddles it. */
  | { readonly op: 'truncateLog'; readonly zxid: Zxid };

/** What the store tracks between batches (read back by load, updated by each batch). */
export interface StoreBook {
  /** The highest zxid logged or snapshotted; appends must go above it. */
  readonly lastZxid: Zxid;
  /** Zxids of the stored snapshots, ascending. */
  readonly snapshots: readonly Zxid[];
}

export interface PlanOptions {
  readonly snapshotsKept: number;
  /** Bytes per snapshot chunk, and the budget of one log run. */
  readonly valueBytes: number;
}

export function checkPlanOptions(options: PlanOptions): void {
  const { snapshotsKept, valueBytes } = options;
  assert(Number.isInteger(snapshotsKept) && snapshotsKept >= 1, `snapshotsKept must be >= 1: ${snapshotsKept}`);
  assert(
    Number.isInteger(valueBytes) && valueBytes >= 1 && valueBytes <= limits.idb_value_bytes_max,
    `valueBytes out of range: ${valueBytes}`,
  );
}

/** The writes for `ops`, in order, and the book after them. Asserts the core's ordering promises. */
export function planBatch(
  book: StoreBook,
  ops: readonly PersistOp[],
  options: PlanOptions,
): { writes: IdbWrite[]; book: StoreBook } {
  const writes: IdbWrite[] = [];
  let lastZxid = book.lastZxid;
  let snapshots = [...book.snapshots];
  for (const op of ops) {
    switch (op.type) {
      case 'append': {
        const encoded = op.txns.map((txn) => {
          assert(txn.header.zxid > lastZxid, `append out of order: ${txn.header.zxid} after ${lastZxid}`);
          lastZxid = txn.header.zxid;
          return encodeForLog(txn);
        });
        for (const run of splitIntoRuns(encoded, options.valueBytes)) {
          const { key, value } = makeLogRun(run);
          writes.push({ op: 'put', store: LOG, key, value });
        }
        break;
      }
      case 'truncate':
        writes.push({ op: 'truncateLog', zxid: op.zxid });
        if (op.zxid < lastZxid) lastZxid = op.zxid;
        break;
      case 'snapshot': {
        if (op.replace) {
          writes.push({ op: 'clear', store: LOG }, { op: 'clear', store: SNAPSHOTS }, { op: 'clear', store: SNAPSHOT_CHUNKS });
          snapshots = [];
          lastZxid = op.zxid;
        } else {
          if (snapshots.includes(op.zxid)) writes.push(...dropSnapshot(op.zxid));
          if (op.zxid > lastZxid) lastZxid = op.zxid;
        }
        writes.push(...snapshotWrites(op.zxid, op.bytes, options.valueBytes));
        snapshots = [...snapshots.filter((z) => z !== op.zxid), op.zxid].sort((a, b) => a - b);
        const excess = snapshots.length - options.snapshotsKept;
        if (excess > 0) {
          for (const old of snapshots.slice(0, excess)) writes.push(...dropSnapshot(old));
          snapshots = snapshots.slice(excess);
        }
        const oldestKept = snapshots[0];
        assert(oldestKept !== undefined, 'a snapshot was just written');
        if (!op.replace) writes.push({ op: 'delete', store: LOG, span: { upper: oldestKept } });
        break;
      }
      case 'acceptedEpoch':
      case 'currentEpoch':
        assert(Number.isSafeInteger(op.epoch) && op.epoch >= 0, `bad epoch: ${op.epoch}`);
        writes.push({ op: 'put', store: EPOCHS, key: op.type, value: makeEpochRecord(op.type, op.epoch) });
        break;
      default:
        unreachable(op);
    }
  }
  return { writes, book: { lastZxid, snapshots } };
}

/** The writes of SnapshotStore.purge: all but the newest `keep` snapshots go (their log stays). */
export function planSnapshotPurge(book: StoreBook, keep: number): { writes: IdbWrite[]; book: StoreBook } {
  assert(Number.isInteger(keep) && keep >= 1, `keep must be >= 1: ${keep}`);
  const excess = Math.max(0, book.snapshots.length - keep);
  const writes = book.snapshots.slice(0, excess).flatMap((zxid) => dropSnapshot(zxid));
  return { writes, book: { ...book, snapshots: book.snapshots.slice(excess) } };
}

/** The writes of TxnLog.purge: whole runs at or below `upToZxid` (a straddling run stays). */
export function planLogPurge(upToZxid: Zxid): IdbWrite[] {
  return [{ op: 'delete', store: LOG, span: { upper: upToZxid } }];
}

/** The meta record and chunks of one snapshot (an empty snapshot has zero chunks). */
function snapshotWrites(zxid: Zxid, bytes: Uint8Array, chunkBytes: number): IdbWrite[] {
  const writes: IdbWrite[] = [];
  let index = 0;
  for (let start = 0; start < bytes.length; start += chunkBytes, index++) {
    // A copy, not a view: structured clone of a view would store the whole underlying buffer.
    const chunk = bytes.slice(start, Math.min(start + chunkBytes, bytes.length));
    writes.push({ op: 'put', store: SNAPSHOT_CHUNKS, key: [zxid, index], value: makeSnapshotChunk(zxid, index, chunk) });
  }
  writes.push({ op: 'put', store: SNAPSHOTS, key: zxid, value: makeSnapshotMeta(zxid, bytes, index) });
  return writes;
}

function dropSnapshot(zxid: Zxid): IdbWrite[] {
  return [
    { op: 'delete', store: SNAPSHOTS, span: { lower: zxid, upper: zxid } },
    { op: 'delete', store: SNAPSHOT_CHUNKS, span: { lower: [zxid, 0], upper: [zxid, Infinity] } },
  ];
}
