// The admin endpoint of a Node peer, in the style of ZooKeeper's AdminServer: `GET /commands/<name>`
// answers JSON with `command` and `error` beside the command's fields. srvr, stat and mntr report the
// peer's role, epoch, zxids, links, sessions and znode count; ruok answers that the peer runs. An
// unknown command is a 404 with a JSON error, anything but GET a 405. Node only (node:http).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zxidToString } from '../core/zxid.ts';
import { TreeMachine } from '../core/zab/tree-machine.ts';
import type { Peer } from '../runtime/peer.ts';
import type { Transport } from '../transport/transport.ts';

export interface AdminSource {
  readonly ensemble: string;
  readonly peer: Peer;
  readonly transport: Transport;
}

export interface AdminServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  readonly source: AdminSource;
}

export interface AdminServer {
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  /** The HTTP server itself, for WebSocket endpoints on the same port (ws-client-server.ts). */
  readonly http: Server;
  close(): Promise<void>;
}

export const ADMIN_COMMANDS = ['srvr', 'stat', 'mntr', 'ruok'] as const;
export type AdminCommand = (typeof ADMIN_COMMANDS)[number];

const SERVER_STATE = { LOOKING: 'looking', FOLLOWING: 'follower', LEADING: 'leader', OBSERVING: 'observer' } as const;

const isCommand = (name: string): name is AdminCommand => (ADMIN_COMMANDS as readonly string[]).includes(name);

/** The fields srvr, stat and mntr share: what an operator (or a test) asks a peer first. */
export function serverStats(source: AdminSource): Record<string, unknown> {
  const { peer, transport } = source;
  const s = peer.status();
  const machine = peer.zab.machine;
  const tree = machine instanceof TreeMachine ? machine : undefined;
  return {
    id: s.id,
    ensemble: source.ensemble,
    role: s.role,
    // ZooKeeper's mntr spelling (zk_server_state: leader | follower | observer | looking).
    server_state: SERVER_STATE[s.role],
    running: peer.running,
    leader: s.leader ?? null,
    serving: s.serving,
    epoch: s.epoch,
    accepted_epoch: s.acceptedEpoch,
    current_epoch: s.currentEpoch,
    last_zxid: zxidToString(s.lastLoggedZxid),
    committed_zxid: zxidToString(s.committedZxid),
    applied_zxid: zxidToString(s.appliedZxid),
    peers: transport.links().map((l) => ({
      id: l.peer,
      state: l.state,
      generation: l.generation,
      rtt_ms: l.rttMs === undefined ? null : Math.round(l.rttMs * 10) / 10,
      ...(l.reason === undefined ? {} : { reason: l.reason }),
    })),
    sessions: tree?.table.size ?? null,
    znode_count: tree?.tree.nodeCount ?? null,
    ticks: s.ticks,
    packets_received: s.messagesIn,
    packets_sent: s.messagesOut,
    persists: s.persists,
    outstanding_requests: s.pendingRequests,
  };
}

function answer(command: AdminCommand, source: AdminSource): Record<string, unknown> {
  if (command === 'ruok') return { command, error: source.peer.running ? null : 'the peer is not running' };
  return { command, error: null, ...serverStats(source) };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function handle(req: IncomingMessage, res: ServerResponse, source: AdminSource): void {
  const path = new URL(req.url ?? '/', 'http://admin').pathname.replace(/\/+$/, '');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return reply(res, 405, { command: null, error: `method ${req.method ?? '?'} not allowed` });
  }
  if (path === '/commands') return reply(res, 200, { command: null, error: null, commands: ADMIN_COMMANDS });
  const match = /^\/commands\/([^/]+)$/.exec(path);
  const name = match?.[1] ?? '';
  if (!isCommand(name)) {
    return reply(res, 404, { command: name || null, error: `Unknown command: ${name || path}` });
  }
  reply(res, 200, answer(name, source));
}

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => handle(req, res, options.source));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${host}:${port}`,
    http: server,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}
