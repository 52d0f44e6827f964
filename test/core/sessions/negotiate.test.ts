import { describe, expect, it } from 'vitest';
import { Code, isKeeperError } from '../../../src/core/errors.ts';
import { negotiateTimeout, sessionTimeoutBounds, ticksFor } from '../../../src/core/sessions/negotiate.ts';

const defaults = sessionTimeoutBounds({ tickMs: 2000 });

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (isKeeperError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('session timeout negotiation', () => {
  it('the default bounds are 2 and 20 ticks', () => {
    expect(defaults).toEqual({ tickMs: 2000, minMs: 4000, maxMs: 40000 });
  });

  it('a requested timeout below 2 ticks is raised to 2 ticks', () => {
    expect(negotiateTimeout(1000, defaults)).toEqual({ timeoutMs: 4000, timeoutTicks: 2 });
    expect(negotiateTimeout(0, defaults)).toEqual({ timeoutMs: 4000, timeoutTicks: 2 });
    expect(negotiateTimeout(-5, defaults)).toEqual({ timeoutMs: 4000, timeoutTicks: 2 });
  });

  it('a requested timeout above 20 ticks is lowered to 20 ticks', () => {
    expect(negotiateTimeout(2 ** 31 - 1, defaults)).toEqual({ timeoutMs: 40000, timeoutTicks: 20 });
  });

  it('a timeout within the bounds is kept, and its ticks round up so the session never lives shorter', () => {
    expect(negotiateTimeout(5000, defaults)).toEqual({ timeoutMs: 5000, timeoutTicks: 3 });
    expect(negotiateTimeout(6000, defaults)).toEqual({ timeoutMs: 6000, timeoutTicks: 3 });
    expect(ticksFor(1, 2000)).toBe(1);
  });

  it('configured bounds replace the defaults, and -1 means the default as in ZooKeeper', () => {
    expect(sessionTimeoutBounds({ tickMs: 100, minSessionTimeout: 150, maxSessionTimeout: 10000 })).toEqual({
      tickMs: 100,
      minMs: 150,
      maxMs: 10000,
    });
    expect(sessionTimeoutBounds({ tickMs: 100, minSessionTimeout: -1, maxSessionTimeout: -1 })).toEqual({
      tickMs: 100,
      minMs: 200,
      maxMs: 2000,
    });
  });

  it('a minimum above the maximum is refused with BADARGUMENTS', () => {
    expect(codeOf(() => sessionTimeoutBounds({ tickMs: 2000, maxSessionTimeout: 3000 }))).toBe(Code.BADARGUMENTS);
  });

  it('a tick or bound that is not a positive 32-bit integer is refused with BADARGUMENTS', () => {
    expect(codeOf(() => sessionTimeoutBounds({ tickMs: 0 }))).toBe(Code.BADARGUMENTS);
    expect(codeOf(() => sessionTimeoutBounds({ tickMs: 1.5 }))).toBe(Code.BADARGUMENTS);
    expect(codeOf(() => sessionTimeoutBounds({ tickMs: 10, maxSessionTimeout: 2 ** 31 }))).toBe(Code.BADARGUMENTS);
  });

  it('a requested timeout that is not an integer is refused with BADARGUMENTS', () => {
    expect(codeOf(() => negotiateTimeout(Number.NaN, defaults))).toBe(Code.BADARGUMENTS);
    expect(codeOf(() => negotiateTimeout(4000.5, defaults))).toBe(Code.BADARGUMENTS);
  });
});
