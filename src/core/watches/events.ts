// Watch events and session states, with ZooKeeper's numbers (Watcher.java).

export const EventType = {
  None: -1,
  NodeCreated: 1,
  NodeDeleted: 2,
  NodeDataChanged: 3,
  NodeChildrenChanged: 4,
  DataWatchRemoved: 5,
  ChildWatchRemoved: 6,
  PersistentWatchRemoved: 7,
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export const KeeperState = {
  Disconnected: 0,
  SyncConnected: 3,
  AuthFailed: 4,
  ConnectedReadOnly: 5,
  SaslAuthenticated: 6,
  Closed: 7,
  Expired: -112,
} as const;
export type KeeperState = (typeof KeeperState)[keyof typeof KeeperState];

/** addWatch modes. */
export const AddWatchMode = {
  PERSISTENT: 0,
  PERSISTENT_RECURSIVE: 1,
} as const;
export type AddWatchMode = (typeof AddWatchMode)[keyof typeof AddWatchMode];

/** removeWatches / checkWatches types. */
export const WatcherType = {
  Children: 1,
  Data: 2,
  Any: 3,
  Persistent: 4,
  PersistentRecursive: 5,
} as const;
export type WatcherType = (typeof WatcherType)[keyof typeof WatcherType];

/** A change the tree made, before it is matched to watchers. */
export interface TreeEvent {
  readonly type:
    | typeof EventType.NodeCreated
    | typeof EventType.NodeDeleted
    | typeof EventType.NodeDataChanged
    | typeof EventType.NodeChildrenChanged;
  readonly path: string;
}

/** What a client receives (ZooKeeper's WatcherEvent). */
export interface WatchedEvent {
  readonly type: EventType;
  readonly state: KeeperState;
  readonly path: string;
}
