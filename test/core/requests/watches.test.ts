import { describe, expect, it } from 'vitest';
import { Code } from '../../../src/core/errors.ts';
import { StandaloneTree } from '../../../src/core/requests/standalone.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import { AddWatchMode, EventType, WatcherType } from '../../../src/core/watches/events.ts';
import { codeOf, create, del, setData } from './helpers.ts';

function pair() {
  const zk = new StandaloneTree();
  const watcher = zk.openSession(1000);
  const writer = zk.openSession(1000);
  return {
    zk,
    watcher,
    asWatcher: (r: Parameters<StandaloneTree['submit']>[1]) => zk.submit(watcher, r, 1000),
    asWriter: (r: Parameters<StandaloneTree['submit']>[1]) => zk.submit(writer, r, 1000),
    events: () => zk.takeEvents().map((d) => [d.session, d.event.type, d.event.path]),
  };
}

describe('watches', () => {
  it('a data watch fires once, on the next change only', () => {
    const { watcher, asWatcher, asWriter, events } = pair();
    asWriter(create('/a'));
    asWatcher({ type: 'getData', path: '/a', watch: true });
    asWriter(setData('/a', '1'));
    asWriter(setData('/a', '2'));
    expect(events()).toEqual([[watcher, EventType.NodeDataChanged, '/a']]);
  });

  it('an exists watch on a missing node fires when the node is created', () => {
    const { watcher, asWatcher, asWriter, events } = pair();
    expect(asWatcher({ type: 'exists', path: '/later', watch: true })).toEqual({ type: 'exists', stat: null });
    asWriter(create('/later'));
    expect(events()).toEqual([[watcher, EventType.NodeCreated, '/later']]);
  });

  it('a child watch fires on a create and on a delete beneath the node', () => {
    const { watcher, asWatcher, asWriter, events } = pair();
    asWatcher({ type: 'getChildren', path: '/', watch: true, withStat: false });
    asWriter(create('/a'));
    asWatcher({ type: 'getChildren', path: '/', watch: true, withStat: true });
    asWriter(del('/a'));
    expect(events()).toEqual([
      [watcher, EventType.NodeChildrenChanged, '/'],
      [watcher, EventType.NodeChildrenChanged, '/'],
    ]);
  });

  it('a read that fails registers no watch', () => {
    const { asWatcher, asWriter, events } = pair();
    expect(codeOf(asWatcher({ type: 'getData', path: '/nope', watch: true }))).toBe(Code.NONODE);
    expect(codeOf(asWatcher({ type: 'getChildren', path: '/nope', watch: true, withStat: false }))).toBe(Code.NONODE);
    asWriter(create('/nope'));
    expect(events()).toEqual([]);
  });

  it('a delete fires the data watch with NodeDeleted', () => {
    const { watcher, asWatcher, asWriter, events } = pair();
    asWriter(create('/a'));
    asWatcher({ type: 'exists', path: '/a', watch: true });
    asWriter(del('/a'));
    expect(events()).toEqual([[watcher, EventType.NodeDeleted, '/a']]);
  });

  it('a failed write fires nothing', () => {
    const { asWatcher, asWriter, events } = pair();
    asWriter(create('/a'));
    asWatcher({ type: 'getData', path: '/a', watch: true });
    expect(codeOf(asWriter(setData('/a', 'x', 9)))).toBe(Code.BADVERSION);
    expect(events()).toEqual([]);
  });

  it('a closed session\'s ephemerals fire the watches of others, and its own watches are gone', () => {
    const { zk, watcher, asWatcher, asWriter, events } = pair();
    asWatcher(create('/mine', { mode: CreateMode.EPHEMERAL }));
    asWatcher({ type: 'exists', path: '/mine', watch: true });
    asWatcher({ type: 'exists', path: '/other', watch: true });
    const third = zk.openSession(1000);
    zk.submit(third, { type: 'exists', path: '/mine', watch: true }, 1000);
    zk.closeSession(watcher, 1000);
    expect(events()).toEqual([[third, EventType.NodeDeleted, '/mine']]);
    asWriter(create('/other'));
    expect(events()).toEqual([]);
  });

  it('a persistent watch fires on every change, a recursive one on every descendant', () => {
    const { watcher, asWatcher, asWriter, events } = pair();
    asWriter(create('/a'));
    expect(asWatcher({ type: 'addWatch', path: '/a', mode: AddWatchMode.PERSISTENT_RECURSIVE })).toEqual({ type: 'addWatch' });
    asWriter(setData('/a', '1'));
    asWriter(create('/a/b'));
    asWriter(setData('/a/b', '2'));
    expect(events()).toEqual([
      [watcher, EventType.NodeDataChanged, '/a'],
      [watcher, EventType.NodeCreated, '/a/b'],
      [watcher, EventType.NodeDataChanged, '/a/b'],
    ]);
  });

  it('removeWatches removes a watch and reports it; without one it is NOWATCHER', () => {
    const { watcher, asWatcher, asWriter, events } = pair();
    asWriter(create('/a'));
    asWatcher({ type: 'getData', path: '/a', watch: true });
    expect(asWatcher({ type: 'checkWatches', path: '/a', watcherType: WatcherType.Data })).toEqual({ type: 'checkWatches' });
    expect(asWatcher({ type: 'removeWatches', path: '/a', watcherType: WatcherType.Data })).toEqual({ type: 'removeWatches' });
    expect(events()).toEqual([[watcher, EventType.DataWatchRemoved, '/a']]);
    expect(codeOf(asWatcher({ type: 'removeWatches', path: '/a', watcherType: WatcherType.Data }))).toBe(Code.NOWATCHER);
    expect(codeOf(asWatcher({ type: 'checkWatches', path: '/a', watcherType: WatcherType.Children }))).toBe(Code.NOWATCHER);
    asWriter(setData('/a', 'x'));
    expect(events()).toEqual([]);
  });

  it('an unknown addWatch mode or watcher type is BADARGUMENTS', () => {
    const { asWatcher } = pair();
    expect(codeOf(asWatcher({ type: 'addWatch', path: '/a', mode: 9 as never }))).toBe(Code.BADARGUMENTS);
    expect(codeOf(asWatcher({ type: 'checkWatches', path: '/a', watcherType: 0 as never }))).toBe(Code.BADARGUMENTS);
    expect(codeOf(asWatcher({ type: 'removeWatches', path: 'a', watcherType: WatcherType.Any }))).toBe(Code.BADARGUMENTS);
  });
});
