// kazoo's session across a server loss (SetWatches on reconnect), and an error code it does not know.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.ts';
import { nodeWebSocketOpener } from '../../src/client/ws-opener-node.ts';
import { Code, isKeeperError } from '../../src/core/errors.ts';
import { asPeerId } from '../../src/core/util/ids.ts';
import { createPrng } from '../../src/core/util/prng.ts';
import type { TreeMachine } from '../../src/core/zab/tree-machine.ts';
import { realClock } from '../../src/runtime/clock.ts';
import { runPython } from './python.ts';
import { LiveEnsemble, waitFor } from './live-ensemble.ts';

const script = (name: string): string => fileURLToPath(new URL(`./scripts/${name}`, import.meta.url));

describe('kazoo sessions against meshkeeper', () => {
  let e: LiveEnsemble | undefined;
  afterEach(async () => {
    await e?.stopAll();
    e = undefined;
  });

  it('kazoo keeps its session and ephemeral when its server stops: it reconnects to another peer', async () => {
    const ensemble = (e = new LiveEnsemble({ voters: 3 }));
    await ensemble.startAll();
    await ensemble.ready();
    const child = spawn('/usr/bin/python3', [script('kazoo-failover.py'), ensemble.connectString()], { stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await waitFor('kazoo to report its session', () => stdout.includes('\n') || child.exitCode !== null, 30_000);
      const { session } = JSON.parse(stdout.split('\n')[0]!) as { session: number };
      const carrier = [...ensemble.members.values()].find((m) => m.gateway.connections().some((c) => c.session === session));
      expect(carrier).toBeDefined();
      await ensemble.stop(carrier!.id);
      child.stdin.end('stopped\n');
      expect(await exited, stderr).toBe(0);
      const out = JSON.parse(stdout.split('\n')[1]!) as Record<string, unknown>;
      expect(out['same_session']).toBe(true);
      expect(out['states']).toEqual(expect.arrayContaining(['SUSPENDED', 'CONNECTED']));
      expect(out['states']).toEqual(['CONNECTED', 'SUSPENDED', 'CONNECTED']);
      expect(out['ephemeral']).toBe(true);
      expect(out['reads_after']).toBe('0');
    } finally {
      clearTimeout(timer);
      child.kill('SIGKILL');
    }
  }, 90_000);

  it('a code kazoo 2.8 cannot name (QUOTAEXCEEDED at the watch limit) reaches it as UNIMPLEMENTED, and meshkeeper clients get it exactly', async () => {
    const ensemble = (e = new LiveEnsemble({ voters: 1, websocket: true }));
    await ensemble.startAll();
    await ensemble.ready();
    const member = ensemble.member(asPeerId(1));
    const limit = 3;
    // The registry's bound is limits.watches_per_session_max (100,000); lowered here to reach it quickly.
    const registry = (member.peer.zab.machine as TreeMachine).watches as unknown as { watchesPerSessionMax: number };
    registry.watchesPerSessionMax = limit;

    const out = JSON.parse(await runPython(script('kazoo-limits.py'), [ensemble.connectString(), String(limit)])) as Record<string, unknown>;
    expect(out).toEqual({ refused_at: limit, error: 'UnimplementedError', still_works: true });

    const client = await Client.connect({
      endpoints: [member.ws!.url], open: nodeWebSocketOpener(), clock: realClock(), prng: createPrng(3), sessionTimeoutMs: 4000,
    });
    try {
      for (let i = 0; i < limit; i++) await client.getData(`/lim/n${i}`, { watch: () => undefined });
      await expect(client.getData(`/lim/n${limit}`, { watch: () => undefined })).rejects.toSatisfy((err: unknown) => isKeeperError(err, Code.QUOTAEXCEEDED));
    } finally {
      await client.close();
    }
    await waitFor('no connection left open', () => member.gateway.connections().length === 0);
  }, 60_000);
});
