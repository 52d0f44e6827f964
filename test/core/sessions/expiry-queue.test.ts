import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from '../../../src/core/sessions/expiry-queue.ts';
import { AssertionError } from '../../../src/core/util/assert.ts';

describe('ExpiryQueue', () => {
  it('an element touched at tick t with a timeout of T ticks is live through t+T and expired at t+T+1', () => {
    const q = new ExpiryQueue<number>();
    expect(q.touch(7, 3, 10)).toBe(14);
    expect(q.expired(13)).toEqual([]);
    expect(q.expired(14)).toEqual([7]);
    expect(q.size).toBe(0);
  });

  it('a touched element moves to its new bucket and does not expire at its old deadline', () => {
    const q = new ExpiryQueue<number>();
    q.touch(1, 2, 0);
    q.touch(1, 2, 2);
    expect(q.expired(3)).toEqual([]);
    expect(q.deadlineOf(1)).toBe(5);
    expect(q.expired(5)).toEqual([1]);
  });

  it('a removed element never expires', () => {
    const q = new ExpiryQueue<number>();
    q.touch(1, 1, 0);
    expect(q.remove(1)).toBe(true);
    expect(q.remove(1)).toBe(false);
    expect(q.expired(100)).toEqual([]);
  });

  it('expired elements come out once, ordered by deadline and then by key', () => {
    const q = new ExpiryQueue<number>();
    q.touch(30, 2, 0);
    q.touch(10, 2, 0);
    q.touch(20, 1, 0);
    q.touch(5, 5, 0);
    expect(q.expired(3)).toEqual([20, 10, 30]);
    expect(q.expired(3)).toEqual([]);
    expect(q.expired(1000)).toEqual([5]);
  });

  it('a sweep after a long pause returns every overdue bucket', () => {
    const q = new ExpiryQueue<number>();
    for (let k = 1; k <= 50; k++) q.touch(k, k, 0);
    expect(q.expired(1_000_000_000)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('a touch that lands before the last sweep is a bug, not input', () => {
    const q = new ExpiryQueue<number>();
    q.expired(10);
    expect(() => q.touch(1, 1, 5)).toThrow(AssertionError);
  });

  it('behaves like a plain map of deadlines under any sequence of touches, removals and sweeps', () => {
    type Step = { kind: 'touch'; key: number; ticks: number } | { kind: 'remove'; key: number } | { kind: 'advance'; by: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('touch' as const), key: fc.integer({ min: 1, max: 8 }), ticks: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant('remove' as const), key: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ kind: fc.constant('advance' as const), by: fc.integer({ min: 0, max: 12 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const q = new ExpiryQueue<number>();
        const model = new Map<number, number>();
        let now = 0;
        for (const s of steps) {
          if (s.kind === 'touch') {
            q.touch(s.key, s.ticks, now);
            model.set(s.key, now + s.ticks + 1);
          } else if (s.kind === 'remove') {
            expect(q.remove(s.key)).toBe(model.delete(s.key));
          } else {
            now += s.by;
            const due = [...model].filter(([, d]) => d <= now).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
            for (const [k] of due) model.delete(k);
            expect(q.expired(now)).toEqual(due.map(([k]) => k));
          }
          expect(q.size).toBe(model.size);
        }
      }),
    );
  });
});
