// The memory adapter: the one implementation of the memory medium and its crash semantics, with two
// faces over it. A MemoryMedium is what outlives a crash: what a completed write put there survives,
// and a write a crash interrupts keeps only a prefix of its ops (an append's txns counted one by
// one, tornPrefix): a memory record is whole or absent, never half there.
//   - The synchronous face, MemoryMedium itself (durable, persist, persistTorn): the simulator
//     drives it inside one step, so thousands of seeded crashes replay exactly.
//   - The async face, MemoryStore: the StorageAdapter the runtime uses (tests, in-browser demos
//     without a disk). A restart opens a new MemoryStore over the same medium; crash() and
//     tearNextPersist() make the store die with its write lost or torn.
// The medium keeps one snapshot: nothing in memory can damage it, so no older one is ever needed,
// and compaction drops the log the snapshot covers at once (applyPersistOp's rule, applied in place
// so long simulations stay linear).

import type { Txn } from '../core/requests/txn.ts';
import type { DurableState, PersistOp } from '../core/zab/durable.ts';
import { ZXID_ZERO, zxidToString, type Zxid } from '../core/zxid.ts';
import { StorageCorruptError } from './durable-store.ts';
import type { EpochStore } from './epoch-store.ts';
import { epochStoreOver, snapshotStoreOver, txnLogOver } from './parts.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import type { StorageAdapter } from './storage-adapter.ts';
import type { TxnLog } from './txn-log.ts';

export interface MemoryMediumOptions {
  /** Names the medium in errors (`memory:<name>/log`). */
  readonly name?: string;
  /** What the medium holds at first (a state kept elsewhere); it is checked by MemoryStore.load(). */
  readonly initial?: DurableState;
}

/** The durable medium, and the simulator's synchronous store. */
export class MemoryMedium {
  readonly name: string;
  private accepted: number;
  private current: number;
  private snap: { readonly zxid: Zxid; readonly bytes: Uint8Array } | undefined;
  private logged: Txn[];
  private completed = 0;

  constructor(options: MemoryMediumOptions = {}) {
    this.name = options.name ?? 'medium';
    const initial = options.initial;
    this.accepted = initial?.acceptedEpoch ?? 0;
    this.current = initial?.currentEpoch ?? 0;
    this.snap = initial?.snapshot;
    this.logged = initial === undefined ? [] : [...initial.log];
  }

  get acceptedEpoch(): number {
    return this.accepted;
  }

  get currentEpoch(): number {
    return this.current;
  }

  get snapshot(): { readonly zxid: Zxid; readonly bytes: Uint8Array } | undefined {
    return this.snap;
  }

  /** Completed non-empty writes: one per group commit. */
  get writes(): number {
    return this.completed;
  }

  /** Logged txns held. */
  get loggedTxns(): number {
    return this.logged.length;
  }

  /** What a restarting peer is built from (a copy: later writes do not show through). */
  durable(): DurableState {
    const base = { acceptedEpoch: this.accepted, currentEpoch: this.current, log: [...this.logged] };
    return this.snap === undefined ? base : { ...base, snapshot: this.snap };
  }

  /** A completed write: every op of `ops` is durable, in order. One group commit. */
  persist(ops: readonly PersistOp[]): void {
    for (const op of ops) this.apply(op);
    if (ops.length > 0) this.completed++;
  }

  /** A write a crash interrupted: only its first `units` units (persistUnits) reached the medium. */
  persistTorn(ops: readonly PersistOp[], units: number): void {
    for (const op of tornPrefix(ops, units)) this.apply(op);
  }

  /** Logged txns with zxid > afterZxid. */
  readLog(afterZxid: Zxid): Txn[] {
    return this.logged.filter((t) => t.header.zxid > afterZxid);
  }

  /** Drops logged txns with zxid <= upToZxid. */
  purgeLog(upToZxid: Zxid): void {
    this.logged = this.logged.filter((t) => t.header.zxid > upToZxid);
  }

  lastZxid(): Zxid {
    return this.logged.at(-1)?.header.zxid ?? this.snap?.zxid ?? ZXID_ZERO;
  }

  /** Refuses a log whose zxids do not rise (a medium built from a damaged `initial`). */
  verify(): void {
    let previous: Zxid = ZXID_ZERO;
    this.logged.forEach((txn, index) => {
      const zxid = txn.header.zxid;
      if (index > 0 && zxid <= previous) {
        throw new StorageCorruptError(`memory:${this.name}/log`, index, `zxid ${zxidToString(zxid)} does not follow ${zxidToString(previous)}`);
      }
      previous = zxid;
    });
  }

