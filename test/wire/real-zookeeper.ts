// Apache ZooKeeper 3.8 (Debian's zookeeper package) as a reference server for cross-checks: started
// standalone on a free loopback port with its data in a temporary directory, and killed by PID when
// the test is done. Never left running.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './live-ensemble.ts';

export interface RealZooKeeper {
  /** Resolves with host:port once the server serves clients. */
  readonly ready: Promise<string>;
  /** Kills the server (by PID) and removes its files; safe to call at any time, and twice. */
  stop(): Promise<void>;
}

const CLASSPATH = '/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar:/usr/share/java/*';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether the server serves clients (ruok answers before it does; srvr tells). */
function serving(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write('srvr'));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('close', () => resolve(text.includes('Mode: standalone')));
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts the server and returns at once, so that a test holds the handle (and can stop it) even if
 * it gives up waiting; the process is also killed if this process exits first.
 */
export function startRealZooKeeper(tickMs = 200): RealZooKeeper {
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  const kill = (): void => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  };
  process.once('exit', kill);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      kill();
      if (child !== undefined && child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => child?.once('exit', () => resolve()));
      }
      process.off('exit', kill);
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    })());
  const ready = (async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshkeeper-zk-'));
    const port = await freePort();
    const config = join(dir, 'zoo.cfg');
    await writeFile(config, [
      `tickTime=${tickMs}`, `dataDir=${join(dir, 'data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1',
      'admin.enableServer=false', '4lw.commands.whitelist=srvr', '',
    ].join('\n'));
    if (stopping !== undefined) throw new Error('stopped before it started');
    const started = spawn('java', ['-cp', CLASSPATH, 'org.apache.zookeeper.server.ZooKeeperServerMain', config], { stdio: 'ignore' });
    child = started;
    await waitFor('ZooKeeper to serve', async () => started.exitCode === null && (await serving(port)), 60_000);
    return `127.0.0.1:${port}`;
  })();
  return { ready, stop };
}
