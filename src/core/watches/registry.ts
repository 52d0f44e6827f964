// The watch registry of one peer: which session watches what, and who hears about each change.
// It follows ZooKeeper's server (DataTree + WatchManager) exactly:
// - getData/exists set a one-shot watch in the data table, getChildren in the child table;
//   addWatch PERSISTENT sets a lasting watch in both, PERSISTENT_RECURSIVE in the data table only.
// - NodeCreated and NodeDataChanged fire the data table at the path; NodeChildrenChanged fires the
//   child table at the (parent) path; NodeDeleted fires both, and a session found in both hears once.
// - Firing a path notifies every session watching it and clears one-shot watches; recursive watches
//   on ancestors are notified too (so never of NodeChildrenChanged: the child table has none).
// - Each session hears at most once per event, whatever mix of watches it holds.
// Deliveries come in event order, and within one event in ascending session id (ZooKeeper uses a
// hash set; we pick an order so that runs replay exactly).

import { Code, KeeperError } from '../errors.ts';
import { assert, unreachable } from '../util/assert.ts';
import type { SessionId } from '../util/ids.ts';
import { limits } from '../util/limits.ts';
import type { TreeEvent, WatchedEvent } from './events.ts';
import { EventType, KeeperState, WatcherType } from './events.ts';
import { Mode, WatchTable } from './watch-table.ts';

export interface Delivery {
  readonly session: SessionId;
  readonly event: WatchedEvent;
}

/** A session's watches by kind, each list sorted (what setWatches and wchc report). */
export interface SessionWatches {
  data: string[];
  exist: string[];
  child: string[];
  persistent: string[];
  persistentRecursive: string[];
}

export interface WatchRegistryOptions {
  /** Defaults to limits.watches_per_session_max. */
  readonly watchesPerSessionMax?: number;
}

const DATA_TABLE_KINDS = Mode.DATA | Mode.EXIST | Mode.PERSISTENT | Mode.RECURSIVE;

export class WatchRegistry {
  /** Watches counted per session: one per (path, kind); a persistent watch counts once though it
   * sits in both tables (its child-table half is not counted). */
  private readonly perSession = new Map<SessionId, number>();
  private total = 0;
  private readonly data = new WatchTable((s, before, after) => this.recount(s, before & DATA_TABLE_KINDS, after & DATA_TABLE_KINDS));
  private readonly child = new WatchTable((s, before, after) => this.recount(s, before & Mode.CHILD, after & Mode.CHILD));
  private readonly watchesPerSessionMax: number;

  constructor(options: WatchRegistryOptions = {}) {
    this.watchesPerSessionMax = options.watchesPerSessionMax ?? limits.watches_per_session_max;
  }

  /** getData with a watch, or exists with a watch on an existing node. */
  addDataWatch(path: string, session: SessionId): void {
    this.add(this.data, path, session, Mode.DATA);
  }

  /** exists with a watch on a missing node: fires on NodeCreated. */
  addExistWatch(path: string, session: SessionId): void {
    this.add(this.data, path, session, Mode.EXIST);
  }

  addChildWatch(path: string, session: SessionId): void {
    this.add(this.child, path, session, Mode.CHILD);
  }

  /** addWatch: PERSISTENT (every event on the path) or PERSISTENT_RECURSIVE (every event but
   * NodeChildrenChanged on the path and all its descendants). */
  addPersistentWatch(path: string, session: SessionId, recursive: boolean): void {
    if (recursive) {
      this.add(this.data, path, session, Mode.RECURSIVE);
      return;
    }
    this.add(this.data, path, session, Mode.PERSISTENT);
    this.child.set(path, session, this.child.modes(path, session) | Mode.PERSISTENT);
  }

  trigger(events: readonly TreeEvent[]): Delivery[] {
    const deliveries: Delivery[] = [];
    if (this.total === 0) return deliveries;
    const fired = new Set<SessionId>();
    for (const { type, path } of events) {
      switch (type) {
        case EventType.NodeCreated:
        case EventType.NodeDataChanged:
          this.data.fire(path, fired);
          break;
        case EventType.NodeChildrenChanged:
          this.child.fire(path, fired);
          break;
        case EventType.NodeDeleted:
          // One set for both tables: ZooKeeper suppresses the child table's duplicate delivery.
          this.data.fire(path, fired);
          this.child.fire(path, fired);
          break;
        default:
          unreachable(type, 'unknown tree event');
      }
      if (fired.size === 0) continue;
      const event: WatchedEvent = { type, state: KeeperState.SyncConnected, path };
      for (const session of [...fired].sort((a, b) => a - b)) deliveries.push({ session, event });
      fired.clear();
    }
    return deliveries;
  }

