// The IndexedDB DurableStore: one database per peer (schema.ts). Every persist batch is ONE readwrite
// transaction over all four stores with { durability: 'strict' } (Chromium flushes it to disk before
// `complete`): a group commit, kept whole or lost whole by a crash. Readwrite transactions with the
// same scope run in creation order, so overlapping persist calls stay in call order.
// A transaction that fails poisons the store: later calls reject, and the peer restarts through load().

import { openDB, type IDBPDatabase } from 'idb';
import { assert } from '../../core/util/assert.ts';
import { limits } from '../../core/util/limits.ts';
import { ZXID_ZERO, type Zxid } from '../../core/zxid.ts';
import type { DurableState, PersistOp } from '../../core/zab/durable.ts';
import type { DurableStore } from '../durable-store.ts';
import { checkPlanOptions, planBatch, type PlanOptions, type StoreBook } from './batch.ts';
import { whereOf } from './records.ts';
import { recover } from './recover.ts';
import { runBatch } from './run-writes.ts';
import { IDB_SCHEMA_VERSION, LOG, type MeshkeeperIdb, upgradeSchema } from './schema.ts';

export interface IdbStoreOptions {
  /** Snapshots kept, newest first; older ones and the log they alone need are purged. Default 2. */
  readonly snapshotsKept?: number;
  /** Bytes per snapshot chunk and per log run, at most limits.idb_value_bytes_max (the default). */
  readonly valueBytes?: number;
}

export interface IdbStore extends DurableStore {
  /** The IndexedDB database name. */
  readonly dbName: string;
  /** The highest zxid logged or snapshotted so far (as of the last call, durable or not yet). */
  lastZxid(): Zxid;
}

/** Opens (creating if needed) the database `name`. Call load() before the first persist. */
export async function openIdbStore(name: string, options: IdbStoreOptions = {}): Promise<IdbStore> {
  const plan: PlanOptions = {
    snapshotsKept: options.snapshotsKept ?? 2,
    valueBytes: options.valueBytes ?? limits.idb_value_bytes_max,
  };
  checkPlanOptions(plan);
  const db = await openDB<MeshkeeperIdb>(name, IDB_SCHEMA_VERSION, {
    upgrade: (database, oldVersion) => upgradeSchema(database, oldVersion),
    // Another tab upgrading the schema: give way rather than block it forever.
    blocking: () => db.close(),
  });
  return new IdbDurableStore(db, name, plan);
}

class IdbDurableStore implements IdbStore {
  private book: StoreBook = { lastZxid: ZXID_ZERO, snapshots: [] };
  private loaded = false;
  private closed = false;
  private failure: unknown = undefined;

  constructor(
    private readonly db: IDBPDatabase<MeshkeeperIdb>,
    readonly dbName: string,
    private readonly plan: PlanOptions,
  ) {}

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
    try {
      await runBatch(this.db, writes, whereOf(this.dbName, LOG));
    } catch (e) {
      this.failure ??= e;
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // close() waits for running transactions to finish; new ones are refused.
    this.db.close();
  }
}
