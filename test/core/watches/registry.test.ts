import { describe, expect, it } from 'vitest';
import { Code, isKeeperError } from '../../../src/core/errors.ts';
import { asSessionId } from '../../../src/core/util/ids.ts';
import type { TreeEvent } from '../../../src/core/watches/events.ts';
import { EventType, KeeperState, WatcherType } from '../../../src/core/watches/events.ts';
import { WatchRegistry } from '../../../src/core/watches/registry.ts';

const s1 = asSessionId(1);
const s2 = asSessionId(2);
const s3 = asSessionId(3);
const created = (path: string): TreeEvent => ({ type: EventType.NodeCreated, path });
const deleted = (path: string): TreeEvent => ({ type: EventType.NodeDeleted, path });
const changed = (path: string): TreeEvent => ({ type: EventType.NodeDataChanged, path });
const children = (path: string): TreeEvent => ({ type: EventType.NodeChildrenChanged, path });

/** Deliveries as compact strings: "session:type:path". */
const fire = (r: WatchRegistry, ...events: TreeEvent[]): string[] =>
  r.trigger(events).map((d) => `${d.session}:${d.event.type}:${d.event.path}`);
const codeOf = (f: () => unknown): number | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return isKeeperError(e) ? e.code : -9999;
  }
};

describe('one-shot watches', () => {
  it('a data watch fires once and is gone', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    expect(fire(r, changed('/a'))).toEqual(['1:3:/a']);
    expect(fire(r, changed('/a'))).toEqual([]);
    expect(r.count()).toBe(0);
  });

  it('events carry the SyncConnected state and the changed path', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    expect(r.trigger([changed('/a')])).toEqual([
      { session: s1, event: { type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: '/a' } },
    ]);
  });

  it('an exist watch fires on NodeCreated of its path', () => {
    const r = new WatchRegistry();
    r.addExistWatch('/a', s1);
    expect(fire(r, created('/a/b'), children('/a'), created('/a'))).toEqual(['1:1:/a']);
    expect(r.count()).toBe(0);
  });

  it('a data watch fires on NodeDeleted of its path', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    expect(fire(r, deleted('/a'))).toEqual(['1:2:/a']);
  });

  it('a data watch ignores NodeChildrenChanged on its path', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    expect(fire(r, children('/a'))).toEqual([]);
    expect(r.count()).toBe(1);
  });

  it('a child watch fires on NodeChildrenChanged of its path, not on the data or creation of it', () => {
    const r = new WatchRegistry();
    r.addChildWatch('/a', s1);
    expect(fire(r, changed('/a'), created('/a'), children('/a'))).toEqual(['1:4:/a']);
    expect(r.count()).toBe(0);
  });

  it('a child watch fires on NodeDeleted of its path', () => {
    const r = new WatchRegistry();
    r.addChildWatch('/a', s1);
    expect(fire(r, deleted('/a'))).toEqual(['1:2:/a']);
  });

  it('a one-shot watch ignores events on its descendants', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    r.addChildWatch('/a', s1);
    expect(fire(r, changed('/a/b'), deleted('/a/b'), created('/a/b/c'))).toEqual([]);
  });

  it('a session watching data and children of a deleted node gets one NodeDeleted and loses both watches', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    r.addChildWatch('/a', s1);
    expect(fire(r, deleted('/a'))).toEqual(['1:2:/a']);
    expect(r.count()).toBe(0);
  });

  it('a session that set the same watch twice gets one event', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    r.addDataWatch('/a', s1);
    expect(r.count()).toBe(1);
    expect(fire(r, changed('/a'))).toEqual(['1:3:/a']);
  });

  it('every session watching a path is told, in ascending session order', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s3);
    r.addDataWatch('/a', s1);
    r.addExistWatch('/a', s2);
    expect(fire(r, changed('/a'))).toEqual(['1:3:/a', '2:3:/a', '3:3:/a']);
  });

  it('deliveries follow the order of the events', () => {
    const r = new WatchRegistry();
    r.addChildWatch('/', s1);
    r.addExistWatch('/a', s2);
    expect(fire(r, created('/a'), children('/'))).toEqual(['2:1:/a', '1:4:/']);
  });
});

