// One-shot timers and deadlines on the injected Clock (the runtime's Clock only has `every`), so a
// client under test runs on the ensemble's ManualClock and never on the wall clock.

import type { Clock } from '../runtime/clock.ts';

/** Calls `fn` once after `ms` (at least 1 ms); returns the cancel. */
export function after(clock: Clock, ms: number, fn: () => void): () => void {
  let done = false;
  const stop = clock.every(Math.max(1, Math.ceil(ms)), () => {
    if (done) return;
    done = true;
    stop();
    fn();
  });
  return () => {
    done = true;
    stop();
  };
}

/** Resolves after `ms` on `clock`. */
export const sleep = (clock: Clock, ms: number): Promise<void> => new Promise((resolve) => after(clock, ms, resolve));
