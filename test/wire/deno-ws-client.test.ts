// The WebSocket opener on a platform WebSocket (Deno's, the WHATWG one a browser has), not `ws`.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asPeerId } from '../../src/core/util/ids.ts';
import { DENO } from '../server/processes.ts';
import { LiveEnsemble } from './live-ensemble.ts';

const SCRIPT = fileURLToPath(new URL('./scripts/deno-ws-client.ts', import.meta.url));

describe('the Client over the platform WebSocket', () => {
  const e = new LiveEnsemble({ voters: 1, websocket: true });
  beforeAll(async () => {
    await e.startAll();
    await e.ready();
  }, 30_000);
  afterAll(() => e.stopAll());

  it('connects from Deno through webSocketOpener(), writes, reads and gets its watch event', async () => {
    const url = e.member(asPeerId(1)).ws!.url;
    const child = spawn(DENO, ['run', '-A', SCRIPT, url], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ data: 'hi', events: ['3 /deno'] });
  }, 90_000);
});
