// The `meshkeeper` command line: `peer` runs one Node peer, `signal` the signaling server, `ensemble`
// (what `npm start` runs) a signaling server and N peer child processes on loopback. Flags are parsed
// strictly: an unknown flag, a missing one or a bad value prints the usage and exits 2. SIGINT or
// SIGTERM stops whatever runs (peers stop cleanly) and the process exits 0.

import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { limits } from '../core/util/limits.ts';
import { zxidToString } from '../core/zxid.ts';
import { PeerEvents } from '../runtime/events.ts';
import { startEnsemble } from './ensemble.ts';
import { startNodePeer } from './node-peer.ts';
import { startSignalServer } from './signal-server.ts';

export const USAGE = `usage:
  meshkeeper peer --ensemble NAME --id N --peers 1,2,3 --data-dir DIR --signal ws://127.0.0.1:5180/signal
                  --secret S (or env MESHKEEPER_SECRET) [--admin-port P (default 8080+N; 0 = any free)]
                  [--client-port P (ZooKeeper clients; default 2180+N; 0 = any free)]
                  [--admin-host 127.0.0.1] [--tick-ms 200] [--node-peers 1,2,3 (the ids that run in Node; default all)]
                  [--snap-count N (committed txns between snapshots; default 100000)]
  meshkeeper signal [--port 5180] [--host 127.0.0.1] [--path /signal]
  meshkeeper ensemble [--peers 3] [--signal-port 5180] [--admin-port-base 8080] [--data-dir ./.meshkeeper]
                      [--ensemble local] [--secret S] [--tick-ms 200]
                      [--tabs 2 (voters peers+1.. run in browser tabs; the web UI is served on the signal port)]`;

export const DEFAULT_TICK_MS = 200;
export const DEFAULT_SIGNAL_PORT = 5180;
export const DEFAULT_ADMIN_PORT_BASE = 8080;
/** A peer serves ZooKeeper clients on 2180+N (ZooKeeper's 2181 for peer 1). */
export const DEFAULT_CLIENT_PORT_BASE = 2180;
/** `ensemble` makes voters peers+1..peers+tabs browser tabs (src/browser/tab-config.ts has the same defaults). */
export const DEFAULT_TABS = 2;
/** Loopback demo only: a real ensemble passes its own secret. */
export const DEFAULT_SECRET = 'meshkeeper-local-demo-secret';

export class UsageError extends Error {}

export type CliCommand =
  | {
      readonly command: 'peer';
      readonly ensemble: string;
      readonly id: number;
      readonly peers: readonly number[];
      readonly dataDir: string;
      readonly signalUrl: string;
      readonly secret: string;
      readonly adminPort: number;
      readonly clientPort: number;
      readonly adminHost: string;
      readonly tickMs: number;
      readonly nodePeers?: readonly number[];
      readonly snapCount?: number;
    }
  | { readonly command: 'signal'; readonly port: number; readonly host: string; readonly path: string }
  | {
      readonly command: 'ensemble';
      readonly peers: number;
      readonly signalPort: number;
      readonly adminPortBase: number;
      readonly dataDir: string;
      readonly ensemble: string;
      readonly secret: string;
      readonly tickMs: number;
      readonly tabs: number;
    };

type Values = Record<string, string | boolean | undefined>;

