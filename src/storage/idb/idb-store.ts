// The IndexedDB DurableStore: one database per peer (schema.ts). Every persist batch is ONE readwrite
// transaction over all four stores with { durability: 'strict' } (Chromium flushes it to disk before
// `complete`): a group commit, kept whole or lost whole by a crash. Readwrite transactions with the
// same scope run in creation order, so overlapping persist calls stay in call order.
// A transaction that fails poisons the store: later calls reject, and the peer restarts through load().
// One tab owns the store: an exclusive Web Lock is held from open to close (store-lock.ts).
// The parts (log, snapshots, epochs; storage-adapter.ts) write through persist() or one more strict
// transaction (the purges), and read in readonly transactions that IndexedDB orders after them.

import { openDB, type IDBPDatabase } from 'idb';
import { assert } from '../../core/util/assert.ts';
import { limits } from '../../core/util/limits.ts';
import { ZXID_ZERO, type Zxid } from '../../core/zxid.ts';
import type { DurableState, PersistOp } from '../../core/zab/durable.ts';
import type { EpochStore } from '../epoch-store.ts';
import { epochStoreOver, snapshotStoreOver, txnLogOver } from '../parts.ts';
import type { SnapshotStore } from '../snapshot-store.ts';
import type { StorageAdapter } from '../storage-adapter.ts';
import type { TxnLog } from '../txn-log.ts';
import { checkPlanOptions, planBatch, planLogPurge, planSnapshotPurge, type IdbWrite, type PlanOptions, type StoreBook } from './batch.ts';
import { listSnapshots, loadNewestValid, readEpochs, readLogAfter } from './reads.ts';
import { whereOf } from './records.ts';
import { recover } from './recover.ts';
import { runBatch } from './run-writes.ts';
import { IDB_SCHEMA_VERSION, LOG, type MeshkeeperIdb, upgradeSchema } from './schema.ts';
import { acquireStoreLock } from './store-lock.ts';

export interface IdbStoreOptions {
  /** Snapshots kept, newest first; older ones and the log they alone need are purged. Default 2. */
  readonly snapshotsKept?: number;
  /** Bytes per snapshot chunk and per log run, at most limits.idb_value_bytes_max (the default). */
  readonly valueBytes?: number;
}

export interface IdbStore extends StorageAdapter {
  /** The IndexedDB database name. */
  readonly dbName: string;
  /** The highest zxid logged or snapshotted so far (as of the last call, durable or not yet). */
  lastZxid(): Zxid;
}

/**
 * Opens (creating if needed) the database `name`. Call load() before the first persist. Rejects
 * with a StorageLockedError at once while another tab has it open.
 */
export async function openIdbStore(name: string, options: IdbStoreOptions = {}): Promise<IdbStore> {
  const plan: PlanOptions = {
    snapshotsKept: options.snapshotsKept ?? 2,
    valueBytes: options.valueBytes ?? limits.idb_value_bytes_max,
  };
  checkPlanOptions(plan);
  const release = await acquireStoreLock(name);
  try {
    const db = await openDB<MeshkeeperIdb>(name, IDB_SCHEMA_VERSION, {
      upgrade: (database, oldVersion) => upgradeSchema(database, oldVersion),
      // A newer schema in another context (a reloaded app): give way rather than block it forever.
      blocking: () => db.close(),
    });
    return new IdbDurableStore(db, name, plan, release);
  } catch (e) {
    release();
    throw e;
  }
}

class IdbDurableStore implements IdbStore {
  readonly log: TxnLog;
  readonly snapshots: SnapshotStore;
  readonly epochs: EpochStore;
  private book: StoreBook = { lastZxid: ZXID_ZERO, snapshots: [] };
  private loaded = false;
  private closed = false;
  private failure: unknown = undefined;

  constructor(
    private readonly db: IDBPDatabase<MeshkeeperIdb>,
    readonly dbName: string,
    private readonly plan: PlanOptions,
    private readonly releaseLock: () => void,
  ) {
    const persist = (ops: readonly PersistOp[]): Promise<void> => this.persist(ops);
    this.log = txnLogOver(persist, {
      read: (after) => this.reading(() => readLogAfter(db, dbName, after)),
      purge: (upTo) => this.run(planLogPurge(upTo)),
      lastZxid: () => this.lastZxid(),
    });
    this.snapshots = snapshotStoreOver(persist, {
      list: () => this.reading(() => listSnapshots(db)),
      loadNewestValid: () => this.reading(() => loadNewestValid(db)),
      purge: async (keep) => {
        this.checkOpen();
        const { writes, book } = planSnapshotPurge(this.book, keep);
        this.book = book;
        await this.run(writes);
      },
    });
    this.epochs = epochStoreOver(persist, () => this.reading(() => readEpochs(db, dbName)));
  }

  lastZxid(): Zxid {
    return this.book.lastZxid;
  }

  async load(): Promise<DurableState> {
    assert(!this.closed, 'load after close');
    const { state, book } = await recover(this.db, this.dbName);
    this.book = book;
    this.loaded = true;
    return state;
  }

  async persist(ops: readonly PersistOp[]): Promise<void> {
    assert(!this.closed, 'persist after close');
    assert(this.loaded, 'persist before load');
    if (this.failure !== undefined) throw this.failure;
    if (ops.length === 0) return;
    // Planned and bookkept now, synchronously, so the next call validates against this batch.
    const { writes, book } = planBatch(this.book, ops, this.plan);
    this.book = book;
    await this.run(writes);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // close() lets running transactions finish and refuses new ones; the lock goes once they are
    // done (the connection's close event does not fire on a normal close, so wait on the last one).
    try {
      const last = this.db.transaction(LOG, 'readonly');
      this.db.close();
      await last.done;
    } catch {
      // Already closed (blocking) or the last transaction failed: nothing more will be written.
      this.db.close();
    }
    this.releaseLock();
  }

  /** Runs `writes` as one strict transaction, created now (so in call order); a failure poisons. */
  private async run(writes: readonly IdbWrite[]): Promise<void> {
    this.checkOpen();
    if (this.failure !== undefined) throw this.failure;
    if (writes.length === 0) return;
    try {
      await runBatch(this.db, writes, whereOf(this.dbName, LOG));
    } catch (e) {
      this.failure ??= e;
      throw e;
    }
  }

  private checkOpen(): void {
    assert(!this.closed, 'call after close');
    assert(this.loaded, 'call before load');
  }

  private async reading<T>(read: () => Promise<T>): Promise<T> {
    assert(!this.closed, 'read after close');
    return read();
  }
}
