import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Request } from '../../../src/core/requests/request.ts';
import { StandaloneTree } from '../../../src/core/requests/standalone.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import { create, del, setData, standalone } from './helpers.ts';

const PATHS = ['/a', '/b', '/a/b', '/a/c', '/b/a', '/a/b/c', '/a/s-'];

/** A write or a sweep, with the time it arrives. */
const step = fc.record({
  op: fc.constantFrom('create', 'ephemeral', 'sequential', 'container', 'ttl', 'delete', 'setData', 'close', 'sweep'),
  path: fc.constantFrom(...PATHS),
  session: fc.nat(2),
  dt: fc.nat(400),
});

type Step = { op: string; path: string; session: number; dt: number };

function feed(steps: readonly Step[]): StandaloneTree {
  const zk = new StandaloneTree();
  let time = 1000;
  const sessions = [zk.openSession(time), zk.openSession(time), zk.openSession(time)];
  for (const { op, path, session, dt } of steps) {
    time += dt;
    const who = sessions[session]!;
    if (op === 'sweep') {
      zk.sweep(time);
      continue;
    }
    if (op === 'close') {
      zk.closeSession(who, time);
      sessions[session] = zk.openSession(time);
      continue;
    }
    const requests: Record<string, Request> = {
      create: create(path),
      ephemeral: create(path, { mode: CreateMode.EPHEMERAL }),
      sequential: create(path, { mode: CreateMode.PERSISTENT_SEQUENTIAL }),
      container: create(path, { mode: CreateMode.CONTAINER }),
      ttl: create(path, { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 300 }),
      delete: del(path),
      setData: setData(path, `t${time}`),
    };
    zk.submit(who, requests[op]!, time);
  }
  return zk;
}

describe('StandaloneTree', () => {
  it('two trees fed the same requests end with the same digest', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const [one, two] = [feed(steps), feed(steps)];
        expect(one.digest()).toBe(two.digest());
        expect(one.lastZxid).toBe(two.lastZxid);
        expect(one.tree.nodeCount).toBe(two.tree.nodeCount);
      }),
      { numRuns: 100, seed: 42 },
    );
  });

  it('one different write gives a different digest', () => {
    const { zk: one, at: atOne } = standalone();
    const { zk: two, at: atTwo } = standalone();
    atOne(create('/a', { data: 'x' }));
    atTwo(create('/a', { data: 'y' }));
    expect(one.digest()).not.toBe(two.digest());
  });

  it('every write takes the next zxid, a failed one included; reads take none', () => {
    const { zk, at } = standalone();
    const start = zk.lastZxid;
    at(create('/a'));
    at(create('/a'));
    at({ type: 'getData', path: '/a', watch: false });
    expect(zk.lastZxid - start).toBe(2);
  });

  it('sync is answered with its path', () => {
    const { at } = standalone();
    expect(at({ type: 'sync', path: '/a' })).toEqual({ type: 'sync', path: '/a' });
  });

  it('takeEvents drains the events in the order they fired', () => {
    const { zk, s, at } = standalone();
    at({ type: 'exists', path: '/a', watch: true });
    at({ type: 'getChildren', path: '/', watch: true, withStat: false });
    at(create('/a'));
    expect(zk.takeEvents().map((d) => [d.session, d.event.type, d.event.path])).toEqual([
      [s, 1, '/a'],
      [s, 4, '/'],
    ]);
    expect(zk.takeEvents()).toEqual([]);
  });
});
