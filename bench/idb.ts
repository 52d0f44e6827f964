// IndexedDB storage benchmark in headless Chromium with a persistent (on-disk) profile, so strict
// durability really reaches the disk. Prints one JSON line per figure:
//   idb_strict_p50_ms / idb_strict_p99_ms   one small strict persist (append one txn), adapter included
//   idb_raw_strict_p50_ms / idb_raw_relaxed_p50_ms   a bare one-put transaction, for comparison
//   idb_batch_writes_per_s                  txns per second in strict group commits of 128
//   idb_raw_batch_writes_per_s              the same with bare puts of records of that size
// Run with `npm run bench:idb` (under a minute). Timings are the page's performance.now().

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleEntry, openHostedPage } from '../test/storage/browser/page-host.ts';
import type { PageFigures } from './idb-page.ts';

const STRICT_TRANSACTIONS = 1000;
const BATCHES = 400;
/** Bare puts cost about 0.2 ms each: fewer batches keep the run short. */
const RAW_BATCHES = 40;

function figure(name: string, value: number, unit: string): void {
  console.log(JSON.stringify({ bench: 'storage', figure: name, value: Math.round(value * 100) / 100, unit }));
}

function percentile(sorted: readonly number[], p: number): number {
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at] ?? Number.NaN;
}

const sortedOf = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

async function main(): Promise<void> {
  const script = await bundleEntry(join(import.meta.dirname, 'idb-page.ts'));
  const profile = await mkdtemp(join(tmpdir(), 'meshkeeper-bench-idb-'));
  try {
    const { context, page } = await openHostedPage(profile, script);
    const f = await page.evaluate(
      ([n, b, r]) => (globalThis as unknown as { runBench(n: number, b: number, r: number): Promise<PageFigures> }).runBench(n, b, r),
      [STRICT_TRANSACTIONS, BATCHES, RAW_BATCHES] as const,
    );
    await context.close();
    const strict = sortedOf(f.strictMs);
    figure('idb_strict_p50_ms', percentile(strict, 50), 'ms');
    figure('idb_strict_p99_ms', percentile(strict, 99), 'ms');
    figure('idb_raw_strict_p50_ms', percentile(sortedOf(f.rawStrictMs), 50), 'ms');
    figure('idb_raw_relaxed_p50_ms', percentile(sortedOf(f.rawRelaxedMs), 50), 'ms');
    figure('idb_batch_writes_per_s', (f.batchTxns / f.batchMs) * 1000, 'txns/s');
    figure('idb_raw_batch_writes_per_s', (f.rawBatchTxns / f.rawBatchMs) * 1000, 'records/s');
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

await main();
