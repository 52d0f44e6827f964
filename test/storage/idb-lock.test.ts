// One tab owns a peer's IndexedDB store, in real headless Chromium: two tabs of one browser (one
// origin) try to open the same store. The second fails fast with a StorageLockedError naming the
// store, and succeeds once the owner closes it or its tab goes away. Bounded: a few opens per case.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenResult } from './browser/lock-page.ts';
import { bundleEntry, openAppPage, openHostedPage, type HostedPage } from './browser/page-host.ts';

/** A tab peer's database, named as src/browser/tab-peer.ts names it: ensemble and peer id. */
const tabDbName = (ensemble: string, id: number): string => `meshkeeper/${ensemble}/peer-${id}`;

interface LockPage {
  openStore(dbName: string): Promise<OpenResult>;
  closeStore(dbName: string): Promise<void>;
}

const openIn = (page: Page, db: string): Promise<OpenResult> =>
  page.evaluate((name) => (globalThis as unknown as LockPage).openStore(name), db);
const closeIn = (page: Page, db: string): Promise<void> =>
  page.evaluate((name) => (globalThis as unknown as LockPage).closeStore(name), db);

/** Opens in `page` until it succeeds: the lock's release reaches other tabs asynchronously. */
async function openEventually(page: Page, db: string, attempts = 50): Promise<OpenResult> {
  let last: OpenResult = { opened: false, name: 'none', message: 'never tried', ms: 0 };
  for (let i = 0; i < attempts && !last.opened; i++) {
    last = await openIn(page, db);
    if (!last.opened && last.name !== 'StorageLockedError') break;
  }
  return last;
}

describe('IndexedDB in Chromium: one tab owns a peer\'s store', () => {
  let hosted: HostedPage;
  let profile = '';

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'meshkeeper-idb-lock-'));
    hosted = await openHostedPage(profile, await bundleEntry(join(import.meta.dirname, 'browser/lock-page.ts')));
  });

  afterAll(async () => {
    await hosted?.context.close();
    await rm(profile, { recursive: true, force: true });
  });

  it('a second tab opening the same peer\'s store fails fast with a StorageLockedError naming the store', async () => {
    const db = tabDbName('lock-a', 3);
    const other = await openAppPage(hosted.context);
    try {
      expect(await openIn(hosted.page, db)).toEqual({ opened: true });
      const refused = await openIn(other, db);
      expect(refused.opened).toBe(false);
      if (refused.opened) return;
      expect(refused.name).toBe('StorageLockedError');
      expect(refused.message).toContain(`idb:${db}`);
      expect(refused.message).toContain('another tab');
      // Fast: refused at once, not after waiting for the owner.
      expect(refused.ms).toBeLessThan(5000);
      // Another peer's store is not affected.
      expect(await openIn(other, tabDbName('lock-a', 4))).toEqual({ opened: true });
    } finally {
      await closeIn(hosted.page, db);
      await other.close();
    }
  });

  it('the second tab opens the store once the owner closes it, and the owner is then refused', async () => {
    const db = tabDbName('lock-b', 1);
    const other = await openAppPage(hosted.context);
    try {
      expect(await openIn(hosted.page, db)).toEqual({ opened: true });
      expect((await openIn(other, db)).opened).toBe(false);
      await closeIn(hosted.page, db);
      expect(await openIn(other, db)).toEqual({ opened: true });
      const refused = await openIn(hosted.page, db);
      expect(refused.opened === false && refused.name).toBe('StorageLockedError');
    } finally {
      await closeIn(other, db);
      await other.close();
    }
  });

  it('the second tab opens the store once the owner\'s tab is closed without closing the store', async () => {
    const db = tabDbName('lock-c', 2);
    const owner = await openAppPage(hosted.context);
    expect(await openIn(owner, db)).toEqual({ opened: true });
    expect((await openIn(hosted.page, db)).opened).toBe(false);
    await owner.close();
    expect(await openEventually(hosted.page, db)).toEqual({ opened: true });
    await closeIn(hosted.page, db);
  });
});
