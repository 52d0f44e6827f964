// The WebSocket signaling server (Node only, `ws`): rooms per ensemble name; a peer joins one room
// under its id, learns who is present, and relays opaque (sealed) bodies to a peer id in its room. It
// refuses a duplicate id in a room with a reason, and bounds message sizes, rooms and peers per room.
// State lives in the returned server object, so several servers can run in one process (tests).

import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { limits } from '../core/util/limits.ts';
import { parseClientFrame, SIGNAL_PATH, type ServerFrame } from '../transport/signaling/wire.ts';

export interface SignalServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly path?: string;
  /** Attach to this listening HTTP server (web-server.ts: the UI and signaling on one port) instead of opening `port`. */
  readonly server?: HttpServer;
}

export interface SignalServer {
  readonly port: number;
  /** ws://host:port/path */
  readonly url: string;
  /** Room name -> ids present (for tests and the admin view). */
  rooms(): ReadonlyMap<string, readonly number[]>;
  close(): Promise<void>;
}

/** Close codes (4000-4999 are the application's). */
const CLOSE_REFUSED = 4001;
const CLOSE_PROTOCOL = 4002;

export async function startSignalServer(options: SignalServerOptions): Promise<SignalServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? SIGNAL_PATH;
  const listen = options.server === undefined ? { port: options.port, host } : { server: options.server };
  const wss = new WebSocketServer({ ...listen, path, maxPayload: limits.signal_message_bytes_max });
  const rooms = new Map<string, Map<number, WebSocket>>();
  if (options.server === undefined) {
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
  }

  const send = (ws: WebSocket, frame: ServerFrame): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const refuse = (ws: WebSocket, code: number, reason: string): void => {
    send(ws, { t: 'refused', reason });
    ws.close(code, reason.slice(0, 120));
  };

  wss.on('connection', (ws) => {
    let joined: { room: Map<number, WebSocket>; name: string; id: number } | undefined;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return refuse(ws, CLOSE_PROTOCOL, 'signaling frames are text');
      const frame = parseClientFrame(data.toString());
      if (typeof frame === 'string') return refuse(ws, CLOSE_PROTOCOL, frame);
      if (frame.t === 'join') {
        if (joined) return refuse(ws, CLOSE_PROTOCOL, 'already joined a room');
        let room = rooms.get(frame.room);
        if (!room && rooms.size >= limits.signal_rooms_max) return refuse(ws, CLOSE_REFUSED, 'the signaling server is full (rooms)');
        room ??= new Map();
        if (room.has(frame.id)) return refuse(ws, CLOSE_REFUSED, `duplicate id ${frame.id} in ensemble ${frame.room}`);
        if (room.size >= limits.peers_max) return refuse(ws, CLOSE_REFUSED, `ensemble ${frame.room} is full`);
        rooms.set(frame.room, room);
        send(ws, { t: 'joined', peers: [...room.keys()] });
        for (const other of room.values()) send(other, { t: 'presence', id: frame.id, present: true });
        room.set(frame.id, ws);
        joined = { room, name: frame.room, id: frame.id };
        return;
      }
      if (!joined) return refuse(ws, CLOSE_PROTOCOL, 'relay before join');
      // A body for an absent peer is dropped: the sender learns absence from presence frames.
      const target = joined.room.get(frame.to);
      if (target) send(target, { t: 'relay', from: joined.id, body: frame.body });
    });
    ws.on('close', () => {
      if (!joined || joined.room.get(joined.id) !== ws) return;
      joined.room.delete(joined.id);
      if (joined.room.size === 0) rooms.delete(joined.name);
      for (const other of joined.room.values()) send(other, { t: 'presence', id: joined.id, present: false });
    });
    ws.on('error', () => ws.terminate());
  });

  const port = ((options.server ?? wss).address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `ws://${host}:${port}${path}`,
    rooms: () => new Map([...rooms].map(([name, room]) => [name, [...room.keys()]])),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      })),
  };
}
