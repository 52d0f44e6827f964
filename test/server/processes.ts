// Test helpers for real `meshkeeper` processes: spawn a peer (node + tsx loader, so the PID is the
// peer), read its admin URL from its first log line, poll its admin endpoint, and wait with a bound.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { peerProcessArgs } from '../../src/server/ensemble.ts';

export const CLI = fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/meshkeeper.mjs', import.meta.url));

export interface PeerProcess {
  readonly id: number;
  readonly child: ChildProcess;
  readonly adminUrl: string;
  readonly log: string[];
}

export interface SrvrView {
  readonly id: number;
  readonly role: string;
  readonly leader: number | null;
  readonly serving: boolean;
  readonly epoch: number;
  readonly last_zxid: string;
  readonly peers: readonly { id: number; state: string; generation: number; rtt_ms: number | null }[];
  readonly sessions: number | null;
  readonly znode_count: number | null;
}

/** Spawns `meshkeeper peer` with an admin port picked by the OS and resolves once it prints it. */
export function spawnPeer(args: readonly string[], id: number, secret: string, ms = 20_000): Promise<PeerProcess> {
  const child = spawn(process.execPath, peerProcessArgs(CLI, ['peer', '--id', String(id), '--admin-port', '0', ...args]), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MESHKEEPER_SECRET: secret },
  });
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer ${id} printed no admin URL in ${ms} ms: ${log.join('')}`)), ms);
    child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      log.push(d.toString());
      const url = /admin (http:\/\/\S+)\/commands\/srvr/.exec(log.join(''))?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ id, child, adminUrl: url, log });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`peer ${id} exited (${code}) before it was up: ${log.join('')}`));
    });
  });
}

export async function admin(url: string, command: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/commands/${command}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** srvr of each URL; undefined for a peer that does not answer. */
export async function srvrAll(urls: readonly string[]): Promise<(SrvrView | undefined)[]> {
  return Promise.all(
    urls.map(async (url) => {
      try {
        return (await admin(url, 'srvr')).body as unknown as SrvrView;
      } catch {
        return undefined;
      }
    }),
  );
}

/** Re-polls `probe` every `everyMs` until it returns a value, or rejects after `ms` with the last view. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, what: string, ms = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    const got = await probe().catch((e: unknown) => ((last = e), undefined));
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Runs the CLI to completion (for usage errors) and resolves with its code and output. */
export function runCli(args: readonly string[], ms = 20_000): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`meshkeeper ${args.join(' ')} did not exit in ${ms} ms`));
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