  /** applyPersistOp (core/zab/durable.ts), in place. */
  private apply(op: PersistOp): void {
    switch (op.type) {
      case 'append':
        for (const txn of op.txns) this.logged.push(txn);
        return;
      case 'truncate':
        this.logged = this.logged.filter((t) => t.header.zxid <= op.zxid);
        return;
      case 'snapshot':
        this.snap = { zxid: op.zxid, bytes: op.bytes };
        this.logged = op.replace ? [] : this.logged.filter((t) => t.header.zxid > op.zxid);
        return;
      case 'acceptedEpoch':
        this.accepted = op.epoch;
        return;
      case 'currentEpoch':
        this.current = op.epoch;
        return;
    }
  }
}

export class StoreCrashedError extends Error {
  override readonly name = 'StoreCrashedError';
}

/** The async face: a StorageAdapter over a medium, for one lifetime of a peer. */
export class MemoryStore implements StorageAdapter {
  readonly log: TxnLog;
  readonly snapshots: SnapshotStore;
  readonly epochs: EpochStore;
  private status: 'open' | 'closed' | 'crashed' = 'open';
  private tearAfterUnits: number | undefined;

  constructor(readonly medium: MemoryMedium = new MemoryMedium()) {
    const persist = (ops: readonly PersistOp[]): Promise<void> => this.persist(ops);
    this.log = txnLogOver(persist, {
      read: async (after) => (await this.turn()).readLog(after),
      purge: async (upTo) => (await this.turn()).purgeLog(upTo),
      lastZxid: () => medium.lastZxid(),
    });
    this.snapshots = snapshotStoreOver(persist, {
      list: async () => {
        const snap = (await this.turn()).snapshot;
        return snap === undefined ? [] : [{ zxid: snap.zxid, bytes: snap.bytes.length }];
      },
      loadNewestValid: async () => (await this.turn()).snapshot,
      // The medium holds one snapshot only (see the top): any keep >= 1 keeps it.
      purge: async () => void (await this.turn()),
    });
    this.epochs = epochStoreOver(persist, async () => {
      const m = await this.turn();
      return { acceptedEpoch: m.acceptedEpoch, currentEpoch: m.currentEpoch };
    });
  }

  async load(): Promise<DurableState> {
    this.checkUsable();
    this.medium.verify();
    return this.medium.durable();
  }

  async persist(ops: readonly PersistOp[]): Promise<void> {
    this.checkUsable();
    const tear = this.tearAfterUnits;
    // The write is in flight until the next turn: a crash() now drops it whole.
    await Promise.resolve();
    this.checkUsable();
    if (tear !== undefined) {
      this.medium.persistTorn(ops, tear);
      this.status = 'crashed';
      throw new StoreCrashedError('crashed in the middle of a persist');
    }
    this.medium.persist(ops);
  }

  async close(): Promise<void> {
    if (this.status === 'open') this.status = 'closed';
  }

  /** The process dies: persists not yet completed are lost, and the store is unusable. */
  crash(): void {
    this.status = 'crashed';
  }

  /** The next persist keeps only its first `units` units (ops; an append's txns one by one), then crashes. */
  tearNextPersist(units: number): void {
    this.tearAfterUnits = units;
  }

  /** Waits the one turn a persist is in flight, so a read sees every write called before it. */
  private async turn(): Promise<MemoryMedium> {
    this.checkUsable();
    await Promise.resolve();
    this.checkUsable();
    return this.medium;
  }

  private checkUsable(): void {
    if (this.status !== 'open') throw new StoreCrashedError(`the store is ${this.status}`);
  }
}

/** The ops a torn write keeps: the first `units` units, cutting inside an append if need be. */
export function tornPrefix(ops: readonly PersistOp[], units: number): PersistOp[] {
  const kept: PersistOp[] = [];
  let left = units;
  for (const op of ops) {
    if (left <= 0) break;
    if (op.type === 'append' && op.txns.length > left) {
      kept.push({ type: 'append', txns: op.txns.slice(0, left) });
      break;
    }
    kept.push(op);
    left -= op.type === 'append' ? op.txns.length : 1;
  }
  return kept;
}

/** The units tornPrefix counts in `ops`: one per op, an append's txns one by one. */
export const persistUnits = (ops: readonly PersistOp[]): number =>
  ops.reduce((n, op) => n + (op.type === 'append' ? op.txns.length : 1), 0);
