// A Clock whose timers run in a dedicated Worker. A hidden tab throttles its own timers to once a
// second (and to once a minute after five minutes), which would stretch a 200 ms tick fivefold and
// let the ensemble think the peer dead; a dedicated Worker's setInterval keeps its period (about
// 10 ms of jitter measured), and its messages reach the page unthrottled. The Worker is built from a
// Blob URL (a dozen lines of plain JS), so no bundler has to know about it. `throttled()` tells the
// UI how late the main thread's own timer runs (what the tab would get without the Worker).

import type { Clock } from '../runtime/clock.ts';

const WORKER_SOURCE = `
const timers = new Map();
onmessage = (e) => {
  const m = e.data;
  if (m.op === 'start') timers.set(m.id, setInterval(() => postMessage(m.id), m.ms));
  else if (m.op === 'stop') { clearInterval(timers.get(m.id)); timers.delete(m.id); }
};`;

export interface WorkerClock extends Clock {
  /** Ends every timer and the Worker. */
  close(): void;
}

export function workerClock(): WorkerClock {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  const handlers = new Map<number, () => void>();
  let nextId = 1;
  worker.onmessage = (event: MessageEvent<number>) => handlers.get(event.data)?.();
  return {
    every(ms, fn) {
      const id = nextId++;
      handlers.set(id, fn);
      worker.postMessage({ op: 'start', id, ms });
      return () => {
        if (!handlers.delete(id)) return;
        worker.postMessage({ op: 'stop', id });
      };
    },
    now: () => Date.now(),
    close() {
      handlers.clear();
      worker.terminate();
    },
  };
}

/**
 * How late the page's own timers run (what the tab would get without the Worker): calls
 * `report(lateMs)` with how much longer than `ms` the last main-thread interval took, about 0 in a
 * visible tab and ~1 s in a hidden one. A Worker-clock check reports a main-thread timer that has
 * stopped firing altogether.
 */
export function watchThrottling(clock: Clock, ms: number, report: (lateMs: number) => void): () => void {
  let last = performance.now();
  const handle = setInterval(() => {
    const now = performance.now();
    report(Math.max(0, now - last - ms));
    last = now;
  }, ms);
  const stopCheck = clock.every(ms * 4, () => {
    const late = performance.now() - last - ms;
    if (late > ms * 2) report(late);
  });
  return () => {
    clearInterval(handle);
    stopCheck();
  };
}
