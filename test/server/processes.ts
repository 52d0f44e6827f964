// Test helpers for real `meshkeeper` processes: spawn a peer (node + tsx loader, or deno, so the PID is
// the peer itself), read its admin URL from its first log line, poll its admin endpoint, and wait on a
// condition with a bound. ProcessEnsemble keeps one signaling server, one data root and the peer
// processes of a test together, and kills whatever is left in close().

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitOf, peerProcessArgs } from '../../src/server/ensemble.ts';
import { startSignalServer, type SignalServer } from '../../src/server/signal-server.ts';

export const CLI = fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/meshkeeper.mjs', import.meta.url));
/** The npm `deno` package's binary (a devDependency): the Deno peer runs through it, never skipped. */
export const DENO = fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type Runtime = 'node' | 'deno';

export interface PeerProcess {
  readonly id: number;
  readonly runtime: Runtime;
  readonly child: ChildProcess;
  readonly adminUrl: string;
  readonly log: string[];
}

/** The peer's ZooKeeper client address (host:port) once it printed `client zk://host:port`. */
export function clientAddress(p: PeerProcess): string | undefined {
  return /client zk:\/\/(\S+)/.exec(p.log.join(''))?.[1];
}

export interface SrvrView {
  readonly id: number;
  readonly role: string;
  readonly leader: number | null;
  readonly serving: boolean;
  readonly epoch: number;
  readonly last_zxid: string;
  readonly committed_zxid: string;
  readonly applied_zxid: string;
  readonly peers: readonly { id: number; state: string; generation: number; rtt_ms: number | null; reason?: string }[];
  readonly sessions: number | null;
  readonly znode_count: number | null;
}

/** The command (executable and arguments) that runs `meshkeeper <args>` under `runtime`. */
export function peerCommand(runtime: Runtime, args: readonly string[]): { file: string; args: string[] } {
  if (runtime === 'node') return { file: process.execPath, args: peerProcessArgs(CLI, args) };
  return { file: DENO, args: ['run', '-A', CLI, ...args] };
}

