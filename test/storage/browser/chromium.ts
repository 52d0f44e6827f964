// How every browser test and benchmark of meshkeeper launches Chromium (Node side only).
// Playwright cannot download its own browsers on every machine, so Debian's /usr/bin/chromium is
// preferred when present; elsewhere (a laptop after `npx playwright install chromium`) Playwright's own
// build is used. The flags keep a headless Chromium quiet on a machine with a closed network.

import { existsSync } from 'node:fs';

export const systemChromiumPath = '/usr/bin/chromium';

export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Options for `chromium.launch` / `launchPersistentContext`: system Chromium when it exists. */
export function chromiumLaunchOptions(): { headless: true; args: string[]; executablePath?: string } {
  const override = process.env['MESHKEEPER_CHROMIUM'];
  const path = override ?? (existsSync(systemChromiumPath) ? systemChromiumPath : undefined);
  return path === undefined
    ? { headless: true, args: [...chromiumArgs] }
    : { headless: true, args: [...chromiumArgs], executablePath: path };
}
