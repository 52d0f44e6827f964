// What every storage adapter (memory, file, IndexedDB) opens: the DurableStore the runtime drives
// with `ready().persist`, and the same medium seen as its parts, the TxnLog, SnapshotStore
// and durable epochs. The parts are views, not copies: a write through a part is one persist of one
// op (durable when it resolves, with the same crash semantics), and calls through any part or
// persist() take effect in call order. The conformance suite drives both faces.

import type { DurableStore } from './durable-store.ts';
import type { EpochStore } from './epoch-store.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import type { TxnLog } from './txn-log.ts';

export interface StorageAdapter extends DurableStore {
  readonly log: TxnLog;
  readonly snapshots: SnapshotStore;
  readonly epochs: EpochStore;
}
