// The parts of the DataTree (tree/data-tree.ts) and the WatchRegistry (watches/registry.ts) that the
// request pipeline uses, as structural interfaces: prep, final and read depend on these shapes only,
// so they can be tested and reasoned about without the whole tree, and the real classes fit them.

import type { Acl } from '../acl/types.ts';
import type { Reply } from './reply.ts';
import type { Txn } from './txn.ts';
import type { CreateMode } from '../tree/create-mode.ts';
import type { Stat } from '../tree/stat.ts';
import type { SessionId } from '../util/ids.ts';
import type { Delivery } from '../watches/registry.ts';
import type { TreeEvent, WatchedEvent, WatcherType } from '../watches/events.ts';

/** One znode as the tree shows it. */
export interface NodeReader {
  readonly data: Uint8Array;
  readonly acl: readonly Acl[];
  readonly mode: CreateMode;
  readonly ttl: number;
  readonly childCount: number;
  /** ZooKeeper's StatPersisted.cversion: children ever created (Stat reports creates + deletes). */
  readonly persistedCversion: number;
  stat(): Stat;
  children(): string[];
}

/** What prep and read need to see of the tree. */
export interface TreeReader {
  get(path: string): NodeReader | undefined;
  ephemeralsOf(session: SessionId): string[];
  allChildrenNumber(path: string): number;
}

/** What final needs to change the tree. */
export interface TreeWriter {
  apply(txn: Txn): { reply: Reply; events: readonly TreeEvent[] };
}

/** A watch event bound for one session. */
export type { Delivery } from '../watches/registry.ts';

/** The watch registry, as read, final and the session requests use it. */
export interface WatchPort {
  addDataWatch(path: string, session: SessionId): void;
  addExistWatch(path: string, session: SessionId): void;
  addChildWatch(path: string, session: SessionId): void;
  addPersistentWatch(path: string, session: SessionId, recursive: boolean): void;
  trigger(events: readonly TreeEvent[]): Delivery[];
  /** Throws KeeperError NOWATCHER when the session has no such watch on `path`. */
  removeWatches(path: string, session: SessionId, type: WatcherType): WatchedEvent[];
  /** Throws KeeperError NOWATCHER when the session has no such watch on `path`. */
  checkWatches(path: string, session: SessionId, type: WatcherType): void;
  removeSession(session: SessionId): void;
}
