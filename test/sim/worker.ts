// A worker thread for `npm run sim -- --seeds N`: runs one seed per message, answers its summary.

import { parentPort } from 'node:worker_threads';
import { runSimulation, type RunOptions } from './run.ts';

parentPort?.on('message', (options: RunOptions) => {
  parentPort?.postMessage(runSimulation(options));
});
