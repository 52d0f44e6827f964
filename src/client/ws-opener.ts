// Opens WireLinks over WebSocket: ZooKeeper's client protocol to a peer's /zookeeper endpoint
// (src/server/ws-client-server.ts), one or more packets per binary message. Uses the platform's WebSocket
// (browsers, Deno, Node 22+) unless a constructor is passed in (Node 20: ws-opener-node.ts passes
// the `ws` package's, which has the same interface). No node:* here: a page bundles this file.
// Packets sent in one turn of the event loop leave as one message (write-coalescer.ts): the peer
// reads them through its stream splitter.

import { Code, KeeperError } from '../core/errors.ts';
import { WriteCoalescer } from '../runtime/write-coalescer.ts';
import type { LinkOpener } from './session-link.ts';
import { WireLink, type PacketChannel } from './wire-link.ts';

/** The part of the WHATWG WebSocket this opener uses (the `ws` package's class has it too). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketOpenerOptions {
  /** Default: globalThis.WebSocket. */
  readonly WebSocket?: WebSocketConstructor;
  /** Gives up on a connection not open after this long. Default 5,000 ms. */
  readonly openTimeoutMs?: number;
}

const OPEN = 1;

/** A LinkOpener whose endpoints are ws:// or wss:// URLs of peers' /zookeeper endpoints. */
export function webSocketOpener(options: WebSocketOpenerOptions = {}): LinkOpener<string> {
  return async (url) => new WireLink(await openChannel(url, options));
}

export function openChannel(url: string, options: WebSocketOpenerOptions = {}): Promise<PacketChannel> {
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (Ctor === undefined) return Promise.reject(new KeeperError(Code.CONNECTIONLOSS, 'no WebSocket on this platform: pass one'));
  const socket = new Ctor(url);
  socket.binaryType = 'arraybuffer';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new KeeperError(Code.CONNECTIONLOSS, `${url} did not open within ${options.openTimeoutMs ?? 5000} ms`));
    }, options.openTimeoutMs ?? 5000);
    socket.onerror = () => undefined; // onclose follows
    socket.onclose = (event) => {
      clearTimeout(timer);
      reject(new KeeperError(Code.CONNECTIONLOSS, `${url} closed before opening (${event.code})`));
    };
    socket.onopen = () => {
      clearTimeout(timer);
      resolve(channelOver(socket));
    };
  });
}

function channelOver(socket: WebSocketLike): PacketChannel {
  let onData: (bytes: Uint8Array) => void = () => undefined;
  let onClose: (reason: string) => void = () => undefined;
  let closedHere = false;
  const outbox = new WriteCoalescer((bytes) => {
    if (socket.readyState === OPEN) socket.send(bytes);
  });
  socket.onmessage = (event) => {
    const data = event.data;
    if (data instanceof ArrayBuffer) onData(new Uint8Array(data));
    else if (data instanceof Uint8Array) onData(data);
    else {
      socket.close(1003, 'binary messages only');
      onClose('a text message from the server');
    }
  };
  socket.onclose = (event) => {
    outbox.discard();
    if (!closedHere) onClose(`code ${event.code}${event.reason === '' ? '' : ` ${event.reason}`}`);
  };
  return {
    send: (bytes) => outbox.write(bytes),
    close: () => {
      closedHere = true;
      outbox.flush();
      socket.close(1000);
    },
    onData: (listener) => {
      onData = listener;
    },
    onClose: (listener) => {
      onClose = listener;
    },
  };
}
