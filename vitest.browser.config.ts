// Vitest in real Chromium (browser mode, Playwright provider): the storage suites that need a real
// IndexedDB. `npm test` runs this after the Node suite. Files: test/storage/browser/**/*.spec.ts
// (not *.test.ts, so the Node config never picks them up).

import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from './test/storage/browser/chromium.ts';

export default defineConfig({
  test: {
    include: ['test/storage/browser/**/*.spec.ts'],
    testTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: chromiumLaunchOptions() }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
