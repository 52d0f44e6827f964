// "A tab is closed mid-write and reopened", in real headless Chromium with a persistent profile:
// a page persists batches to IndexedDB in a loop and reports each acknowledged one; the test stops
// it mid-write (closing the tab, closing the browser, or SIGKILLing the browser process), reopens
// the same profile, and checks that every acknowledged batch is there, whole, and that nothing
// half-written is. Bounded: a few dozen batches per case.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTxn } from '../../src/codec/txn-codec.ts';
import { crc32 } from '../../src/core/util/crc32.ts';
import { makeZxid } from '../../src/core/zxid.ts';
import type { BrowserContext } from 'playwright';
import { bundleEntry, killBrowser, openAppPage, openHostedPage, type HostedPage } from './browser/page-host.ts';
import type { Recovered } from './browser/tab-close-page.ts';
import { sampleTxn } from './txn-arbitrary.ts';

const BATCH = 64;
const DATA_BYTES = 200;
/** The writer would go on this long; every case stops it far earlier. */
const BATCHES_MAX = 5000;

/** Stops the writer; resolves to a context to reopen the app in, or undefined to relaunch the profile. */
type Stop = (hosted: HostedPage, profile: string) => Promise<BrowserContext | undefined>;

const stops: { how: string; ackedBeforeStop: number; stop: Stop }[] = [
  {
    how: 'the tab is closed (and reopened in the same browser)',
    ackedBeforeStop: 12,
    stop: async ({ context, page }) => {
      await page.close();
      return context;
    },
  },
  {
    how: 'the browser is closed',
    ackedBeforeStop: 20,
    stop: async ({ context }) => {
      await context.close();
      return undefined;
    },
  },
  {
    how: 'the browser process is killed',
    ackedBeforeStop: 28,
    stop: async ({ context }, profile) => {
      killBrowser(profile);
      await context.close().catch(() => undefined);
      return undefined;
    },
  },
];

describe('IndexedDB in Chromium when a tab stops mid-write', () => {
  let script = '';
  const profiles: string[] = [];

  beforeAll(async () => {
    script = await bundleEntry(join(import.meta.dirname, 'browser/tab-close-page.ts'));
  });

  afterAll(async () => {
    for (const dir of profiles) await rm(dir, { recursive: true, force: true });
  });

  for (const { how, ackedBeforeStop, stop } of stops) {
    it(`when ${how} mid-write, every acknowledged batch is recovered whole and no batch is half there`, async () => {
      const profile = await mkdtemp(join(tmpdir(), 'meshkeeper-idb-'));
      profiles.push(profile);
      const dbName = 'peer-1';
      const acked: number[] = [];
      let enough: () => void = () => undefined;
      const reached = new Promise<void>((resolve) => (enough = resolve));

      const writer = await openHostedPage(profile, script, {
        meshkeeperAck: (batch: number) => {
          acked.push(batch);
          if (acked.length >= ackedBeforeStop) enough();
        },
      });
      const loop = writer.page
        .evaluate(([db, n, size, bytes]) => (globalThis as unknown as WriterPage).writeBatches(db, n, size, bytes), [
          dbName, BATCHES_MAX, BATCH, DATA_BYTES,
        ] as const)
        .then(() => 'finished', () => 'stopped');
      // A writer that dies before enough acks fails here, not by a timeout.
      await Promise.race([
        reached,
        loop.then((end) => Promise.reject(new Error(`writer ${end} after ${acked.length} acks`))),
      ]);
      const sameBrowser = await stop(writer, profile);
      expect(await loop).toBe('stopped');

      const reader = sameBrowser === undefined
        ? await openHostedPage(profile, script)
        : { context: sameBrowser, page: await openAppPage(sameBrowser) };
      const found = await reader.page.evaluate((db) => (globalThis as unknown as WriterPage).recoverState(db), dbName);
      await reader.context.close();

      const lastAcked = Math.max(...acked);
      expect(acked).toEqual(Array.from({ length: acked.length }, (_, i) => i + 1));
      // Whole batches only: the epoch written in the same transaction says how many batches landed.
      expect(found.currentEpoch).toBeGreaterThanOrEqual(lastAcked);
      expect(found.currentEpoch).toBeLessThan(BATCHES_MAX);
      expect(found.zxids.length).toBe(found.currentEpoch * BATCH);
      const expected = Array.from({ length: found.zxids.length }, (_, i) => sampleTxn(makeZxid(1, i + 1), DATA_BYTES));
      expect(found.zxids).toEqual(expected.map((t) => t.header.zxid));
      expect(found.crcs).toEqual(expected.map((t) => crc32(encodeTxn(t))));
    });
  }
});

interface WriterPage {
  writeBatches(db: string, batches: number, size: number, dataBytes: number): Promise<void>;
  recoverState(db: string): Promise<Recovered>;
}
