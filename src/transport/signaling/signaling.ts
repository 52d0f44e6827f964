// How two peers find each other before a data channel exists: a Signaling carries WebRTC offers,
// answers and ICE candidates (simple-peer's signal data) to a peer id, and tells who is present.
// Implementations: BroadcastChannelSignaling (tabs of one browser, no server) and WebSocketSignaling
// (through src/server/signal-server.ts). Bodies are sealed with the ensemble key (sealed-signals.ts),
// so a relay learns nothing; a body that does not open is reported, not dropped silently, so that
// both sides of a wrong secret can say why.

import type { PeerId } from '../../core/util/ids.ts';

/** What one peer tells another during a connection attempt; `attempt` tells attempts apart. */
export interface SignalPayload {
  readonly attempt: string;
  /** simple-peer's signal data: {type:'offer'|'answer', sdp} or {type:'candidate', candidate}. */
  readonly data: unknown;
}

export type InboundSignal =
  | { readonly kind: 'signal'; readonly from: PeerId; readonly payload: SignalPayload }
  /** The peer refused us, in plain text (it could not open our bodies, or does not know our id). */
  | { readonly kind: 'refuse'; readonly from: PeerId; readonly reason: string }
  /** A body from `from` did not open: another secret, or tampering. */
  | { readonly kind: 'garbled'; readonly from: PeerId; readonly reason: string };

export type SignalingState = 'connecting' | 'joined' | 'refused' | 'closed';

export interface SignalingStatus {
  readonly state: SignalingState;
  readonly reason?: string;
}

export interface Signaling {
  readonly self: PeerId;
  /** Seals and sends; bodies to one peer leave in the order given. Dropped while not joined. */
  send(to: PeerId, payload: SignalPayload): void;
  /** Tells `to` in plain text why it is refused (never answered, so refusals cannot ping-pong). */
  refuse(to: PeerId, reason: string): void;
  onSignal(handler: (signal: InboundSignal) => void): () => void;
  /**
   * A peer appeared in (or left) the room; on join, once per peer already present. An absence heard
   * while status() is 'joined' means the peer itself left; when this side loses the room, its status
   * changes first and every peer is then reported absent.
   */
  onPresence(handler: (peer: PeerId, present: boolean) => void): () => void;
  onStatus(handler: (status: SignalingStatus) => void): () => void;
  status(): SignalingStatus;
  close(): Promise<void>;
}