function flags(args: readonly string[], names: readonly string[]): Values {
  const options = Object.fromEntries(names.map((n) => [n, { type: 'string' as const }]));
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function text(values: Values, name: string, fallback?: string): string {
  const v = values[name];
  if (typeof v === 'string' && v.length > 0) return v;
  if (fallback !== undefined) return fallback;
  throw new UsageError(`--${name} is required`);
}

function int(values: Values, name: string, min: number, max: number, fallback?: number): number {
  const raw = values[name];
  if (raw === undefined && fallback !== undefined) return fallback;
  const s = text(values, name);
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in [${min}, ${max}]: ${s}`);
  return n;
}

function peerList(s: string): number[] {
  const ids = s.split(',').map((p) => p.trim());
  const nums = ids.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  if (nums.some((n) => !Number.isInteger(n) || n < 1 || n > limits.peer_id_max)) {
    throw new UsageError(`--peers must list ids in [1, ${limits.peer_id_max}] separated by commas: ${s}`);
  }
  if (new Set(nums).size !== nums.length) throw new UsageError(`--peers lists an id twice: ${s}`);
  if (nums.length > limits.peers_max) throw new UsageError(`--peers lists more than ${limits.peers_max} peers`);
  return nums;
}

function wsUrl(s: string): string {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new UsageError(`--signal must be a ws:// or wss:// URL: ${s}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError(`--signal must be a ws:// or wss:// URL: ${s}`);
  return s;
}

function ensembleName(s: string): string {
  if (new TextEncoder().encode(s).length > limits.ensemble_name_bytes_max) {
    throw new UsageError(`--ensemble is longer than ${limits.ensemble_name_bytes_max} bytes`);
  }
  return s;
}

/** Parses argv (without node and the script); throws a UsageError on anything wrong. */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliCommand {
  const [command, ...rest] = argv;
  switch (command) {
    case 'peer': {
      const v = flags(rest, ['ensemble', 'id', 'peers', 'data-dir', 'signal', 'secret', 'admin-port', 'admin-host', 'tick-ms', 'node-peers', 'client-port', 'snap-count']);
      const id = int(v, 'id', 1, limits.peer_id_max);
      const peers = peerList(text(v, 'peers'));
      if (!peers.includes(id)) throw new UsageError(`--peers must include this peer's --id ${id}`);
      const nodePeers = typeof v['node-peers'] === 'string' ? peerList(v['node-peers']) : undefined;
      if (nodePeers !== undefined && !nodePeers.includes(id)) throw new UsageError(`--node-peers must include this peer's --id ${id}`);
      if (nodePeers?.some((n) => !peers.includes(n))) throw new UsageError('--node-peers must be among --peers');
      return {
        command,
        ensemble: ensembleName(text(v, 'ensemble')),
        id,
        peers,
        dataDir: text(v, 'data-dir'),
        signalUrl: wsUrl(text(v, 'signal')),
        secret: text(v, 'secret', env['MESHKEEPER_SECRET']),
        adminPort: int(v, 'admin-port', 0, 65535, DEFAULT_ADMIN_PORT_BASE + id),
        clientPort: int(v, 'client-port', 0, 65535, DEFAULT_CLIENT_PORT_BASE + id),
        adminHost: text(v, 'admin-host', '127.0.0.1'),
        tickMs: int(v, 'tick-ms', 1, 60_000, DEFAULT_TICK_MS),
        ...(nodePeers === undefined ? {} : { nodePeers }),
        ...(v['snap-count'] === undefined ? {} : { snapCount: int(v, 'snap-count', 1, 100_000_000) }),
      };
    }
    case 'signal': {
      const v = flags(rest, ['port', 'host', 'path']);
      const path = text(v, 'path', '/signal');
      if (!path.startsWith('/')) throw new UsageError(`--path must start with /: ${path}`);
      return { command, port: int(v, 'port', 0, 65535, DEFAULT_SIGNAL_PORT), host: text(v, 'host', '127.0.0.1'), path };
    }
    case 'ensemble': {
      const v = flags(rest, ['peers', 'signal-port', 'admin-port-base', 'data-dir', 'ensemble', 'secret', 'tick-ms', 'tabs']);
      const peers = int(v, 'peers', 1, Math.min(limits.peers_max, limits.peer_id_max), 3);
      const tabs = int(v, 'tabs', 0, Math.min(limits.peers_max, limits.peer_id_max) - peers, DEFAULT_TABS);
      const adminPortBase = int(v, 'admin-port-base', 1, 65535 - peers, DEFAULT_ADMIN_PORT_BASE);
      return {
        command,
        peers,
        signalPort: int(v, 'signal-port', 0, 65535, DEFAULT_SIGNAL_PORT),
        adminPortBase,
        dataDir: text(v, 'data-dir', './.meshkeeper'),
        ensemble: ensembleName(text(v, 'ensemble', 'local')),
        secret: text(v, 'secret', env['MESHKEEPER_SECRET'] ?? DEFAULT_SECRET),
        tickMs: int(v, 'tick-ms', 1, 60_000, DEFAULT_TICK_MS),
        tabs,
      };
    }
    case undefined:
      throw new UsageError('a command is required');
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

/**
 * Resolves on the first SIGINT or SIGTERM. The handlers stay installed, so a second signal (Ctrl-C
 * reaches a child directly and again through `ensemble`'s SIGTERM) cannot cut a clean stop short.
 */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.on('SIGINT', resolve);
    process.on('SIGTERM', resolve);
  });
}

