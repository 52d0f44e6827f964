// The client's side of watches (ZooKeeper's ZKWatchManager): the server keeps one watch per
// session, path and kind; the client fans each event out to the callbacks that asked for it. A
// one-shot callback fires once and is dropped; a persistent one fires until the server reports it
// removed. Callbacks are registered before their request is sent and dropped again if the request
// fails, because the peer delivers watch events before replies: an event may overtake the reply of
// the read that set the watch.

import { isWithin } from '../core/tree/path.ts';
import { AddWatchMode, EventType, KeeperState, WatcherType, type WatchedEvent } from '../core/watches/events.ts';
import type { WatchSet } from './connection.ts';

export type Watcher = (event: WatchedEvent) => void;
export type WatchKind = 'data' | 'exist' | 'child';

interface Persistent {
  readonly mode: AddWatchMode;
  readonly watcher: Watcher;
}

export class WatchRegistry {
  private readonly oneShot: Record<WatchKind, Map<string, Set<Watcher>>> = {
    data: new Map(),
    exist: new Map(),
    child: new Map(),
  };
  private readonly persistent = new Map<string, Set<Persistent>>();

  add(kind: WatchKind, path: string, watcher: Watcher): () => void {
    const byPath = this.oneShot[kind];
    const set = byPath.get(path) ?? new Set<Watcher>();
    byPath.set(path, set);
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && byPath.get(path) === set) byPath.delete(path);
    };
  }

  /**
   * Moves a one-shot callback to another kind, if it has not fired yet. ZooKeeper's client files a
   * watch set by exists on a node that exists as a data watch: after a reconnect, setWatches must
   * then ask for the node's deletion or change, not for its creation.
   */
  refile(path: string, watcher: Watcher, from: WatchKind, to: WatchKind): void {
    const set = this.oneShot[from].get(path);
    if (set === undefined || !set.delete(watcher)) return;
    if (set.size === 0) this.oneShot[from].delete(path);
    this.add(to, path, watcher);
  }

  addPersistent(path: string, mode: AddWatchMode, watcher: Watcher): () => void {
    const set = this.persistent.get(path) ?? new Set<Persistent>();
    this.persistent.set(path, set);
    const entry = { mode, watcher };
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.persistent.get(path) === set) this.persistent.delete(path);
    };
  }

  /** Which callbacks an event reaches (Watcher.Event semantics), dropping the one-shot ones. */
  dispatch(event: WatchedEvent): void {
    const fire: Watcher[] = [];
    const take = (kind: WatchKind): void => {
      const set = this.oneShot[kind].get(event.path);
      if (set === undefined) return;
      this.oneShot[kind].delete(event.path);
      fire.push(...set);
    };
    switch (event.type) {
      case EventType.NodeCreated:
      case EventType.NodeDataChanged:
        take('data');
        take('exist');
        break;
      case EventType.NodeDeleted:
        take('data');
        take('exist');
        take('child');
        break;
      case EventType.NodeChildrenChanged:
        take('child');
        break;
      case EventType.DataWatchRemoved:
        take('data');
        take('exist');
        break;
      case EventType.ChildWatchRemoved:
        take('child');
        break;
      case EventType.PersistentWatchRemoved:
        fire.push(...[...(this.persistent.get(event.path) ?? [])].map((p) => p.watcher));
        this.persistent.delete(event.path);
        break;
      default:
        break;
    }
    if (isTreeEvent(event)) fire.push(...this.persistentFor(event));
    for (const w of fire) w(event);
  }

  /** What the client holds, as setWatches lists (paths as the client sees them). */
  watchSet(): WatchSet {
    const persistent: string[] = [];
    const persistentRecursive: string[] = [];
    for (const [path, set] of this.persistent) {
      const modes = new Set([...set].map((p) => p.mode));
      if (modes.has(AddWatchMode.PERSISTENT)) persistent.push(path);
      if (modes.has(AddWatchMode.PERSISTENT_RECURSIVE)) persistentRecursive.push(path);
    }
    return {
      data: [...this.oneShot.data.keys()],
      exist: [...this.oneShot.exist.keys()],
      child: [...this.oneShot.child.keys()],
      persistent,
      persistentRecursive,
    };
  }

  hasPersistent(path: string, mode: AddWatchMode): boolean {
    return [...(this.persistent.get(path) ?? [])].some((p) => p.mode === mode);
  }

  /**
   * The server removed the session's watches of `type` at `path` (removeWatches succeeded): drop
   * the callbacks here too and tell each one, as ZooKeeper's client does, with DataWatchRemoved,
   * ChildWatchRemoved or PersistentWatchRemoved.
   */
  removeLocal(path: string, type: WatcherType): void {
    const told: [Watcher, WatchedEvent][] = [];
    const event = (t: EventType): WatchedEvent => ({ type: t, state: KeeperState.SyncConnected, path });
    const takeOneShot = (kind: WatchKind, t: EventType): void => {
      for (const w of this.oneShot[kind].get(path) ?? []) told.push([w, event(t)]);
      this.oneShot[kind].delete(path);
    };
    const takePersistent = (mode: AddWatchMode): void => {
      const set = this.persistent.get(path);
      if (set === undefined) return;
      for (const p of [...set]) {
        if (p.mode !== mode) continue;
        set.delete(p);
        told.push([p.watcher, event(EventType.PersistentWatchRemoved)]);
      }
      if (set.size === 0) this.persistent.delete(path);
    };
    const any = type === WatcherType.Any;
    if (any || type === WatcherType.Data) {
      takeOneShot('data', EventType.DataWatchRemoved);
      takeOneShot('exist', EventType.DataWatchRemoved);
    }
    if (any || type === WatcherType.Children) takeOneShot('child', EventType.ChildWatchRemoved);
    if (any || type === WatcherType.Persistent) takePersistent(AddWatchMode.PERSISTENT);
    if (any || type === WatcherType.PersistentRecursive) takePersistent(AddWatchMode.PERSISTENT_RECURSIVE);
    for (const [w, e] of told) w(e);
  }

  /** Every callback, one-shot and persistent (a closing session tells them all). */
  drain(): Watcher[] {
    const all = new Set<Watcher>();
    for (const kind of ['data', 'exist', 'child'] as const) {
      for (const set of this.oneShot[kind].values()) for (const w of set) all.add(w);
      this.oneShot[kind].clear();
    }
    for (const set of this.persistent.values()) for (const p of set) all.add(p.watcher);
    this.persistent.clear();
    return [...all];
  }

  private persistentFor(event: WatchedEvent): Watcher[] {
    const out: Watcher[] = [];
    for (const [path, set] of this.persistent) {
      for (const p of set) {
        // A recursive watch does not report child-list changes: its subtree's creates and deletes say it.
        const hit =
          p.mode === AddWatchMode.PERSISTENT
            ? path === event.path
            : isWithin(event.path, path) && event.type !== EventType.NodeChildrenChanged;
        if (hit) out.push(p.watcher);
      }
    }
    return out;
  }
}

const isTreeEvent = (e: WatchedEvent): boolean =>
  e.type === EventType.NodeCreated ||
  e.type === EventType.NodeDeleted ||
  e.type === EventType.NodeDataChanged ||
  e.type === EventType.NodeChildrenChanged;
