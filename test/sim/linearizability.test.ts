import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Code } from '../../src/core/errors.ts';
import type { CheckResult, HistoryEntry, OpResult, ZnodeOp } from './linearizability.ts';
import { checkHistory } from './linearizability.ts';
import type { GenStep } from './linearizability-gen.ts';
import { GEN_PATHS, historyFromSteps } from './linearizability-gen.ts';

const OK: OpResult = { code: Code.OK };
const NONODE: OpResult = { code: Code.NONODE };

/** One entry: session, op, [invoke, response], result (undefined response: unknown outcome). */
function e(session: number, op: ZnodeOp, invoke: number, response: number | undefined, result: OpResult = OK): HistoryEntry {
  return response === undefined ? { session, op, invokeTick: invoke, responseTick: undefined } : { session, op, invokeTick: invoke, responseTick: response, result };
}
const create = (path: string, data: string): ZnodeOp => ({ type: 'create', path, data });
const setData = (path: string, data: string, version = -1): ZnodeOp => ({ type: 'setData', path, data, version });
const del = (path: string, version = -1): ZnodeOp => ({ type: 'delete', path, version });
const getData = (path: string): ZnodeOp => ({ type: 'getData', path });
const exists = (path: string): ZnodeOp => ({ type: 'exists', path });
const sync: ZnodeOp = { type: 'sync', path: '/' };
const got = (data: string, version: number): OpResult => ({ code: Code.OK, data, version });

function violation(result: CheckResult): { path: string; explanation: string } {
  if (result.ok !== false) throw new Error(`expected a violation, got ${JSON.stringify(result)}`);
  return result;
}

describe('linearizability checker: accepted histories', () => {
  it('an empty history is linearizable', () => {
    expect(checkHistory([])).toEqual({ ok: true });
  });

  it('a sequential history of creates, writes, reads and deletes is linearizable', () => {
    const history = [
      e(1, create('/x', 'a'), 0, 1),
      e(1, getData('/x'), 2, 3, got('a', 0)),
      e(2, setData('/x', 'b', 0), 4, 5, { code: Code.OK, version: 1 }),
      e(1, exists('/x'), 6, 7, { code: Code.OK, version: 1 }),
      e(2, setData('/x', 'c', 0), 8, 9, { code: Code.BADVERSION }),
      e(2, del('/x', 1), 10, 11),
      e(1, getData('/x'), 12, 13, NONODE),
    ];
    expect(checkHistory(history)).toEqual({ ok: true });
  });

  it('overlapping writes may take effect in either order', () => {
    const history = [
      e(1, create('/x', 'a'), 0, 1),
      e(1, setData('/x', 'b'), 2, 10),
      e(2, setData('/x', 'c'), 3, 9),
      e(3, sync, 11, 12),
      e(3, getData('/x'), 13, 14, got('b', 2)),
    ];
    expect(checkHistory(history)).toEqual({ ok: true });
  });

  it('a read from a lagging peer may return older state when the session has not synced', () => {
    const history = [
      e(1, create('/x', 'a'), 0, 1),
      e(1, setData('/x', 'b'), 2, 3),
      e(2, getData('/x'), 10, 11, got('a', 0)),
      e(2, getData('/x'), 12, 13, got('b', 1)),
    ];
    expect(checkHistory(history)).toEqual({ ok: true });
  });

  it('a write whose answer was lost may have taken effect, or not', () => {
    const base = [e(1, create('/x', 'a'), 0, 1), e(1, setData('/x', 'b'), 2, undefined)];
    const sawIt = [...base, e(2, sync, 10, 11), e(2, getData('/x'), 12, 13, got('b', 1))];
    const missedIt = [...base, e(2, sync, 10, 11), e(2, getData('/x'), 12, 13, got('a', 0))];
    expect(checkHistory(sawIt)).toEqual({ ok: true });
    expect(checkHistory(missedIt)).toEqual({ ok: true });
  });

  it('a write answered CONNECTIONLOSS may take effect after the client gave up on it', () => {
    const history = [
      e(1, create('/x', 'a'), 0, 1),
      e(1, setData('/x', 'b'), 2, 3, { code: Code.CONNECTIONLOSS }),
      e(2, sync, 4, 5),
      e(2, getData('/x'), 6, 7, got('a', 0)),
      e(2, sync, 8, 9),
      e(2, getData('/x'), 10, 11, got('b', 1)),
    ];
    expect(checkHistory(history)).toEqual({ ok: true });
  });

  it('a session whose write was lost may still read data older than another session\'s finished write', () => {
    // Had the lost write reached the leader, it would have ordered the read after "b"; it may not have.
    const history = [
      e(1, create('/x', 'a'), 0, 1),
      e(2, setData('/x', 'b'), 2, 3),
      e(1, setData('/x', 'c'), 4, undefined),
      e(1, getData('/x'), 5, 6, got('a', 0)),
    ];
    expect(checkHistory(history)).toEqual({ ok: true });
  });

  it('a successful multi applies to every path it touches, a failed one to none', () => {
    const history = [
      e(1, { type: 'multi', ops: [create('/a', '1') as never, create('/b', '2') as never] }, 0, 1),
      e(1, { type: 'multi', ops: [setData('/a', '3') as never, create('/b', '4') as never] }, 2, 3, { code: Code.NODEEXISTS }),
      e(2, sync, 4, 5),
      e(2, getData('/a'), 6, 7, got('1', 0)),
      e(2, getData('/b'), 8, 9, got('2', 0)),
    ];
    expect(checkHistory(history)).toEqual({ ok: true });
  });

  it('znodes given as initial state exist before the history starts', () => {
    const initial = new Map([['/x', { data: 'root', version: 4 }]]);
    const history = [e(1, setData('/x', 'y', 4), 0, 1, { code: Code.OK, version: 5 })];
    expect(checkHistory(history, { initial })).toEqual({ ok: true });
    expect(checkHistory(history).ok).toBe(false);
  });
});

