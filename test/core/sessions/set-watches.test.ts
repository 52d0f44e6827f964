import { describe, expect, it } from 'vitest';
import { Code } from '../../../src/core/errors.ts';
import type { SetWatchesRequest } from '../../../src/core/requests/request.ts';
import { StandaloneTree } from '../../../src/core/requests/standalone.ts';
import { EventType } from '../../../src/core/watches/events.ts';
import type { Zxid } from '../../../src/core/zxid.ts';
import { codeOf, create, del, setData } from '../requests/helpers.ts';

type Lists = Omit<SetWatchesRequest, 'type' | 'relativeZxid'>;
const none: Lists = { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
const watches = (relativeZxid: Zxid, lists: Partial<Lists>): SetWatchesRequest => ({ type: 'setWatches', relativeZxid, ...none, ...lists });

function setup() {
  const zk = new StandaloneTree();
  const writer = zk.openSession(1000);
  const client = zk.openSession(1000);
  for (const path of ['/a', '/b', '/gone', '/kids', '/quiet']) zk.submit(writer, create(path), 1000);
  const last = zk.submit(writer, create('/quiet/child'), 1000);
  if (last.type !== 'create') throw new Error('create failed');
  // What the client had seen before it went away.
  const seen = last.stat.mzxid;
  zk.submit(writer, setData('/a', 'changed'), 1000);
  zk.submit(writer, create('/kids/new'), 1000);
  zk.submit(writer, del('/gone'), 1000);
  zk.submit(writer, create('/appeared'), 1000);
  zk.takeEvents();
  return { zk, writer, client, seen };
}

describe('setWatches re-registers a reconnected session\'s watches relative to the zxid it had seen', () => {
  it('watches whose change happened since fire at once, in the reply; the others are registered again', () => {
    const { zk, client, seen } = setup();
    const reply = zk.submit(client, watches(seen, {
      data: ['/a', '/b', '/gone'],
      exist: ['/appeared', '/absent'],
      child: ['/kids', '/quiet', '/gone'],
    }), 1000);
    if (reply.type !== 'setWatches') throw new Error(`unexpected ${JSON.stringify(reply)}`);
    expect(reply.events.map((e) => [e.type, e.path])).toEqual([
      [EventType.NodeDataChanged, '/a'],
      [EventType.NodeDeleted, '/gone'],
      [EventType.NodeCreated, '/appeared'],
      [EventType.NodeChildrenChanged, '/kids'],
      [EventType.NodeDeleted, '/gone'],
    ]);
    expect(zk.takeEvents()).toEqual([]);
  });

  it('re-registered one-shot watches fire on the next change, once', () => {
    const { zk, writer, client, seen } = setup();
    zk.submit(client, watches(seen, { data: ['/b'], exist: ['/absent'], child: ['/quiet'] }), 1000);
    zk.submit(writer, setData('/b', 'x'), 1000);
    zk.submit(writer, create('/absent'), 1000);
    zk.submit(writer, create('/quiet/more'), 1000);
    zk.submit(writer, setData('/b', 'y'), 1000);
    const mine = zk.takeEvents().filter((d) => d.session === client).map((d) => [d.event.type, d.event.path]);
    expect(mine).toEqual([
      [EventType.NodeDataChanged, '/b'],
      [EventType.NodeCreated, '/absent'],
      [EventType.NodeChildrenChanged, '/quiet'],
    ]);
  });

  it('persistent and recursive watches are added again and keep firing', () => {
    const { zk, writer, client, seen } = setup();
    const reply = zk.submit(client, watches(seen, { persistent: ['/a'], persistentRecursive: ['/kids'] }), 1000);
    expect(reply).toEqual({ type: 'setWatches', events: [] });
    zk.submit(writer, setData('/a', '1'), 1000);
    zk.submit(writer, setData('/a', '2'), 1000);
    zk.submit(writer, create('/kids/deep'), 1000);
    const mine = zk.takeEvents().filter((d) => d.session === client).map((d) => [d.event.type, d.event.path]);
    expect(mine).toEqual([
      [EventType.NodeDataChanged, '/a'],
      [EventType.NodeDataChanged, '/a'],
      [EventType.NodeCreated, '/kids/deep'],
    ]);
  });

  it('a malformed path is refused with BADARGUMENTS and registers nothing', () => {
    const { zk, writer, client, seen } = setup();
    const reply = zk.submit(client, watches(seen, { data: ['/b'], child: ['bad/'] }), 1000);
    expect(codeOf(reply)).toBe(Code.BADARGUMENTS);
    zk.submit(writer, setData('/b', 'x'), 1000);
    expect(zk.takeEvents().filter((d) => d.session === client)).toEqual([]);
  });
});
