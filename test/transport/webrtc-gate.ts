// A Signaling wrapper for tests that can hide one peer from another: while hidden, the peer looks
// absent and signals between the two are dropped, so a cut link stays down until the gate reopens.

import type { PeerId } from '../../src/core/util/ids.ts';
import { Listeners } from '../../src/transport/signaling/listeners.ts';
import type { InboundSignal, SignalPayload, Signaling, SignalingStatus } from '../../src/transport/signaling/signaling.ts';

export class GatedSignaling implements Signaling {
  readonly self: PeerId;
  private readonly hidden = new Set<PeerId>();
  private readonly present = new Set<PeerId>();
  private readonly presence = new Listeners<[PeerId, boolean]>();

  constructor(private readonly inner: Signaling) {
    this.self = inner.self;
    inner.onPresence((peer, present) => {
      if (present) this.present.add(peer);
      else this.present.delete(peer);
      if (!this.hidden.has(peer)) this.presence.emit(peer, present);
    });
  }

  hide(peer: PeerId): void {
    if (this.hidden.has(peer)) return;
    this.hidden.add(peer);
    if (this.present.has(peer)) this.presence.emit(peer, false);
  }

  reveal(peer: PeerId): void {
    if (!this.hidden.delete(peer)) return;
    if (this.present.has(peer)) this.presence.emit(peer, true);
  }

  send(to: PeerId, payload: SignalPayload): void {
    if (!this.hidden.has(to)) this.inner.send(to, payload);
  }

  refuse(to: PeerId, reason: string): void {
    if (!this.hidden.has(to)) this.inner.refuse(to, reason);
  }

  onSignal(handler: (signal: InboundSignal) => void): () => void {
    return this.inner.onSignal((signal) => {
      if (!this.hidden.has(signal.from)) handler(signal);
    });
  }

  onPresence(handler: (peer: PeerId, present: boolean) => void): () => void {
    return this.presence.add(handler);
  }

  onStatus(handler: (status: SignalingStatus) => void): () => void {
    return this.inner.onStatus(handler);
  }

  status(): SignalingStatus {
    return this.inner.status();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