describe('persistent watches', () => {
  it('a persistent watch gets every event type on its path and stays', () => {
    const r = new WatchRegistry();
    r.addPersistentWatch('/a', s1, false);
    expect(fire(r, created('/a'), changed('/a'), children('/a'), deleted('/a'), created('/a'))).toEqual([
      '1:1:/a',
      '1:3:/a',
      '1:4:/a',
      '1:2:/a',
      '1:1:/a',
    ]);
    expect(r.count()).toBe(1);
  });

  it('a persistent watch ignores events on its descendants', () => {
    const r = new WatchRegistry();
    r.addPersistentWatch('/a', s1, false);
    expect(fire(r, created('/a/b'), changed('/a/b'))).toEqual([]);
  });

  it('a recursive watch gets events on its path and every descendant, and stays', () => {
    const r = new WatchRegistry();
    r.addPersistentWatch('/a', s1, true);
    expect(fire(r, changed('/a'), created('/a/b'), changed('/a/b/c'), deleted('/a/b'), changed('/ab'), changed('/'))).toEqual([
      '1:3:/a',
      '1:1:/a/b',
      '1:3:/a/b/c',
      '1:2:/a/b',
    ]);
    expect(r.count()).toBe(1);
  });

  it('a recursive watch does not receive NodeChildrenChanged', () => {
    const r = new WatchRegistry();
    r.addPersistentWatch('/a', s1, true);
    expect(fire(r, children('/a'), children('/a/b'))).toEqual([]);
  });

  it('a recursive watch on the root sees the whole tree', () => {
    const r = new WatchRegistry();
    r.addPersistentWatch('/', s1, true);
    expect(fire(r, created('/x'), changed('/x/y/z'), changed('/'))).toEqual(['1:1:/x', '1:3:/x/y/z', '1:3:/']);
  });

  it('a session with a one-shot and a persistent watch on a path gets the event once; the one-shot is gone after', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    r.addPersistentWatch('/a', s1, false);
    expect(fire(r, changed('/a'))).toEqual(['1:3:/a']);
    expect(r.watchesOf(s1)).toEqual({ data: [], exist: [], child: [], persistent: ['/a'], persistentRecursive: [] });
  });

  it('a session with nested recursive watches and a data watch gets one event per change', () => {
    const r = new WatchRegistry();
    r.addPersistentWatch('/', s1, true);
    r.addPersistentWatch('/a', s1, true);
    r.addPersistentWatch('/a/b', s1, false);
    r.addDataWatch('/a/b', s1);
    expect(fire(r, deleted('/a/b'))).toEqual(['1:2:/a/b']);
  });

  it('a persistent watch on a deleted node and a child watch of another session both hear the delete', () => {
    const r = new WatchRegistry();
    r.addPersistentWatch('/a', s2, false);
    r.addChildWatch('/a', s1);
    expect(fire(r, deleted('/a'))).toEqual(['1:2:/a', '2:2:/a']);
  });
});

describe('removeWatches and checkWatches', () => {
  it('removeWatches on a path without watches fails with NOWATCHER', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    expect(codeOf(() => r.removeWatches('/b', s1, WatcherType.Any))).toBe(Code.NOWATCHER);
    expect(codeOf(() => r.removeWatches('/a', s2, WatcherType.Any))).toBe(Code.NOWATCHER);
  });

  it('removeWatches of the wrong type fails with NOWATCHER and removes nothing', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    expect(codeOf(() => r.removeWatches('/a', s1, WatcherType.Children))).toBe(Code.NOWATCHER);
    expect(codeOf(() => r.removeWatches('/a', s1, WatcherType.Persistent))).toBe(Code.NOWATCHER);
    expect(r.count()).toBe(1);
  });

  it('removing Data watches removes data and exist watches and reports DataWatchRemoved', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    r.addExistWatch('/a', s1);
    r.addChildWatch('/a', s1);
    expect(r.removeWatches('/a', s1, WatcherType.Data)).toEqual([
      { type: EventType.DataWatchRemoved, state: KeeperState.SyncConnected, path: '/a' },
    ]);
    expect(r.watchesOf(s1).child).toEqual(['/a']);
    expect(fire(r, changed('/a'))).toEqual([]);
  });

  it('removing Children watches reports ChildWatchRemoved and leaves the data watch', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    r.addChildWatch('/a', s1);
    expect(r.removeWatches('/a', s1, WatcherType.Children).map((e) => e.type)).toEqual([EventType.ChildWatchRemoved]);
    expect(fire(r, children('/a'), changed('/a'))).toEqual(['1:3:/a']);
  });

  it('removing a Persistent watch stops it on every event type and reports PersistentWatchRemoved', () => {
    const r = new WatchRegistry();
    r.addPersistentWatch('/a', s1, false);
    expect(r.removeWatches('/a', s1, WatcherType.Persistent).map((e) => e.type)).toEqual([EventType.PersistentWatchRemoved]);
    expect(fire(r, children('/a'), changed('/a'), deleted('/a'))).toEqual([]);
    expect(r.count()).toBe(0);
  });

  it('removing a PersistentRecursive watch leaves a plain persistent watch on the same path', () => {
    const r = new WatchRegistry();
    r.addPersistentWatch('/a', s1, true);
    r.addPersistentWatch('/a', s1, false);
    expect(r.removeWatches('/a', s1, WatcherType.PersistentRecursive).map((e) => e.type)).toEqual([EventType.PersistentWatchRemoved]);
    expect(fire(r, changed('/a/b'), children('/a'))).toEqual(['1:4:/a']);
  });

  it('removing Any watches removes every kind on the path, one event per kind removed', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    r.addChildWatch('/a', s1);
    r.addPersistentWatch('/a', s1, false);
    r.addPersistentWatch('/a', s1, true);
    r.addDataWatch('/b', s1);
    expect(r.removeWatches('/a', s1, WatcherType.Any).map((e) => e.type)).toEqual([
      EventType.DataWatchRemoved,
      EventType.ChildWatchRemoved,
      EventType.PersistentWatchRemoved,
    ]);
    expect(r.watchesOf(s1)).toEqual({ data: ['/b'], exist: [], child: [], persistent: [], persistentRecursive: [] });
  });

  it("removeWatches touches only the calling session's watches", () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    r.addDataWatch('/a', s2);
    r.removeWatches('/a', s1, WatcherType.Data);
    expect(fire(r, changed('/a'))).toEqual(['2:3:/a']);
  });

  it('checkWatches passes when a watch of the type is held and fails with NOWATCHER otherwise', () => {
    const r = new WatchRegistry();
    r.addExistWatch('/a', s1);
    r.addPersistentWatch('/p', s1, true);
    expect(() => r.checkWatches('/a', s1, WatcherType.Data)).not.toThrow();
    expect(() => r.checkWatches('/a', s1, WatcherType.Any)).not.toThrow();
    expect(() => r.checkWatches('/p', s1, WatcherType.PersistentRecursive)).not.toThrow();
    expect(codeOf(() => r.checkWatches('/a', s1, WatcherType.Children))).toBe(Code.NOWATCHER);
    expect(codeOf(() => r.checkWatches('/p', s1, WatcherType.Persistent))).toBe(Code.NOWATCHER);
    expect(codeOf(() => r.checkWatches('/a', s2, WatcherType.Any))).toBe(Code.NOWATCHER);
    expect(r.count()).toBe(2);
  });

  it('an unknown watcher type is BADARGUMENTS', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    expect(codeOf(() => r.removeWatches('/a', s1, 9 as WatcherType))).toBe(Code.BADARGUMENTS);
  });
});

