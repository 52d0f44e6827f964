// A whole ensemble on one machine (what `npm start` runs): the signaling server (and, with `web`, the
// web UI on the same port, web-server.ts) in this process and
// one `meshkeeper peer` child process per id 1..N, admin on adminPortBase+id, data under
// dataDir/<id>; with `tabs`, voters after the Node ids are browser tabs (the page URLs are returned).
// Children are plain `node --import tsx cli.ts peer …` processes, so a PID is the peer
// itself (no wrapper in between to leave an orphan). stop() sends SIGTERM to each child by PID,
// waits a bounded time for it to exit, then SIGKILLs what is left, and closes the signaling server.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { tabUrl } from '../browser/tab-config.ts';
import { startSignalServer } from './signal-server.ts';
import { startWebServer } from './web-server.ts';

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
  /** Voters peers+1..peers+tabs are browser tabs (default 0): the Node peers answer their offers. */
  readonly tabs?: number;
  /** Serve the web UI (web/dist, built when stale) on the signaling port, signaling at /signal. */
  readonly web?: boolean;
}

export interface EnsembleTab {
  readonly id: number;
  /** The page to open for this tab peer (empty when the web UI is not served). */
  readonly url: string;
}

export interface EnsembleChild {
  readonly id: number;
  readonly pid: number;
  readonly adminUrl: string;
}

export interface RunningEnsemble {
  readonly signalUrl: string;
  readonly peers: readonly EnsembleChild[];
  readonly tabs: readonly EnsembleTab[];
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
  const web = options.web === true ? await startWebServer({ port: options.signalPort, host }) : undefined;
  const server = web?.signal ?? (await startSignalServer({ port: options.signalPort, host, path: '/signal' }));
  const ids = Array.from({ length: options.peers }, (_, i) => i + 1);
  const tabIds = Array.from({ length: options.tabs ?? 0 }, (_, i) => options.peers + i + 1);
  const voters = [...ids, ...tabIds];
  const children: { id: number; child: ChildProcess; adminUrl: string }[] = [];
  for (const id of ids) {
    const adminPort = options.adminPortBase + id;
    const args = [
      'peer',
      '--ensemble', options.ensemble,
      '--id', String(id),
      '--peers', voters.join(','),
      ...(tabIds.length > 0 ? ['--node-peers', ids.join(',')] : []),
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
    tabs: tabIds.map((id) => ({
      id,
      url:
        web === undefined
          ? ''
          : tabUrl(web.url, { ensemble: options.ensemble, id, voters, nodePeers: ids, secret: options.secret, tickMs: options.tickMs }),
    })),
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all(children.map((c) => stopChild(c.child, options.stopGraceMs ?? 5_000)));
        await (web ?? server).close();
      })()),
  };
}
