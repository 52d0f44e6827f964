// webSocketOpener for Node 20, which has no global WebSocket: the `ws` package's class, which
// implements the same interface. Node only (a page uses ws-opener.ts directly).

import { WebSocket } from 'ws';
import type { LinkOpener } from './session-link.ts';
import { webSocketOpener, type WebSocketConstructor, type WebSocketOpenerOptions } from './ws-opener.ts';

export function nodeWebSocketOpener(options: Omit<WebSocketOpenerOptions, 'WebSocket'> = {}): LinkOpener<string> {
  return webSocketOpener({ ...options, WebSocket: WebSocket as unknown as WebSocketConstructor });
}
