// The web UI and the signaling server on one HTTP port (what `meshkeeper ensemble` serves on 5180):
// GET serves the built page (web/dist), and WebSocket upgrades at /signal go to the signaling server
// (signal-server.ts attached to this server). The page is built with Vite's API before serving when
// web/dist is missing or older than any source it is built from (about a second: a fresh clone and
// an edited source both just work); without Vite installed an existing build is served as it is.
// Static files only, from inside the dist directory; anything else is 404.

import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIGNAL_PATH } from '../transport/signaling/wire.ts';
import { startSignalServer, type SignalServer } from './signal-server.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST = join(REPO_ROOT, 'web', 'dist');

export interface WebServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** Default web/dist. */
  readonly distDir?: string;
  /** Build web/dist first when it is missing or stale (default true). */
  readonly build?: boolean;
}

export interface WebServer {
  readonly port: number;
  /** http://host:port/ */
  readonly url: string;
  readonly signal: SignalServer;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const dist = options.distDir ?? WEB_DIST;
  if (options.build ?? true) await buildWebIfStale(dist);
  const http = createServer((req, res) => void serveStatic(dist, req, res));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const signal = await startSignalServer({ port: 0, host, path: SIGNAL_PATH, server: http });
  const port = (http.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${host}:${port}/`,
    signal,
    close: () =>
      (closing ??= (async () => {
        await signal.close();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })()),
  };
}

/** Builds the page with Vite when `dist` is missing or older than its sources; returns whether it built. */
export async function buildWebIfStale(dist: string = WEB_DIST): Promise<boolean> {
  const built = await mtime(join(dist, 'index.html'));
  const sources = [join(REPO_ROOT, 'web'), join(REPO_ROOT, 'src'), join(REPO_ROOT, 'vite.config.ts')];
  const newest = Math.max(...(await Promise.all(sources.map((s) => newestMtime(s, [dist, join(REPO_ROOT, 'src', 'server')])))));
  if (built !== undefined && built >= newest) return false;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    if (built !== undefined) return false; // no Vite (a production install): serve the build there is
    throw new Error(`the web UI is not built (${dist}) and Vite is not installed to build it`);
  }
  await vite.build({ configFile: join(REPO_ROOT, 'vite.config.ts'), build: { outDir: dist }, logLevel: 'warn' });
  return true;
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest modification time of a file under `path` (0 when there is none), skipping `skip`. */
async function newestMtime(path: string, skip: readonly string[]): Promise<number> {
  if (skip.includes(path)) return 0;
  const s = await stat(path).catch(() => undefined);
  if (s === undefined) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((e) => newestMtime(join(path, e), skip)));
  return Math.max(0, ...times);
}

async function serveStatic(dist: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'method not allowed');
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return answer(res, 400, 'bad request');
  }
  if (pathname === SIGNAL_PATH) return answer(res, 426, 'the signaling server speaks WebSocket');
  const relative = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
  const root = normalize(dist);
  const file = normalize(join(root, relative));
  if (!file.startsWith(root + sep)) return answer(res, 404, 'not found');
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) return answer(res, 404, 'not found');
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': s.size,
    // Hashed asset names never change content; the page itself must be re-fetched after a rebuild.
    'cache-control': relative.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
