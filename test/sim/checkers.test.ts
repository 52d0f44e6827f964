// Each simulator checker is fed a deliberately broken input and must report it (and stays quiet on
// the correct one), so that a green soak means something.

import { describe, expect, it } from 'vitest';
import { OPEN_ACL_UNSAFE } from '../../src/core/acl/types.ts';
import { Code } from '../../src/core/errors.ts';
import type { CreateTxn, Txn, TxnBody } from '../../src/core/requests/txn.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { asPeerId, asSessionId } from '../../src/core/util/ids.ts';
import { EventType } from '../../src/core/watches/events.ts';
import { TreeMachine } from '../../src/core/zab/tree-machine.ts';
import { makeZxid } from '../../src/core/zxid.ts';
import { missingEphemerals } from './checkers/ephemerals.ts';
import { ZabChecker } from './checkers/zab-properties.ts';
import { WatchChecker } from './checkers/watches.ts';
import { checkHistory, type HistoryEntry, type OpResult } from './linearizability.ts';

const P1 = asPeerId(1);
const P2 = asPeerId(2);
const S = asSessionId(0x100);

let counter = 0;
function txn(body: TxnBody, session = S): Txn {
  counter++;
  return { header: { sessionId: session, cxid: counter, zxid: makeZxid(1, counter), time: counter }, body };
}
const seqCreate = (path: string, mode: CreateMode = CreateMode.PERSISTENT_SEQUENTIAL): CreateTxn => ({
  type: 'create', path, data: new Uint8Array(), acl: OPEN_ACL_UNSAFE, mode, ttl: 0, parentCversion: 0,
});

/** Proposes and delivers txns at peer 1, as a leader that applied them would report. */
function deliver(checker: ZabChecker, txns: readonly Txn[]): void {
  for (const t of txns) {
    checker.proposedBy(P1, t);
    checker.applied(P1, t);
  }
}

describe('the sequence checker: numbers never repeat under a parent', () => {
  it('accepts growing numbers, with gaps, under each parent independently', () => {
    const checker = new ZabChecker();
    deliver(checker, [
      txn(seqCreate('/q/s-0000000000')),
      txn(seqCreate('/q/s-0000000003')),
      txn(seqCreate('/r/s-0000000000')),
      txn({ type: 'multi', txns: [seqCreate('/q/e-0000000004', CreateMode.EPHEMERAL_SEQUENTIAL)] }),
    ]);
    expect(checker.violations).toEqual([]);
  });

  it('reports a number used again after a delete', () => {
    const checker = new ZabChecker();
    deliver(checker, [txn(seqCreate('/q/s-0000000001')), txn({ type: 'delete', path: '/q/s-0000000001' }), txn(seqCreate('/q/s-0000000001'))]);
    expect(checker.violations.join('\n')).toMatch(/^Sequence: \/q\/s-0000000001 .* under \/q$/);
  });

  it('reports a number that goes back, even inside a multi', () => {
    const checker = new ZabChecker();
    deliver(checker, [txn(seqCreate('/q/a-0000000005')), txn({ type: 'multi', txns: [seqCreate('/q/b-0000000002')] })]);
    expect(checker.violations.join('\n')).toMatch(/Sequence: \/q\/b-0000000002/);
  });
});

describe('the ephemeral checker: an ephemeral exists only while its session is live', () => {
  const machineWithEphemeral = (): TreeMachine => {
    const machine = new TreeMachine({ tickMs: 100 });
    const t1 = txn({ type: 'createSession', timeoutMs: 4000 });
    machine.apply(t1, 0);
    machine.apply(txn({ type: 'create', path: '/e', data: new Uint8Array(), acl: OPEN_ACL_UNSAFE, mode: CreateMode.EPHEMERAL, ttl: 0, parentCversion: 1 }), 0);
    return machine;
  };

  it('is quiet while the session is live, and after its closeSession took the ephemeral', () => {
    const checker = new ZabChecker();
    const machine = machineWithEphemeral();
    checker.ephemerals(P1, machine);
    machine.apply(txn({ type: 'closeSession' }), 0);
    expect(machine.tree.get('/e')).toBeUndefined();
    checker.ephemerals(P1, machine);
    expect(checker.violations).toEqual([]);
  });

  it('reports a replica whose session table lost a session that still owns an ephemeral', () => {
    const checker = new ZabChecker();
    const machine = machineWithEphemeral();
    machine.table.applyClose(S); // the table forgets the session; the tree keeps its node
    checker.ephemerals(P1, machine);
    expect(checker.violations.join('\n')).toMatch(/^Ephemeral: peer 1 .* session 256, which is not live$/);
  });
});

