// Signaling through the WebSocket signaling server (src/server/signal-server.ts), for peers in
// different browsers or processes. Works wherever a WHATWG-style WebSocket exists: the browser global,
// or `ws`'s WebSocket passed in from Node (Node 20 has no global one). A dropped socket is reopened
// with jittered backoff; a refusal (duplicate id, full server) is final and reported with its reason.

import type { PeerId } from '../../core/util/ids.ts';
import { asPeerId } from '../../core/util/ids.ts';
import { refusalBody, Sealer } from './sealed-signals.ts';
import { SignalingEvents } from './signaling-events.ts';
import type { SignalPayload, Signaling } from './signaling.ts';
import { parseServerFrame, type ClientFrame } from './wire.ts';

/** The part of the WebSocket API used here (browser global and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WebSocketSignalingOptions {
  readonly url: string;
  readonly ensemble: string;
  readonly self: PeerId;
  /** The ensemble's AES-GCM signal key (deriveEnsembleKeys). */
  readonly key: CryptoKey;
  /** Defaults to the global WebSocket. */
  readonly connect?: WebSocketFactory;
  readonly reconnectMs?: { readonly base: number; readonly max: number };
  readonly random?: () => number;
}

const OPEN = 1;

export class WebSocketSignaling extends SignalingEvents implements Signaling {
  readonly self: PeerId;
  private readonly sealer: Sealer;
  private socket: WebSocketLike | undefined;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: WebSocketSignalingOptions) {
    super({ state: 'connecting' });
    this.self = options.self;
    this.sealer = new Sealer(options.key, options.ensemble);
    this.open();
  }

  send(to: PeerId, payload: SignalPayload): void {
    this.sealer.seal(this.self, to, payload, (body) => this.write({ t: 'relay', to, body }));
  }

  refuse(to: PeerId, reason: string): void {
    this.write({ t: 'relay', to, body: refusalBody(reason) });
  }

  async close(): Promise<void> {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.setStatus({ state: 'closed' });
    this.socket?.close(1000, 'closing');
    this.socket = undefined;
    this.dropPresence();
  }

  private open(): void {
    const connect = this.options.connect ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
    const ws = connect(this.options.url);
    this.socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ t: 'join', room: this.options.ensemble, id: this.self } satisfies ClientFrame));
    ws.onmessage = (event) => {
      if (typeof event.data === 'string') this.receive(event.data);
    };
    ws.onerror = () => undefined;
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      const final = this.current.state === 'refused' || this.current.state === 'closed';
      // Status first: absences heard while 'joined' then always mean the server saw a peer leave.
      if (!final) this.setStatus({ state: 'connecting', reason: 'signaling server connection lost' });
      this.dropPresence();
      if (!final) this.scheduleReopen();
    };
  }

  private receive(text: string): void {
    const frame = parseServerFrame(text);
    if (!frame) return;
    switch (frame.t) {
      case 'joined':
        this.retries = 0;
        this.setStatus({ state: 'joined' });
        for (const id of frame.peers) this.setPresent(asPeerId(id), true);
        return;
      case 'refused':
        this.setStatus({ state: 'refused', reason: frame.reason });
        return;
      case 'presence':
        this.setPresent(asPeerId(frame.id), frame.present);
        return;
      case 'relay':
        this.sealer.open(asPeerId(frame.from), this.self, frame.body, (signal) => this.emitSignal(signal));
        return;
    }
  }

  private write(frame: ClientFrame): void {
    if (this.socket?.readyState === OPEN && this.current.state === 'joined') this.socket.send(JSON.stringify(frame));
  }

  private scheduleReopen(): void {
    const { base, max } = this.options.reconnectMs ?? { base: 250, max: 5_000 };
    const ceiling = Math.min(max, base * 2 ** this.retries++);
    const delay = ceiling / 2 + (this.options.random ?? Math.random)() * (ceiling / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.current.state === 'connecting') this.open();
    }, delay);
  }

  private dropPresence(): void {
    for (const peer of [...this.present]) this.setPresent(peer, false);
  }
}
