import { describe, expect, it } from 'vitest';
import { Code, isKeeperError } from '../../../src/core/errors.ts';
import { sessionCounter, sessionEpoch } from '../../../src/core/sessions/session-id.ts';
import { SessionTable } from '../../../src/core/sessions/session-table.ts';
import { AssertionError } from '../../../src/core/util/assert.ts';
import type { SessionId } from '../../../src/core/util/ids.ts';
import { asPeerId, asSessionId } from '../../../src/core/util/ids.ts';
import { limits } from '../../../src/core/util/limits.ts';

// tickMs 1000: the default bounds are [2000, 20000] ms = [2, 20] ticks.
const config = { tickMs: 1000 };

/** A leader at `epoch` whose sessions have committed (applyCreate right after createSession). */
function leaderWith(timeoutsMs: number[], epoch = 1, nowTick = 0): { table: SessionTable; ids: SessionId[] } {
  const table = new SessionTable(config);
  table.lead(epoch, nowTick);
  const ids = timeoutsMs.map((ms) => {
    const { sessionId, body } = table.createSession(ms, nowTick);
    table.applyCreate(sessionId, body.timeoutMs, nowTick);
    return sessionId;
  });
  return { table, ids };
}

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (isKeeperError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('SessionTable', () => {
  it('createSession negotiates the timeout into the txn and tracks the session before it commits', () => {
    const table = new SessionTable(config);
    table.lead(1, 0);
    const { sessionId, body } = table.createSession(100, 0, asPeerId(2));
    expect(body).toEqual({ type: 'createSession', timeoutMs: 2000 });
    expect(table.get(sessionId)).toMatchObject({ timeoutMs: 2000, timeoutTicks: 2, owner: 2, committed: false });
    expect(table.ids()).toEqual([]);
    table.applyCreate(sessionId, body.timeoutMs, 0);
    expect(table.ids()).toEqual([sessionId]);
  });

  it('a session that is touched does not expire', () => {
    const { table, ids } = leaderWith([3000]);
    for (let tick = 1; tick <= 30; tick++) {
      expect(table.touch(ids[0]!, tick)).toBe(true);
      expect(table.expired(tick)).toEqual([]);
    }
  });

  it('a silent session expires once, one tick after its timeout, and is then closing', () => {
    const { table, ids } = leaderWith([3000]);
    const id = ids[0]!;
    expect(table.expired(3)).toEqual([]);
    expect(table.expired(4)).toEqual([id]);
    expect(table.get(id)?.closing).toBe(true);
    expect(table.expired(100)).toEqual([]);
    expect(table.touch(id, 100)).toBe(false);
  });

  it('sessions that expire together come out in id order', () => {
    const { table, ids } = leaderWith([5000, 5000, 5000]);
    expect(table.expired(6)).toEqual([...ids].sort((a, b) => a - b));
  });

  it('after a leader change every deadline is reset to the full timeout', () => {
    const { table, ids } = leaderWith([2000, 10000]);
    table.stopLeading();
    // As a follower the table kept the old deadlines (ticks 3 and 11); the new leader starts at 9.
    table.lead(2, 9);
    expect(table.deadlineOf(ids[0]!)).toBe(12);
    expect(table.deadlineOf(ids[1]!)).toBe(20);
    expect(table.expired(11)).toEqual([]);
    expect(table.expired(12)).toEqual([ids[0]]);
  });

  it('a leader change forgets uncommitted sessions, closing marks and owners', () => {
    const { table, ids } = leaderWith([2000, 2000]);
    const pending = table.createSession(2000, 0).sessionId;
    table.checkSession(ids[0]!, asPeerId(3));
    expect(table.markClosing(ids[1]!)).toBe(true);
    table.lead(2, 5);
    expect(table.get(pending)).toBeUndefined();
    expect(table.get(ids[0]!)).toMatchObject({ owner: undefined, closing: false });
    expect(table.get(ids[1]!)).toMatchObject({ closing: false });
    expect(table.deadlineOf(ids[1]!)).toBe(8);
  });

  it('session ids carry the epoch, so ids never repeat across leader changes', () => {
    const table = new SessionTable(config);
    const seen = new Set<number>();
    for (const epoch of [1, 2, 7]) {
      table.lead(epoch, 0);
      for (let i = 0; i < 5; i++) {
        const { sessionId } = table.createSession(2000, 0);
        expect(sessionEpoch(sessionId)).toBe(epoch);
        expect(sessionCounter(sessionId)).toBe(i + 1);
        seen.add(sessionId);
      }
    }
    expect(seen.size).toBe(15);
  });

  it('session ids at the highest epoch stay exact below 2^53', () => {
    const table = new SessionTable(config);
    table.lead(limits.epoch_max, 0);
    const { sessionId } = table.createSession(2000, 0);
    expect(Number.isSafeInteger(sessionId)).toBe(true);
    expect(sessionEpoch(sessionId)).toBe(limits.epoch_max);
  });

  it('only a leader mints session ids, and its epochs only grow', () => {
    const table = new SessionTable(config);
    expect(() => table.createSession(2000, 0)).toThrow(AssertionError);
    table.lead(3, 0);
    table.stopLeading();
    expect(() => table.createSession(2000, 0)).toThrow(AssertionError);
    expect(() => table.lead(3, 0)).toThrow(AssertionError);
  });

  it('creating a session beyond sessions_max is refused with THROTTLEDOP', () => {
    const table = new SessionTable(config, { sessionsMax: 2 });
    table.lead(1, 0);
    table.createSession(2000, 0);
    table.createSession(2000, 0);
    expect(codeOf(() => table.createSession(2000, 0))).toBe(Code.THROTTLEDOP);
  });

  it('applyCreate and applyClose are idempotent, so replaying the log over a fuzzy snapshot is harmless', () => {
    const table = new SessionTable(config);
    const id = asSessionId(0x1_0000_0001);
    table.applyCreate(id, 5000, 0);
    table.applyCreate(id, 5000, 3);
    expect(table.ids()).toEqual([id]);
    expect(table.deadlineOf(id)).toBe(6);
    table.applyClose(id);
    table.applyClose(id);
    expect(table.ids()).toEqual([]);
    expect(table.expired(100)).toEqual([]);
  });

  it('a closing session refuses touches and requests and is not expired again', () => {
    const { table, ids } = leaderWith([2000]);
    const id = ids[0]!;
    expect(table.markClosing(id)).toBe(true);
    expect(table.markClosing(id)).toBe(false);
    expect(table.touch(id, 1)).toBe(false);
    expect(codeOf(() => table.checkSession(id))).toBe(Code.SESSIONEXPIRED);
    expect(table.expired(50)).toEqual([]);
    table.applyClose(id);
    expect(table.size).toBe(0);
  });

  it('checkSession adopts the first owner and answers another owner with SESSIONMOVED', () => {
    const { table, ids } = leaderWith([2000]);
    const id = ids[0]!;
    table.checkSession(id, asPeerId(1));
    table.checkSession(id, asPeerId(1));
    expect(codeOf(() => table.checkSession(id, asPeerId(2)))).toBe(Code.SESSIONMOVED);
    table.setOwner(id, asPeerId(2));
    table.checkSession(id, asPeerId(2));
    expect(codeOf(() => table.checkSession(id, asPeerId(1)))).toBe(Code.SESSIONMOVED);
  });

  it('an unknown session is SESSIONEXPIRED, and cannot be touched or moved', () => {
    const table = new SessionTable(config);
    const id = asSessionId(42);
    expect(codeOf(() => table.checkSession(id))).toBe(Code.SESSIONEXPIRED);
    expect(codeOf(() => table.setOwner(id, asPeerId(1)))).toBe(Code.SESSIONEXPIRED);
    expect(table.touch(id, 0)).toBe(false);
  });

  it('a snapshot holds only committed sessions, in the same bytes whatever order they were created in', () => {
    const a = new SessionTable(config);
    const b = new SessionTable(config);
    const sessions: [number, number][] = [[0x2_0000_0003, 4000], [0x1_0000_0001, 2000], [0x2_0000_0001, 9000]];
    for (const [id, ms] of sessions) a.applyCreate(asSessionId(id), ms, 0);
    for (const [id, ms] of [...sessions].reverse()) b.applyCreate(asSessionId(id), ms, 7);
    b.lead(3, 7);
    b.createSession(2000, 7);
    expect(a.serialize()).toEqual(b.serialize());
    expect(a.serialize().length).toBe(4 + 3 * 12);
  });

  it('a restored table has the same sessions, each with its full timeout from the restore tick', () => {
    const { table, ids } = leaderWith([2000, 7000], 4);
    const restored = SessionTable.deserialize(table.serialize(), config, 50);
    expect(restored.ids()).toEqual([...ids].sort((x, y) => x - y));
    expect(restored.get(ids[1]!)).toMatchObject({ timeoutMs: 7000, timeoutTicks: 7, committed: true });
    expect(restored.deadlineOf(ids[1]!)).toBe(58);
    expect(restored.serialize()).toEqual(table.serialize());
  });

  it('damaged snapshot bytes are refused with MARSHALLINGERROR', () => {
    const { table } = leaderWith([2000, 3000]);
    const bytes = table.serialize();
    expect(codeOf(() => SessionTable.deserialize(bytes.slice(0, 10), config, 0))).toBe(Code.MARSHALLINGERROR);
    const swapped = bytes.slice();
    swapped.set(bytes.subarray(16, 28), 4);
    swapped.set(bytes.subarray(4, 16), 16);
    expect(codeOf(() => SessionTable.deserialize(swapped, config, 0))).toBe(Code.MARSHALLINGERROR);
    const zeroTimeout = bytes.slice();
    zeroTimeout.fill(0, 12, 16);
    expect(codeOf(() => SessionTable.deserialize(zeroTimeout, config, 0))).toBe(Code.MARSHALLINGERROR);
    const hugeId = bytes.slice();
    hugeId.fill(0xff, 4, 8);
    expect(codeOf(() => SessionTable.deserialize(hugeId, config, 0))).toBe(Code.MARSHALLINGERROR);
  });
});
