// Signaling between tabs of one browser (one browser context) over a BroadcastChannel: no server.
// Everyone hears everything on the ensemble's channel, so each frame names its sender and receiver,
// and bodies are sealed (sealed-signals.ts) exactly as on the WebSocket. A joining instance says
// HELLO; members answer HERE (presence both ways); BYE on close. An instance that hears HELLO with its
// own id answers DUP, and the newcomer is refused: the id is taken (two starting at the same instant
// refuse each other, and both say why). A crashed tab sends no BYE: the transport's backoff bounds
// the cost of offering to it.

import type { PeerId } from '../../core/util/ids.ts';
import { asPeerId } from '../../core/util/ids.ts';
import { refusalBody, Sealer } from './sealed-signals.ts';
import { SignalingEvents } from './signaling-events.ts';
import type { SignalPayload, Signaling } from './signaling.ts';
import { isPeerIdValue } from './wire.ts';

type Frame =
  | { readonly t: 'hello' | 'bye'; readonly from: number; readonly nonce: string }
  | { readonly t: 'here'; readonly from: number; readonly nonce: string; readonly to: number }
  | { readonly t: 'dup'; readonly from: number; readonly nonce: string; readonly target: string }
  | { readonly t: 'relay'; readonly from: number; readonly nonce: string; readonly to: number; readonly body: string };

export interface BroadcastChannelSignalingOptions {
  readonly ensemble: string;
  readonly self: PeerId;
  /** The ensemble's AES-GCM signal key (deriveEnsembleKeys). */
  readonly key: CryptoKey;
}

export class BroadcastChannelSignaling extends SignalingEvents implements Signaling {
  readonly self: PeerId;
  private readonly channel: BroadcastChannel;
  private readonly sealer: Sealer;
  /** Tells this instance from another that claims the same id. */
  private readonly nonce = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16)).join('');

  constructor(options: BroadcastChannelSignalingOptions) {
    super({ state: 'joined' });
    this.self = options.self;
    this.sealer = new Sealer(options.key, options.ensemble);
    this.channel = new BroadcastChannel(`meshkeeper/signal/${options.ensemble}`);
    this.channel.onmessage = (event: MessageEvent) => this.receive(event.data);
    this.post({ t: 'hello', from: this.self, nonce: this.nonce });
  }

  send(to: PeerId, payload: SignalPayload): void {
    this.sealer.seal(this.self, to, payload, (body) => this.post({ t: 'relay', from: this.self, nonce: this.nonce, to, body }));
  }

  refuse(to: PeerId, reason: string): void {
    this.post({ t: 'relay', from: this.self, nonce: this.nonce, to, body: refusalBody(reason) });
  }

  async close(): Promise<void> {
    if (this.current.state === 'closed') return;
    if (this.current.state === 'joined') this.post({ t: 'bye', from: this.self, nonce: this.nonce });
    this.setStatus({ state: 'closed' });
    this.channel.close();
    for (const peer of [...this.present]) this.setPresent(peer, false);
  }

  private receive(data: unknown): void {
    const frame = parseFrame(data);
    if (!frame || this.current.state !== 'joined' || frame.nonce === this.nonce) return;
    const from = asPeerId(frame.from);
    if (from === this.self) return this.onSameId(frame);
    switch (frame.t) {
      case 'hello':
        this.setPresent(from, true);
        this.post({ t: 'here', from: this.self, nonce: this.nonce, to: from });
        return;
      case 'here':
        if (frame.to === this.self) this.setPresent(from, true);
        return;
      case 'bye':
        this.setPresent(from, false);
        return;
      case 'relay':
        if (frame.to === this.self) this.sealer.open(from, this.self, frame.body, (signal) => this.emitSignal(signal));
        return;
      case 'dup':
        return;
    }
  }

  /** Another instance claims our id: whoever hears the other's HELLO holds the id; the newcomer goes. */
  private onSameId(frame: Frame): void {
    if (frame.t === 'hello') this.post({ t: 'dup', from: this.self, nonce: this.nonce, target: frame.nonce });
    if ((frame.t === 'dup' && frame.target === this.nonce) || (frame.t === 'here' && frame.to === this.self)) {
      this.setStatus({ state: 'refused', reason: `duplicate id ${this.self}: another tab of this browser holds it` });
      for (const peer of [...this.present]) this.setPresent(peer, false);
    }
  }

  private post(frame: Frame): void {
    if (this.current.state !== 'closed') this.channel.postMessage(frame);
  }
}

function parseFrame(data: unknown): Frame | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const f = data as Record<string, unknown>;
  if (!isPeerIdValue(f['from']) || typeof f['nonce'] !== 'string') return undefined;
  switch (f['t']) {
    case 'hello':
    case 'bye':
      return data as Frame;
    case 'here':
      return isPeerIdValue(f['to']) ? (data as Frame) : undefined;
    case 'dup':
      return typeof f['target'] === 'string' ? (data as Frame) : undefined;
    case 'relay':
      return isPeerIdValue(f['to']) && typeof f['body'] === 'string' ? (data as Frame) : undefined;
    default:
      return undefined;
  }
}
