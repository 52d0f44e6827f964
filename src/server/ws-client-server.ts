// ZooKeeper's client protocol over WebSocket, for pages and programs that run no peer of their own:
// the same ClientGateway as the TCP port, whole ZooKeeper packets (one or more) per binary message,
// each with its length prefix kept (so both ends share the stream splitter). By default a Node peer serves it on its
// admin HTTP port at /zookeeper (ws://127.0.0.1:8080+N/zookeeper); standalone, it listens on its
// own port. Connections here get exact error codes ('exact': the expected client is meshkeeper's
// own, which knows them all). A text message is a protocol error and closes the connection.

import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { limits } from '../core/util/limits.ts';
import type { ClientGateway } from '../runtime/client-gateway.ts';

export const WS_CLIENT_PATH = '/zookeeper';

export type WsClientServerOptions = {
  readonly gateway: ClientGateway;
  /** Default /zookeeper. */
  readonly path?: string;
} & (
  /** Share an HTTP server (the admin endpoint's): WebSocket upgrades on `path` come here. */
  | { readonly server: Server }
  /** Listen on a port of its own (0 picks a free one). */
  | { readonly port: number; readonly host?: string }
);

export interface WsClientServer {
  /** ws://host:port/path */
  readonly url: string;
  close(): Promise<void>;
}

export async function startWsClientServer(options: WsClientServerOptions): Promise<WsClientServer> {
  const path = options.path ?? WS_CLIENT_PATH;
  const maxPayload = limits.client_packet_bytes_max + 4;
  const wss = 'server' in options
    ? new WebSocketServer({ server: options.server, path, maxPayload })
    : new WebSocketServer({ port: options.port, host: options.host ?? '127.0.0.1', path, maxPayload });
  if (!('server' in options)) {
    await new Promise<void>((resolve, reject) => {
      wss.once('error', reject);
      wss.once('listening', () => {
        wss.off('error', reject);
        resolve();
      });
    });
  }
  wss.on('connection', (socket, request) => serve(socket, request, options.gateway));
  const address = ('server' in options ? options.server.address() : wss.address()) as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${host}:${address.port}${path}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      })),
  };
}

function serve(socket: WebSocket, request: IncomingMessage, gateway: ClientGateway): void {
  const remote = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
  const connection = gateway.accept(
    {
      send: (bytes) => {
        if (socket.readyState !== socket.OPEN) return;
        socket.send(bytes, { binary: true });
        if (socket.bufferedAmount > limits.client_send_queue_bytes_max) {
          gateway.log(`client ${remote}: ${socket.bufferedAmount} bytes unread, connection dropped`);
          socket.terminate();
        }
      },
      // A close reason is at most 123 bytes: printable ASCII, cut to length.
      close: (reason) => socket.close(1000, reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 123)),
    },
    remote,
    'exact',
  );
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary) {
      gateway.log(`client ${remote}: a text message on the ZooKeeper WebSocket; connection closed`);
      connection.close('text message');
      return;
    }
    const chunks = Array.isArray(data) ? data : [data];
    for (const chunk of chunks) connection.receive(chunk instanceof ArrayBuffer ? new Uint8Array(chunk) : chunk);
  });
  socket.on('close', () => connection.hangUp());
  socket.on('error', () => undefined); // 'close' follows
}