describe('linearizability checker: violations', () => {
  it('a stale read after sync is a violation', () => {
    const history = [
      e(1, create('/x', 'a'), 0, 1),
      e(1, setData('/x', 'b'), 2, 3),
      e(2, sync, 4, 5),
      e(2, getData('/x'), 6, 7, got('a', 0)),
    ];
    const v = violation(checkHistory(history));
    expect(v.path).toBe('/x');
    expect(v.explanation).toContain('#3 s2 getData /x → OK "a" v0 [6, 7]');
    expect(v.explanation).toContain('holding "b" at version 1');
  });

  it('an acknowledged write that is lost is a violation', () => {
    const history = [
      e(1, create('/x', 'a'), 0, 1),
      e(1, setData('/x', 'b'), 2, 3, { code: Code.OK, version: 1 }),
      e(2, setData('/x', 'c', 0), 5, 6, { code: Code.OK, version: 1 }),
    ];
    const v = violation(checkHistory(history));
    expect(v.explanation).toContain('#2 s2 setData /x "c" v0');
    expect(v.explanation).toMatch(/answered OK, but .* would answer BADVERSION/);
  });

  it('a read that goes back in time within a session is a violation', () => {
    const history = [
      e(1, create('/x', 'a'), 0, 1),
      e(1, setData('/x', 'b'), 2, 3),
      e(2, getData('/x'), 4, 5, got('b', 1)),
      e(2, getData('/x'), 6, 7, got('a', 0)),
    ];
    expect(violation(checkHistory(history)).explanation).toContain('#3 s2 getData /x');
  });

  it('a session that does not see its own write is a violation', () => {
    const history = [
      e(1, create('/x', 'a'), 0, 1),
      e(2, setData('/x', 'b'), 2, 3),
      e(2, getData('/x'), 4, 5, got('a', 0)),
    ];
    violation(checkHistory(history));
  });

  it('two creates of one path that both succeed are a violation', () => {
    const history = [e(1, create('/x', 'a'), 0, 5), e(2, create('/x', 'b'), 1, 6)];
    const v = violation(checkHistory(history));
    expect(v.explanation).toMatch(/answered OK, but on a node holding "(a|b)" at version 0 it would answer NODEEXISTS/);
  });

  it('a read cannot see a write invoked after the read was answered', () => {
    const history = [e(1, getData('/x'), 0, 1, got('a', 0)), e(2, create('/x', 'a'), 2, undefined)];
    violation(checkHistory(history));
  });

  it('an acknowledged write on another path orders the session\'s later reads like a sync', () => {
    const history = [
      e(1, create('/x', 'a'), 0, 1),
      e(2, create('/y', 'y'), 2, 3),
      e(2, getData('/x'), 4, 5, NONODE),
    ];
    const v = violation(checkHistory(history));
    expect(v.path).toBe('/x');
    expect(v.explanation).toContain('(as a barrier)');
  });

  it('a successful multi whose op could not succeed is a violation', () => {
    const history = [
      e(1, create('/a', '1'), 0, 1),
      e(2, { type: 'multi', ops: [create('/a', '2') as never, create('/b', '3') as never] }, 2, 3),
    ];
    expect(violation(checkHistory(history)).explanation).toContain('its create would fail with NODEEXISTS');
  });

  it('an exhausted budget gives up with an unknown verdict instead of guessing', () => {
    const writes = Array.from({ length: 12 }, (_, i) => e(i + 1, setData('/x', `v${i}`), 1, undefined));
    const history = [e(0, create('/x', 'a'), 0, 1), ...writes, e(99, getData('/x'), 2, 3, got('zzz', 1))];
    expect(checkHistory(history, { budget: 50 }).ok).toBe('unknown');
  });

  it('a history that lists a session out of order is refused as a harness bug', () => {
    expect(() => checkHistory([e(1, getData('/x'), 5, 6, NONODE), e(1, getData('/x'), 2, 3, NONODE)])).toThrow(/order it sent/);
  });
});

