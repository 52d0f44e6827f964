// Playwright e2e (e2e/*.spec.ts): browser tabs and Node peer processes in one ensemble. Each spec
// launches its own Chromium (test/storage/browser/chromium.ts: Debian's /usr/bin/chromium when present,
// else Playwright's own build), its own web + signaling server on a free port and its own peers, so
// the suite needs nothing running beforehand. One worker: the machine has two cores.

import { defineConfig } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  timeout: 180_000,
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  // Traces and failure artifacts stay out of the working tree.
  outputDir: join(tmpdir(), 'meshkeeper-playwright'),
});
