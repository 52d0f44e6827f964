// The simulator's command line.
//   npm run sim -- --seed 7 --peers 5 --ticks 20000 --faults all     one run, one JSON line
//   npm run sim -- --seeds 1000 [--from 1] [--workers 2] ...          many runs in worker threads;
//                                                                    each failure as a replay command
// Options: --peers N (voters), --observers N, --ticks N, --faults all|none|crash,torn,partition,oneway,break,
// --snap-count N, --zxid-counter-max N, --machine tree|register, --check-history on|off
// (linearizability of the client history; on by default up to 20,000 ticks), --progress N (with
// --seeds: a progress line every N seeds, so a soak stopped early still tells what ran).
// A seed replays bit for bit.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { allFaults, type FaultKind } from './faults.ts';
import { replayCommandFor } from './replay.ts';
import { runSimulation, type RunOptions, type RunSummary } from './run.ts';

interface CliOptions extends RunOptions {
  readonly seeds: number | undefined;
  readonly from: number;
  readonly workers: number;
  readonly progress: number;
}

function parse(argv: readonly string[]): CliOptions {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a?.startsWith('--') === true) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) args.set(a.slice(2), 'true');
      else args.set(a.slice(2), next), i++;
    }
  }
  const num = (name: string, fallback: number): number => {
    const v = args.get(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
    return n;
  };
  const faultArg = args.get('faults') ?? 'all';
  const faults: FaultKind[] =
    faultArg === 'all' ? [...allFaults] : faultArg === 'none' ? [] : (faultArg.split(',') as FaultKind[]);
  for (const f of faults) if (!allFaults.includes(f)) throw new Error(`unknown fault ${f}`);
  const snap = args.get('snap-count');
  const counter = args.get('zxid-counter-max');
  return {
    seed: num('seed', 1),
    peers: num('peers', 5),
    observers: num('observers', 0),
    ticks: num('ticks', 20_000),
    faults,
    ...(snap === undefined ? {} : { snapCount: num('snap-count', 200) }),
    ...(counter === undefined ? {} : { zxidCounterMax: num('zxid-counter-max', 0) }),
    machine: args.get('machine') === 'register' ? 'register' : 'tree',
    ...(args.has('check-history') ? { checkHistory: args.get('check-history') !== 'off' } : {}),
    seeds: args.has('seeds') ? num('seeds', 1) : undefined,
    from: num('from', 1),
    workers: num('workers', Math.max(1, Math.min(availableParallelism(), 4))),
    progress: num('progress', 0),
  };
}

const workerBootstrap = `
import { tsImport } from 'tsx/esm/api';
await tsImport(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}, ${JSON.stringify(import.meta.url)});
`;

async function runMany(options: CliOptions, count: number): Promise<number> {
  const seeds = Array.from({ length: count }, (_, i) => options.from + i);
  let failures = 0;
  let unknown = 0;
  let done = 0;
  const started = Date.now();
  const worker = async (): Promise<void> => {
    // Workers do not inherit tsx's loader: a small ESM bootstrap imports the TypeScript worker.
    const w = new Worker(workerBootstrap, { eval: true });
    try {
      for (let seed = seeds.shift(); seed !== undefined; seed = seeds.shift()) {
        const run: RunOptions = { ...options, seed };
        const summary = await new Promise<Pick<RunSummary, 'ok' | 'violations'> & Partial<RunSummary>>((resolve, reject) => {
          const onError = (e: Error): void => reject(e);
          w.once('error', onError);
          w.once('message', (s: Pick<RunSummary, 'ok' | 'violations'> & Partial<RunSummary>) => {
            w.off('error', onError);
            resolve(s);
          });
          w.postMessage(run);
        });
        done++;
        if (!summary.ok) {
          failures++;
          console.log(`FAIL ${replayCommandFor(run)}  # ${summary.violations[0] ?? ''}`);
        } else if (summary.linearizable === 'unknown') {
          // Not a violation, and not a proof either: the history search ran out of budget.
          unknown++;
          console.log(`UNKNOWN ${replayCommandFor(run)}  # ${(summary.historyNote ?? '').slice(0, 200)}`);
        }
        if (options.progress > 0 && done % options.progress === 0) {
          console.log(JSON.stringify({ progress: done, failures, unknown, lastSeed: seed, ms: Date.now() - started }));
        }
      }
    } finally {
      await w.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.workers, count) }, worker));
  console.log(JSON.stringify({ seeds: done, failures, unknown, ms: Date.now() - started }));
  return failures;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  if (options.seeds === undefined) {
    const started = Date.now();
    const summary = runSimulation(options);
    console.log(JSON.stringify({ ...summary, ms: Date.now() - started }));
    process.exitCode = summary.ok ? 0 : 1;
    return;
  }
  process.exitCode = (await runMany(options, options.seeds)) === 0 ? 0 : 1;
}

await main();