describe('sessions and limits', () => {
  it('removeSession drops every watch of that session and no other', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/a', s1);
    r.addChildWatch('/a', s1);
    r.addPersistentWatch('/', s1, true);
    r.addDataWatch('/a', s2);
    r.removeSession(s1);
    expect(r.count()).toBe(1);
    expect(fire(r, deleted('/a'))).toEqual(['2:2:/a']);
    expect(r.watchesOf(s1)).toEqual({ data: [], exist: [], child: [], persistent: [], persistentRecursive: [] });
  });

  it('watchesOf lists each kind sorted, a persistent watch once', () => {
    const r = new WatchRegistry();
    r.addDataWatch('/b', s1);
    r.addDataWatch('/a', s1);
    r.addExistWatch('/c', s1);
    r.addChildWatch('/a', s1);
    r.addPersistentWatch('/p', s1, false);
    r.addPersistentWatch('/r', s1, true);
    expect(r.watchesOf(s1)).toEqual({ data: ['/a', '/b'], exist: ['/c'], child: ['/a'], persistent: ['/p'], persistentRecursive: ['/r'] });
    expect(r.count()).toBe(6);
  });

  it('a session past watches_per_session_max is refused with QUOTAEXCEEDED, and re-adding a held watch is not', () => {
    const r = new WatchRegistry({ watchesPerSessionMax: 2 });
    r.addDataWatch('/a', s1);
    r.addPersistentWatch('/b', s1, false);
    expect(codeOf(() => r.addChildWatch('/a', s1))).toBe(Code.QUOTAEXCEEDED);
    expect(codeOf(() => r.addPersistentWatch('/c', s1, true))).toBe(Code.QUOTAEXCEEDED);
    expect(() => r.addDataWatch('/a', s1)).not.toThrow();
    expect(() => r.addPersistentWatch('/b', s1, false)).not.toThrow();
    expect(() => r.addDataWatch('/a', s2)).not.toThrow();
    expect(r.count()).toBe(3);
  });

  it('a fired one-shot watch frees its place under the limit', () => {
    const r = new WatchRegistry({ watchesPerSessionMax: 1 });
    r.addDataWatch('/a', s1);
    fire(r, changed('/a'));
    expect(() => r.addDataWatch('/a', s1)).not.toThrow();
  });

  it('trigger with no watches at all returns no deliveries', () => {
    const r = new WatchRegistry();
    expect(fire(r, created('/a'), children('/'), deleted('/a'))).toEqual([]);
  });
});
