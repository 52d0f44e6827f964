// What every Signaling implementation shares: its subscribers, its status, and who it sees present.
// Subclasses say what happened (emitSignal, setPresent, setStatus); this keeps the bookkeeping.

import type { PeerId } from '../../core/util/ids.ts';
import { Listeners } from './listeners.ts';
import type { InboundSignal, SignalingStatus } from './signaling.ts';

export abstract class SignalingEvents {
  abstract readonly self: PeerId;
  private readonly signals = new Listeners<[InboundSignal]>();
  private readonly presence = new Listeners<[PeerId, boolean]>();
  private readonly statuses = new Listeners<[SignalingStatus]>();
  protected readonly present = new Set<PeerId>();
  protected current: SignalingStatus;

  protected constructor(initial: SignalingStatus) {
    this.current = initial;
  }

  onSignal(handler: (signal: InboundSignal) => void): () => void {
    return this.signals.add(handler);
  }

  onPresence(handler: (peer: PeerId, present: boolean) => void): () => void {
    return this.presence.add(handler);
  }

  onStatus(handler: (status: SignalingStatus) => void): () => void {
    return this.statuses.add(handler);
  }

  status(): SignalingStatus {
    return this.current;
  }

  protected emitSignal(signal: InboundSignal): void {
    this.signals.emit(signal);
  }

  /** Records whether `peer` is present (never this peer itself) and tells subscribers of a change. */
  protected setPresent(peer: PeerId, present: boolean): void {
    if (peer === this.self || this.present.has(peer) === present) return;
    if (present) this.present.add(peer);
    else this.present.delete(peer);
    this.presence.emit(peer, present);
  }

  protected setStatus(status: SignalingStatus): void {
    this.current = status;
    this.statuses.emit(status);
  }
}