describe('linearizability checker: generated histories', () => {
  const step: fc.Arbitrary<GenStep> = fc.record({
    session: fc.integer({ min: 0, max: 3 }),
    kind: fc.constantFrom('create', 'create', 'delete', 'setData', 'setData', 'setData', 'check', 'getData', 'getData', 'getData', 'exists', 'sync', 'multi'),
    path: fc.integer({ min: 0, max: GEN_PATHS.length - 1 }),
    version: fc.constantFrom('any', 'current', 'wrong'),
    lead: fc.integer({ min: 0, max: 30 }),
    lag: fc.integer({ min: 0, max: 30 }),
    recency: fc.double({ min: 0, max: 0.999, noNaN: true }),
    fate: fc.constantFrom('answered', 'answered', 'answered', 'answered', 'lost', 'connectionLoss', 'phantom'),
  });

  it('any history from a sequential execution with random overlapping intervals is accepted', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const result = checkHistory(historyFromSteps(steps, false).history);
        expect(result, JSON.stringify(result)).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it('stale reads within each session\'s guarantees are accepted', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const result = checkHistory(historyFromSteps(steps, true).history);
        expect(result, JSON.stringify(result)).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it('a read after sync that returns any state but the latest is rejected', () => {
    const answered = step.map((s) => ({ ...s, fate: 'answered' as const }));
    fc.assert(
      fc.property(fc.array(answered, { minLength: 1, maxLength: 30 }), fc.nat(), (steps, pick) => {
        const { history, snapshots } = historyFromSteps(steps, true);
        const path = GEN_PATHS[pick % GEN_PATHS.length]!;
        const latest = snapshots[snapshots.length - 1]!.get(path)!;
        const key = (s: typeof latest): string => (s.exists ? `${s.data}@${s.version}` : '-');
        const older = snapshots.map((s) => s.get(path)!).find((s) => key(s) !== key(latest));
        fc.pre(older !== undefined);
        const end = 10 * (steps.length + 10);
        const read: OpResult = older!.exists ? got(older!.data, older!.version) : NONODE;
        const stale = [...history, e(99, sync, end, end + 1), e(99, getData(path), end + 2, end + 3, read)];
        expect(violation(checkHistory(stale)).path).toBe(path);
      }),
      { numRuns: 200 },
    );
  });
});
