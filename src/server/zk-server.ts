// The ZooKeeper client port of a Node peer (node:net): every TCP connection goes to the peer's
// ClientGateway, which speaks ZooKeeper's jute protocol, so kazoo, zkCli.sh, Curator or
// node-zookeeper-client connect unchanged. A connection whose first four bytes are lowercase
// letters is a four-letter word instead (ruok, srvr, stat, mntr, ...): answered in text, then
// closed, as ZooKeeper does on the same port. close() stops listening and drops every connection
// (the sessions live on until their timeout; their clients reconnect to another peer).

import { createServer, type AddressInfo, type Socket } from 'node:net';
import { limits } from '../core/util/limits.ts';
import type { ClientGateway, GatewayConnection } from '../runtime/client-gateway.ts';
import { answerFourLetterWord, isFourLetterWord, type FourLetterSource } from './four-letter-words.ts';

export interface ZkServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  readonly gateway: ClientGateway;
  /** What four-letter words report; without it they are refused like an unknown word. */
  readonly fourLetterWords?: Omit<FourLetterSource, 'clientPort' | 'gateway'>;
}

export interface ZkServer {
  readonly port: number;
  /** host:port, as ZooKeeper clients take it (a connect string). */
  readonly address: string;
  close(): Promise<void>;
}

export async function startZkServer(options: ZkServerOptions): Promise<ZkServer> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  let port = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, options, () => port);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    address: `${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      })),
  };
}

function serve(socket: Socket, options: ZkServerOptions, port: () => number): void {
  socket.setNoDelay(true);
  const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  let head: Uint8Array = new Uint8Array(0);
  let connection: GatewayConnection | undefined;
  socket.on('error', () => undefined); // 'close' follows
  socket.on('close', () => connection?.hangUp());
  socket.on('data', (chunk: Buffer) => {
    if (connection !== undefined) return connection.receive(chunk);
    // The first four bytes decide: a four-letter word, or the length of a ConnectRequest.
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    if (head.length < 4) return;
    if (isFourLetterWord(head)) {
      const word = Buffer.from(head.subarray(0, 4)).toString('latin1');
      const source = options.fourLetterWords;
      const text = source === undefined
        ? `${word} is not executed because it is not in the whitelist.\n`
        : answerFourLetterWord(word, { ...source, gateway: options.gateway, clientPort: port() });
      socket.end(text);
      return;
    }
    connection = options.gateway.accept(
      {
        send: (bytes) => {
          if (socket.destroyed) return;
          socket.write(bytes);
          // A client that does not read its replies and events must not hold the peer's memory.
          if (socket.writableLength > limits.client_send_queue_bytes_max) {
            options.gateway.log(`client ${remote}: ${socket.writableLength} bytes unread, connection dropped`);
            socket.destroy();
          }
        },
        close: () => socket.end(),
      },
      remote,
    );
    connection.receive(head);
  });
}
