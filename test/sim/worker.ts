// A worker thread for `npm run sim -- --seeds N`: runs one seed per message, answers its summary.
// A run that throws (an assertion in the core, a bug in the harness) is a failing seed, not the
// end of the whole batch.

import { parentPort } from 'node:worker_threads';
import { runSimulation, type RunOptions, type RunSummary } from './run.ts';

parentPort?.on('message', (options: RunOptions) => {
  let summary: Pick<RunSummary, 'seed' | 'ok' | 'violations'>;
  try {
    summary = runSimulation(options);
  } catch (e) {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    summary = { seed: options.seed, ok: false, violations: [`Exception: ${text.split('\n').slice(0, 4).join(' | ')}`] };
  }
  parentPort?.postMessage(summary);
});