describe('the end-of-run ephemeral check: an acknowledged ephemeral of a live session is there', () => {
  it('reports a replica that lost the ephemeral of a session it still has, and not one whose session ended', () => {
    const machine = new TreeMachine({ tickMs: 100 });
    machine.apply(txn({ type: 'createSession', timeoutMs: 4000 }), 0);
    const acked = [{ path: '/e', session: S }];
    expect(missingEphemerals(machine, acked)).toEqual(acked); // acknowledged, never applied here
    machine.apply(txn({ type: 'create', path: '/e', data: new Uint8Array(), acl: OPEN_ACL_UNSAFE, mode: CreateMode.EPHEMERAL, ttl: 0, parentCversion: 1 }), 0);
    expect(missingEphemerals(machine, acked)).toEqual([]);
    machine.apply(txn({ type: 'closeSession' }), 0);
    expect(missingEphemerals(machine, acked)).toEqual([]);
  });
});

describe('the watch checker: watches fire once, and before the data that triggered them is visible', () => {
  const z = (c: number) => makeZxid(1, c);

  it('accepts a watch that is set, fires once, and is set again', () => {
    const w = new WatchChecker();
    w.armed(1, P1, '/a', '1/1');
    w.read(1, P1, '/a', '1/1');
    w.event(1, P1, '/a', EventType.NodeDataChanged, z(2));
    w.read(1, P1, '/a', '1/2');
    w.armed(1, P1, '/a', '1/2');
    w.event(1, P1, '/a', EventType.NodeDeleted, z(3));
    expect(w.violations).toEqual([]);
  });

  it('reports a watch that fires twice', () => {
    const w = new WatchChecker();
    w.armed(1, P1, '/a', '1/1');
    w.event(1, P1, '/a', EventType.NodeDataChanged, z(2));
    w.event(1, P1, '/a', EventType.NodeDataChanged, z(3));
    expect(w.violations.join('\n')).toMatch(/^Watch: session 1 got event 3 for \/a from peer 1 at 0x100000003 with no watch armed/);
  });

  it('reports a client that sees the new data before the event of its watch', () => {
    const w = new WatchChecker();
    w.armed(1, P1, '/a', 'absent');
    w.read(1, P1, '/a', '2/2');
    expect(w.violations.join('\n')).toMatch(/^Watch: session 1 read \/a at peer 1 as 2\/2 before the event/);
  });

  it("keeps peers apart: another peer's registry never fired this watch, and a lost registry is forgotten", () => {
    const w = new WatchChecker();
    w.armed(1, P1, '/a', '1/1');
    w.read(1, P2, '/a', '1/2'); // the session reads at peer 2, where it set no watch
    w.event(1, P2, '/a', EventType.NodeDataChanged, z(2));
    expect(w.violations.length).toBe(1);
    w.forget(P1);
    w.read(1, P1, '/a', '1/3');
    expect(w.violations.length).toBe(1);
  });
});

describe('the linearizability search hint orders branches but never decides', () => {
  const e = (session: number, op: HistoryEntry['op'], invoke: number, response: number | undefined, hint?: number, result: OpResult = { code: Code.OK }): HistoryEntry => ({
    session, op, invokeTick: invoke, responseTick: response, ...(response === undefined ? {} : { result }), ...(hint === undefined ? {} : { hint }),
  });

  it('a linearizable history passes with misleading hints', () => {
    const history = [
      e(1, { type: 'create', path: '/x', data: 'a' }, 0, 1, 9),
      e(1, { type: 'setData', path: '/x', data: 'b', version: -1 }, 2, 10, 1),
      e(2, { type: 'setData', path: '/x', data: 'c', version: -1 }, 3, undefined, Infinity),
      e(3, { type: 'sync', path: '/' }, 11, 12),
      e(3, { type: 'getData', path: '/x' }, 13, 14, undefined, { code: Code.OK, data: 'c', version: 2 }),
    ];
    expect(checkHistory(history)).toEqual({ ok: true });
  });

  it('a stale read after sync is reported whatever the hints say', () => {
    const history = [
      e(1, { type: 'create', path: '/x', data: 'a' }, 0, 1, 1),
      e(1, { type: 'setData', path: '/x', data: 'b', version: -1 }, 2, 3, 2),
      e(2, { type: 'sync', path: '/' }, 4, 5),
      e(2, { type: 'getData', path: '/x' }, 6, 7, undefined, { code: Code.OK, data: 'a', version: 0 }),
    ];
    expect(checkHistory(history).ok).toBe(false);
  });
});
