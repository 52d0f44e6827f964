// Where a runtime peer's ticks come from. The real clock runs on the platform's timers (a tab may
// hand in one driven by a Worker's timer instead: hidden tabs throttle their own); the manual clock
// moves only when a test says so, which keeps runtime tests free of sleeps and wall-clock waits.

import { assert } from '../core/util/assert.ts';

export interface Clock {
  /** Calls `fn` every `ms` milliseconds until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
  /** Milliseconds since the Unix epoch (the txn time base when a peer starts). */
  now(): number;
}

/** The platform's timers (setInterval exists in browsers, workers, Node and Deno). */
export function realClock(): Clock {
  return {
    every: (ms, fn) => {
      const handle = setInterval(fn, ms);
      return () => clearInterval(handle);
    },
    now: () => Date.now(),
  };
}

interface Timer {
  readonly ms: number;
  readonly fn: () => void;
  next: number;
}

/** A clock that advances only through advance(): timers fire in due order, synchronously. */
export class ManualClock implements Clock {
  private timeMs: number;
  private readonly timers = new Set<Timer>();

  constructor(startMs = 0) {
    this.timeMs = startMs;
  }

  every(ms: number, fn: () => void): () => void {
    assert(Number.isInteger(ms) && ms > 0, `a timer period must be a positive integer: ${ms}`);
    const timer: Timer = { ms, fn, next: this.timeMs + ms };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  now(): number {
    return this.timeMs;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    assert(ms >= 0, 'time never runs backwards');
    const end = this.timeMs + ms;
    for (;;) {
      let due: Timer | undefined;
      for (const t of this.timers) if (t.next <= end && (due === undefined || t.next < due.next)) due = t;
      if (due === undefined) break;
      this.timeMs = due.next;
      due.next += due.ms;
      due.fn();
    }
    this.timeMs = end;
  }
}