/** Spawns `meshkeeper peer` with admin and client ports picked by the OS; resolves once it prints its admin URL. */
export function spawnPeer(args: readonly string[], id: number, secret: string, ms = 30_000, runtime: Runtime = 'node'): Promise<PeerProcess> {
  const command = peerCommand(runtime, ['peer', '--id', String(id), '--admin-port', '0', '--client-port', '0', ...args]);
  const child = spawn(command.file, command.args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MESHKEEPER_SECRET: secret, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer ${id} (${runtime}) printed no admin URL in ${ms} ms: ${log.join('')}`)), ms);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`peer ${id} (${runtime}) did not start: ${error.message}`));
    });
    child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      log.push(d.toString());
      const url = /admin (http:\/\/\S+)\/commands\/srvr/.exec(log.join(''))?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ id, runtime, child, adminUrl: url, log });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`peer ${id} (${runtime}) exited (${signal ?? code}) before it was up: ${log.join('')}`));
    });
  });
}

export async function admin(url: string, command: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/commands/${command}`, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** `command` (srvr by default; mntr has the same fields) of each URL; undefined for a peer that does not answer. */
export async function srvrAll(urls: readonly string[], command = 'srvr'): Promise<(SrvrView | undefined)[]> {
  return Promise.all(
    urls.map(async (url) => {
      try {
        return (await admin(url, command)).body as unknown as SrvrView;
      } catch {
        return undefined;
      }
    }),
  );
}

/** Re-polls `probe` every `everyMs` until it returns a value, or rejects after `ms` with the last view. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, what: string, ms = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    const got = await probe().catch((e: unknown) => ((last = e instanceof Error ? e.message : e), undefined));
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * One LEADING and the rest FOLLOWING it, all serving in one epoch, every follower's last_zxid equal to
 * the leader's and everything logged applied (caught up, nothing in flight); undefined otherwise.
 */
export function settled(views: readonly (SrvrView | undefined)[]): { leader: SrvrView; epoch: number; views: SrvrView[] } | undefined {
  if (views.some((v) => v === undefined || !v.serving)) return undefined;
  const all = views as SrvrView[];
  const leaders = all.filter((v) => v.role === 'LEADING');
  const leader = leaders[0];
  if (leaders.length !== 1 || !leader) return undefined;
  // Quiescent and caught up: everything logged is applied, and everyone logged what the leader did.
  if (all.some((v) => v.applied_zxid !== v.last_zxid)) return undefined;
  const followers = all.filter(
    (v) => v.role === 'FOLLOWING' && v.leader === leader.id && v.epoch === leader.epoch && v.last_zxid === leader.last_zxid,
  );
  return followers.length === all.length - 1 ? { leader, epoch: leader.epoch, views: all } : undefined;
}

/** A zxid as the admin endpoint prints it ("0x100000003") -> bigint, for ordering. */
export const zxidOf = (s: string): bigint => BigInt(s);

export interface EnsembleOptions {
  readonly ensemble: string;
  readonly ids: readonly number[];
  readonly secret: string;
  readonly tickMs?: number;
  /** More `meshkeeper peer` flags for every peer (e.g. --snap-count). */
  readonly peerArgs?: readonly string[];
}

/** A signaling server, a data root and the peer processes of one test. */
export class ProcessEnsemble {
  readonly procs = new Map<number, PeerProcess>();
  private readonly started: PeerProcess[] = [];

  private constructor(
    readonly options: EnsembleOptions,
    readonly server: SignalServer,
    readonly root: string,
  ) {}

  static async open(options: EnsembleOptions): Promise<ProcessEnsemble> {
    const server = await startSignalServer({ port: 0, host: '127.0.0.1', path: '/signal' });
    const root = await mkdtemp(join(tmpdir(), `meshkeeper-${options.ensemble}-`));
    return new ProcessEnsemble(options, server, root);
  }

  dataDir(id: number): string {
    return join(this.root, String(id));
  }

  /** Starts peer `id` under `runtime` (its data dir survives restarts) and resolves once it serves admin. */
  async start(id: number, runtime: Runtime = 'node', secret = this.options.secret): Promise<PeerProcess> {
    const o = this.options;
    const args = ['--ensemble', o.ensemble, '--peers', o.ids.join(','), '--data-dir', this.dataDir(id), '--signal', this.server.url,
      '--tick-ms', String(o.tickMs ?? 100), ...(o.peerArgs ?? [])];
    const p = await spawnPeer(args, id, secret, 30_000, runtime);
    this.started.push(p);
    this.procs.set(id, p);
    return p;
  }

  url(id: number): string {
    const p = this.procs.get(id);
    if (!p) throw new Error(`peer ${id} is not running`);
    return p.adminUrl;
  }

  urls(): string[] {
    return [...this.procs.values()].map((p) => p.adminUrl);
  }

  views(command = 'srvr'): Promise<(SrvrView | undefined)[]> {
    return srvrAll(this.urls(), command);
  }

  /** Waits until the running peers are settled (one leader, the rest caught-up followers). */
  settled(what: string, ms = 30_000): Promise<{ leader: SrvrView; epoch: number; views: SrvrView[] }> {
    return pollUntil(async () => settled(await this.views('mntr')), what, ms);
  }

  /** SIGKILL (or SIGTERM, a clean stop) by PID, and waits for the exit. */
  async stop(id: number, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const p = this.procs.get(id);
    if (!p?.child.pid) throw new Error(`peer ${id} is not running`);
    this.procs.delete(id);
    const exited = exitOf(p.child);
    process.kill(p.child.pid, signal);
    await exited;
  }

  async close(): Promise<void> {
    for (const p of this.started) {
      if (p.child.exitCode === null && p.child.signalCode === null && p.child.pid !== undefined) process.kill(p.child.pid, 'SIGKILL');
    }
    await Promise.all(this.started.map((p) => exitOf(p.child)));
    await this.server.close();
    await rm(this.root, { recursive: true, force: true });
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
