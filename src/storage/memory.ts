// A DurableStore in memory, with the simulator's crash semantics: the state lives in a
// MemoryMedium that outlives any one store (a restart opens a new MemoryStore over it). A persist
// lands only when it completes: crash() before that keeps nothing of it, and tearNextPersist()
// makes the next persist keep just a prefix of its ops (txns inside an append counted one by one)
// before the store dies, as a torn write would. Used by tests and by in-browser demos without a disk.

import { applyPersistOps, emptyDurableState, type DurableState, type PersistOp } from '../core/zab/durable.ts';
import type { DurableStore } from './durable-store.ts';

/** The durable medium: what survives a crash of the store that wrote it. */
export class MemoryMedium {
  state: DurableState = emptyDurableState;
  /** Completed persists (each one durable write: a group commit). */
  writes = 0;
}

export class StoreCrashedError extends Error {
  override readonly name = 'StoreCrashedError';
}

export class MemoryStore implements DurableStore {
  private status: 'open' | 'closed' | 'crashed' = 'open';
  private tearAfterUnits: number | undefined;

  constructor(readonly medium: MemoryMedium = new MemoryMedium()) {}

  async load(): Promise<DurableState> {
    this.checkUsable();
    return copyState(this.medium.state);
  }

  async persist(ops: readonly PersistOp[]): Promise<void> {
    this.checkUsable();
    const tear = this.tearAfterUnits;
    // The write is in flight until the next turn: a crash() now drops it whole.
    await Promise.resolve();
    this.checkUsable();
    if (tear !== undefined) {
      this.medium.state = applyPersistOps(this.medium.state, tornPrefix(ops, tear));
      this.status = 'crashed';
      throw new StoreCrashedError('crashed in the middle of a persist');
    }
    if (ops.length === 0) return;
    this.medium.state = applyPersistOps(this.medium.state, ops);
    this.medium.writes++;
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

function copyState(state: DurableState): DurableState {
  const base = { acceptedEpoch: state.acceptedEpoch, currentEpoch: state.currentEpoch, log: [...state.log] };
  return state.snapshot === undefined ? base : { ...base, snapshot: state.snapshot };
}
