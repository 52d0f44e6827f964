import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { asPeerId } from '../../src/core/util/ids.ts';
import { parseCli } from '../../src/server/cli.ts';
import { startWebServer, type WebServer } from '../../src/server/web-server.ts';
import { WebSocketSignaling, type WebSocketLike } from '../../src/transport/signaling/websocket-signaling.ts';
import { deriveEnsembleKeys } from '../../src/transport/webrtc/keys.ts';
import { whenSignaling } from '../transport/signal-wait.ts';

describe('the web UI and signaling on one port', () => {
  let dist: string;
  let web: WebServer;

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'meshkeeper-web-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>page</title>');
    await writeFile(join(dist, 'assets', 'app-1.js'), 'export {};');
    web = await startWebServer({ port: 0, distDir: dist, build: false });
  });

  afterAll(async () => {
    await web.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('serves the page and its assets, and nothing outside the build', async () => {
    const page = await fetch(web.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<title>page</title>');
    const asset = await fetch(`${web.url}assets/app-1.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${web.url}missing.js`)).status).toBe(404);
    expect((await fetch(`${web.url}..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await fetch(web.url, { method: 'POST' })).status).toBe(405);
  });

  it('a peer joins the signaling server at /signal on the same port', async () => {
    expect(web.signal.url).toBe(`ws://127.0.0.1:${web.port}/signal`);
    const keys = await deriveEnsembleKeys('s', 'web');
    const signaling = new WebSocketSignaling({
      url: web.signal.url,
      ensemble: 'web',
      self: asPeerId(4),
      key: keys.signal,
      connect: (url) => new WebSocket(url) as unknown as WebSocketLike,
    });
    await whenSignaling([signaling], () => signaling.status().state === 'joined', 'joined');
    expect(web.signal.rooms().get('web')).toEqual([4]);
    await signaling.close();
  });

  it('`ensemble` runs 3 Node voters and 2 tab voters by default; `peer --node-peers` names the Node ids', () => {
    expect(parseCli(['ensemble'])).toMatchObject({ peers: 3, tabs: 2 });
    expect(parseCli(['ensemble', '--tabs', '0'])).toMatchObject({ tabs: 0 });
    const base = ['peer', '--ensemble', 'e', '--id', '1', '--peers', '1,2,3', '--data-dir', 'd', '--signal', 'ws://x/s', '--secret', 's'];
    expect(parseCli(base)).not.toHaveProperty('nodePeers');
    expect(parseCli([...base, '--node-peers', '1,2'])).toMatchObject({ nodePeers: [1, 2] });
    expect(() => parseCli([...base, '--node-peers', '2,3'])).toThrow(/must include this peer/);
    expect(() => parseCli([...base, '--node-peers', '1,4'])).toThrow(/among --peers/);
  });
});
