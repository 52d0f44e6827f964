// setWatches (ZooKeeper's SetWatches2, DataTree.setWatches): a client that reconnected re-registers
// its session's watches at this peer, relative to the newest zxid it had seen. Whatever changed
// since fires at once instead of being re-registered, so no change is missed while the client was
// away:
//   data watch:  NodeDeleted if the node is gone, NodeDataChanged if mzxid > relativeZxid;
//   exist watch: NodeCreated if the node exists;
//   child watch: NodeDeleted if the node is gone, NodeChildrenChanged if pzxid > relativeZxid;
//   persistent and persistent-recursive watches are added again (they never fire on re-adding).
// A read-side request answered by the peer the client is connected to. Paths are validated first
// (BADARGUMENTS, nothing registered); past the per-session watch limit it answers QUOTAEXCEEDED
// with the watches before the limit kept. ZooKeeper checks no ACL here, and neither do we.

import { Code, isKeeperError, KeeperError } from '../errors.ts';
import { validatePath } from '../tree/path.ts';
import { limits } from '../util/limits.ts';
import { EventType, KeeperState, type WatchedEvent } from '../watches/events.ts';
import type { TreeReader, WatchPort } from './ports.ts';
import type { Reply } from './reply.ts';
import type { SetWatchesRequest } from './request.ts';
import type { SessionContext } from './session-context.ts';

export function setWatches(tree: TreeReader, watches: WatchPort, session: SessionContext, request: SetWatchesRequest): Reply {
  try {
    return { type: 'setWatches', events: register(tree, watches, session, request) };
  } catch (e) {
    if (!isKeeperError(e)) throw e;
    return e.path === undefined ? { type: 'error', code: e.code } : { type: 'error', code: e.code, path: e.path };
  }
}

function register(tree: TreeReader, watches: WatchPort, session: SessionContext, request: SetWatchesRequest): WatchedEvent[] {
  const lists = [request.data, request.exist, request.child, request.persistent, request.persistentRecursive];
  if (!Number.isSafeInteger(request.relativeZxid) || request.relativeZxid < 0) {
    throw new KeeperError(Code.BADARGUMENTS, `bad relativeZxid ${request.relativeZxid}`);
  }
  let total = 0;
  for (const list of lists) {
    if (!Array.isArray(list)) throw new KeeperError(Code.BADARGUMENTS, 'setWatches lists must be arrays');
    total += list.length;
    for (const path of list) validatePath(path);
  }
  if (total > limits.watches_per_session_max) {
    throw new KeeperError(Code.QUOTAEXCEEDED, `more than ${limits.watches_per_session_max} watches`);
  }
  const id = session.sessionId;
  const events: WatchedEvent[] = [];
  const fire = (type: EventType, path: string): void => void events.push({ type, state: KeeperState.SyncConnected, path });
  for (const path of request.data) {
    const node = tree.get(path);
    if (node === undefined) fire(EventType.NodeDeleted, path);
    else if (node.stat().mzxid > request.relativeZxid) fire(EventType.NodeDataChanged, path);
    else watches.addDataWatch(path, id);
  }
  for (const path of request.exist) {
    if (tree.get(path) !== undefined) fire(EventType.NodeCreated, path);
    else watches.addExistWatch(path, id);
  }
  for (const path of request.child) {
    const node = tree.get(path);
    if (node === undefined) fire(EventType.NodeDeleted, path);
    else if (node.stat().pzxid > request.relativeZxid) fire(EventType.NodeChildrenChanged, path);
    else watches.addChildWatch(path, id);
  }
  for (const path of request.persistent) watches.addPersistentWatch(path, id, false);
  for (const path of request.persistentRecursive) watches.addPersistentWatch(path, id, true);
  return events;
}
