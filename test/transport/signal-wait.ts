// Waits on signaling events, not on the clock: `cond` is re-checked whenever any of the given
// signalings reports a signal, a presence change or a status; the timer only bounds a failure.

import type { Signaling } from '../../src/transport/signaling/signaling.ts';

export function whenSignaling(sigs: readonly Signaling[], cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const done = (): void => {
      clearTimeout(timer);
      for (const off of offs) off();
    };
    // Handlers run before the code that records the event may have run: check after a microtask.
    const check = (): void =>
      queueMicrotask(() => {
        if (!cond()) return;
        done();
        resolve();
      });
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    for (const s of sigs) offs.push(s.onSignal(check), s.onPresence(check), s.onStatus(check));
    check();
  });
}