async function runPeer(c: Extract<CliCommand, { command: 'peer' }>): Promise<number> {
  const events = new PeerEvents();
  const tag = `[peer ${c.id}]`;
  events.on((e) => {
    if (e.type === 'role') console.log(`${tag} ${e.role}${e.leader === undefined ? '' : ` (leader ${e.leader})`}`);
    if (e.type === 'established') console.log(`${tag} established epoch ${e.epoch}`);
    if (e.type === 'synced') console.log(`${tag} synced by ${e.mode.toUpperCase()} (${e.txns} txns) to ${zxidToString(e.zxid)}`);
    if (e.type === 'failed') console.error(`${tag} failed: ${e.error}`);
  });
  const stopped = untilSignal();
  const node = await startNodePeer({ ...c, events });
  console.log(`${tag} ensemble ${c.ensemble}, data ${resolve(c.dataDir)}, admin ${node.admin?.url ?? 'off'}/commands/srvr`);
  if (node.client !== undefined) console.log(`${tag} client zk://${node.client.address}${node.wsClientUrl === undefined ? '' : ` ${node.wsClientUrl}`}`);
  const failed = new Promise<'failed'>((res) => events.on((e) => e.type === 'failed' && res('failed')));
  const why = await Promise.race([stopped, failed]);
  await node.stop();
  return why === 'failed' ? 1 : 0;
}

async function runSignal(c: Extract<CliCommand, { command: 'signal' }>): Promise<number> {
  const stopped = untilSignal();
  const server = await startSignalServer({ port: c.port, host: c.host, path: c.path });
  console.log(`[signal] listening on ${server.url}`);
  await stopped;
  await server.close();
  return 0;
}

async function runEnsembleCommand(c: Extract<CliCommand, { command: 'ensemble' }>): Promise<number> {
  const stopped = untilSignal();
  const ensemble = await startEnsemble({
    peers: c.peers,
    signalPort: c.signalPort,
    adminPortBase: c.adminPortBase,
    dataDir: c.dataDir,
    ensemble: c.ensemble,
    secret: c.secret,
    tickMs: c.tickMs,
    cliPath: fileURLToPath(import.meta.url),
    tabs: c.tabs,
    web: true,
  });
  console.log(`[ensemble] ${c.ensemble}: signaling ${ensemble.signalUrl}`);
  for (const p of ensemble.peers) {
    console.log(`[ensemble] peer ${p.id} (pid ${p.pid}): ${p.adminUrl}/commands/srvr, ZooKeeper clients 127.0.0.1:${DEFAULT_CLIENT_PORT_BASE + p.id}`);
  }
  for (const t of ensemble.tabs) console.log(`[ensemble] peer ${t.id} is a browser tab: open ${t.url}`);
  console.log('[ensemble] Ctrl-C stops everything');
  await stopped;
  await ensemble.stop();
  return 0;
}

/** Runs the command line; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`meshkeeper: ${error.message}\n${USAGE}`);
    return 2;
  }
  switch (command.command) {
    case 'peer':
      return runPeer(command);
    case 'signal':
      return runSignal(command);
    case 'ensemble':
      return runEnsembleCommand(command);
  }
}

const entry = process.argv[1];
const isEntry = entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href;
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`meshkeeper: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
