// Builds an adapter's parts (storage-adapter.ts) from its persist() and the reads and purges only
// the adapter can do. Every write is one persist of one op, so the parts share persist's order,
// its durability and its crash semantics, and no adapter writes the same thing two ways.

import type { Txn } from '../core/requests/txn.ts';
import type { PersistOp } from '../core/zab/durable.ts';
import type { Zxid } from '../core/zxid.ts';
import type { DurableEpochs, EpochStore } from './epoch-store.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import type { TxnLog } from './txn-log.ts';

export type Persist = (ops: readonly PersistOp[]) => Promise<void>;

export interface LogReads {
  read(afterZxid: Zxid): Promise<Txn[]>;
  purge(upToZxid: Zxid): Promise<void>;
  lastZxid(): Zxid;
}

export function txnLogOver(persist: Persist, reads: LogReads): TxnLog {
  return {
    append: (txns) => persist([{ type: 'append', txns }]),
    read: (afterZxid) => reads.read(afterZxid),
    truncate: (afterZxid) => persist([{ type: 'truncate', zxid: afterZxid }]),
    purge: (upToZxid) => reads.purge(upToZxid),
    lastZxid: () => reads.lastZxid(),
  };
}

export function snapshotStoreOver(persist: Persist, reads: Omit<SnapshotStore, 'write'>): SnapshotStore {
  return {
    write: (zxid, bytes) => persist([{ type: 'snapshot', zxid, bytes, replace: false }]),
    list: () => reads.list(),
    loadNewestValid: () => reads.loadNewestValid(),
    purge: (keep) => {
      if (!Number.isInteger(keep) || keep < 1) return Promise.reject(new RangeError(`keep must be an integer >= 1: ${keep}`));
      return reads.purge(keep);
    },
  };
}

export function epochStoreOver(persist: Persist, read: () => Promise<DurableEpochs>): EpochStore {
  return {
    read,
    writeAccepted: (epoch) => persist([{ type: 'acceptedEpoch', epoch }]),
    writeCurrent: (epoch) => persist([{ type: 'currentEpoch', epoch }]),
  };
}