  /** Removes the session's watches of `type` on `path` and returns the events its client reports
   * (DataWatchRemoved, ChildWatchRemoved, PersistentWatchRemoved, in that order, each at most once). */
  removeWatches(path: string, session: SessionId, type: WatcherType): WatchedEvent[] {
    const mask = masksFor(type, path);
    const fromData = this.data.modes(path, session) & mask.data;
    const fromChild = this.child.modes(path, session) & mask.child;
    if (fromData === 0 && fromChild === 0) throw noWatcher(path, type);
    this.data.set(path, session, this.data.modes(path, session) & ~fromData);
    this.child.set(path, session, this.child.modes(path, session) & ~fromChild);
    const removed = fromData | fromChild;
    const events: WatchedEvent[] = [];
    const report = (t: EventType): void => void events.push({ type: t, state: KeeperState.SyncConnected, path });
    if ((removed & (Mode.DATA | Mode.EXIST)) !== 0) report(EventType.DataWatchRemoved);
    if ((removed & Mode.CHILD) !== 0) report(EventType.ChildWatchRemoved);
    if ((removed & (Mode.PERSISTENT | Mode.RECURSIVE)) !== 0) report(EventType.PersistentWatchRemoved);
    return events;
  }

  /** Throws NOWATCHER unless the session holds a watch of `type` on `path`. */
  checkWatches(path: string, session: SessionId, type: WatcherType): void {
    const mask = masksFor(type, path);
    const held = (this.data.modes(path, session) & mask.data) | (this.child.modes(path, session) & mask.child);
    if (held === 0) throw noWatcher(path, type);
  }

  /** Drops every watch of a closed or expired session (or one that moved to another peer). */
  removeSession(session: SessionId): void {
    this.data.removeSession(session);
    this.child.removeSession(session);
    assert(!this.perSession.has(session), 'watch registry: a removed session still counts watches');
  }

  watchesOf(session: SessionId): SessionWatches {
    const out: SessionWatches = { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
    for (const path of this.data.pathsOf(session)) {
      const modes = this.data.modes(path, session);
      if ((modes & Mode.DATA) !== 0) out.data.push(path);
      if ((modes & Mode.EXIST) !== 0) out.exist.push(path);
      if ((modes & Mode.PERSISTENT) !== 0) out.persistent.push(path);
      if ((modes & Mode.RECURSIVE) !== 0) out.persistentRecursive.push(path);
    }
    for (const path of this.child.pathsOf(session)) {
      if ((this.child.modes(path, session) & Mode.CHILD) !== 0) out.child.push(path);
    }
    for (const list of Object.values(out)) list.sort();
    return out;
  }

  /** Watches held by all sessions, counted as the per-session limit counts them. */
  count(): number {
    return this.total;
  }

  private add(table: WatchTable, path: string, session: SessionId, mode: number): void {
    assert(path.charCodeAt(0) === 0x2f, `watch on a path that was not validated: ${path}`);
    assert(Number.isInteger(session) && session > 0, `watch for a bad session id ${session}`);
    const modes = table.modes(path, session);
    if ((modes & mode) !== 0) return;
    if ((this.perSession.get(session) ?? 0) >= this.watchesPerSessionMax) {
      // ZooKeeper sets no such limit; QUOTAEXCEEDED is its code for a refused resource quota.
      throw new KeeperError(Code.QUOTAEXCEEDED, `session holds ${this.watchesPerSessionMax} watches already`, path);
    }
    table.set(path, session, modes | mode);
  }

  private recount(session: SessionId, before: number, after: number): void {
    const delta = bitCount(after) - bitCount(before);
    if (delta === 0) return;
    const n = (this.perSession.get(session) ?? 0) + delta;
    assert(n >= 0, 'watch registry: a session count went below zero');
    if (n === 0) this.perSession.delete(session);
    else this.perSession.set(session, n);
    this.total += delta;
  }
}

/** Which bits of each table a removeWatches/checkWatches type covers (ZooKeeper's DataTree
 * removeWatch/containsWatcher: Data covers exists watches too; Any covers everything). */
function masksFor(type: WatcherType, path: string): { data: number; child: number } {
  switch (type) {
    case WatcherType.Children:
      return { data: 0, child: Mode.CHILD };
    case WatcherType.Data:
      return { data: Mode.DATA | Mode.EXIST, child: 0 };
    case WatcherType.Persistent:
      return { data: Mode.PERSISTENT, child: Mode.PERSISTENT };
    case WatcherType.PersistentRecursive:
      return { data: Mode.RECURSIVE, child: 0 };
    case WatcherType.Any:
      return { data: ~0, child: ~0 };
    default:
      throw new KeeperError(Code.BADARGUMENTS, `unknown watcher type ${String(type)}`, path);
  }
}

const noWatcher = (path: string, type: WatcherType): KeeperError =>
  new KeeperError(Code.NOWATCHER, `no watcher of type ${type}`, path);

function bitCount(n: number): number {
  let count = 0;
  for (let v = n; v !== 0; v &= v - 1) count++;
  return count;
}
