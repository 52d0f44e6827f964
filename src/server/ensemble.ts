// A whole ensemble on one machine (what `npm start` runs): the signaling server in this process and
// one `meshkeeper peer` child process per id 1..N, admin on adminPortBase+id, data under
// dataDir/<id>. Children are plain `node --import tsx cli.ts peer …` processes, so a PID is the peer
// itself (no wrapper in between to leave an orphan). stop() sends SIGTERM to each child by PID,
// waits a bounded time for it to exit, then SIGKILLs what is left, and closes the signaling server.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startSignalServer } from './signal-server.ts';

export interface EnsembleOptions {
  readonly peers: number;
  /** 0 picks a free port. */
  readonly signalPort: number;
  readonly signalHost?: string;
  readonly adminPortBase: number;
  readonly dataDir: string;
  readonly ensemble: string;
  readonly secret: string;
  readonly tickMs: number;
  /** The cli.ts the children run. */
  readonly cliPath: string;
  /** How long stop() lets a child shut down cleanly before SIGKILL. */
  readonly stopGraceMs?: number;
}

export interface EnsembleChild {
  readonly id: number;
  readonly pid: number;
  readonly adminUrl: string;
}

export interface RunningEnsemble {
  readonly signalUrl: string;
  readonly peers: readonly EnsembleChild[];
  stop(): Promise<void>;
}

/** The node arguments that run cli.ts through tsx's loader in the same process. */
export function peerProcessArgs(cliPath: string, args: readonly string[]): string[] {
  return ['--import', import.meta.resolve('tsx'), cliPath, ...args];
}

/** Resolves when `child` has exited (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM by PID, then SIGKILL after `graceMs` if the child is still there. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  const exited = exitOf(child);
  const pid = child.pid;
  if (pid === undefined) return;
  const signal = (s: NodeJS.Signals): void => {
    try {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, s);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
  if ((await Promise.race([exited, late])) === 'late') {
    signal('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

export async function startEnsemble(options: EnsembleOptions): Promise<RunningEnsemble> {
  const host = options.signalHost ?? '127.0.0.1';
  const server = await startSignalServer({ port: options.signalPort, host, path: '/signal' });
  const ids = Array.from({ length: options.peers }, (_, i) => i + 1);
  const children: { id: number; child: ChildProcess; adminUrl: string }[] = [];
  for (const id of ids) {
    const adminPort = options.adminPortBase + id;
    const args = [
      'peer',
      '--ensemble', options.ensemble,
      '--id', String(id),
      '--peers', ids.join(','),
      '--data-dir', join(options.dataDir, String(id)),
      '--signal', server.url,
      '--admin-port', String(adminPort),
      '--tick-ms', String(options.tickMs),
    ];
    // The secret goes by environment, not argv, so `ps` does not show it.
    const child = spawn(process.execPath, peerProcessArgs(options.cliPath, args), {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, MESHKEEPER_SECRET: options.secret },
    });
    child.on('exit', (code, signal) => console.log(`[ensemble] peer ${id} exited (${signal ?? `code ${code}`})`));
    children.push({ id, child, adminUrl: `http://127.0.0.1:${adminPort}` });
  }
  let stopping: Promise<void> | undefined;
  return {
    signalUrl: server.url,
    peers: children.map((c) => ({ id: c.id, pid: c.child.pid ?? -1, adminUrl: c.adminUrl })),
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all(children.map((c) => stopChild(c.child, options.stopGraceMs ?? 5_000)));
        await server.close();
      })()),
  };
}
