// Node side: runs a browser entry module (bundled with esbuild) in headless Chromium with a
// PERSISTENT profile, so IndexedDB lives on disk and survives a closed tab, a closed browser or a
// killed browser process. The page is served on a routed origin (no server, no network): the same
// origin on every launch, hence the same databases.

import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright';
import { chromiumLaunchOptions } from './chromium.ts';

export const pageOrigin = 'http://meshkeeper.localhost';

/** Bundles a browser entry (TypeScript, ESM) into one script. */
export async function bundleEntry(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (file === undefined) throw new Error(`esbuild produced nothing for ${entry}`);
  return file.text;
}

export interface HostedPage {
  readonly context: BrowserContext;
  readonly page: Page;
}

/** Launches Chromium on `userDataDir`, loads `script` as the page's module, waits for it to be ready. */
export async function openHostedPage(
  userDataDir: string,
  script: string,
  bindings: Record<string, (...args: never[]) => unknown> = {},
): Promise<HostedPage> {
  const context = await chromium.launchPersistentContext(userDataDir, chromiumLaunchOptions());
  await context.route(`${pageOrigin}/**`, (route) => {
    const isScript = new URL(route.request().url()).pathname === '/app.js';
    return route.fulfill(
      isScript
        ? { status: 200, contentType: 'text/javascript', body: script }
        : { status: 200, contentType: 'text/html', body: '<!doctype html><script type="module" src="/app.js"></script>' },
    );
  });
  for (const [name, f] of Object.entries(bindings)) {
    await context.exposeBinding(name, (_source, ...args: unknown[]) => (f as (...a: unknown[]) => unknown)(...args));
  }
  const page = await openAppPage(context, context.pages()[0]);
  return { context, page };
}

/** Loads the app in `page` (a new tab of `context` when none is given). */
export async function openAppPage(context: BrowserContext, page?: Page): Promise<Page> {
  const tab = page ?? (await context.newPage());
  await tab.goto(`${pageOrigin}/`);
  await tab.waitForFunction(() => (globalThis as { meshkeeperReady?: boolean }).meshkeeperReady === true);
  return tab;
}

/**
 * Kills the browser process of a persistent profile with SIGKILL, as a crash or a power cut of the
 * browser would (not of the OS: what Chromium handed to the OS survives). Linux/macOS `ps`.
 */
export function killBrowser(userDataDir: string): number {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  const main = lines.find((l) => l.includes(`--user-data-dir=${userDataDir}`) && !l.includes('--type='));
  const pid = main === undefined ? undefined : Number.parseInt(main.trim(), 10);
  if (pid === undefined || !Number.isInteger(pid)) throw new Error(`no browser process for ${userDataDir}`);
  process.kill(pid, 'SIGKILL');
  return pid;
}
