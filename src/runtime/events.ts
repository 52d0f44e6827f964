// What a runtime peer tells its observers (the UI store, tests, metrics): a small typed emitter
// that keeps the last limits.peer_event_history_max events so a late subscriber can catch up.
// Events describe; they never steer the peer. A throwing listener is the listener's bug: it is
// isolated so that the driver loop keeps running.

import type { ServerState } from '../core/messages.ts';
import type { PeerId } from '../core/util/ids.ts';
import { limits } from '../core/util/limits.ts';
import type { Zxid } from '../core/zxid.ts';
import type { LinkInfo } from '../transport/transport.ts';

/** A snapshot of the peer's state after a drain: what a status panel shows. */
export interface PeerStatus {
  readonly id: PeerId;
  readonly role: ServerState;
  readonly leader: PeerId | undefined;
  readonly serving: boolean;
  readonly epoch: number;
  readonly acceptedEpoch: number;
  readonly currentEpoch: number;
  readonly lastLoggedZxid: Zxid;
  readonly committedZxid: Zxid;
  readonly appliedZxid: Zxid;
  readonly ticks: number;
  readonly messagesIn: number;
  readonly messagesOut: number;
  readonly persists: number;
  /** Sessions with a request or connect awaiting an answer at this peer. */
  readonly pendingRequests: number;
}

export type PeerEvent =
  | { readonly type: 'role'; readonly role: ServerState; readonly leader?: PeerId }
  | { readonly type: 'established'; readonly epoch: number }
  | { readonly type: 'synced'; readonly mode: 'diff' | 'trunc' | 'snap'; readonly zxid: Zxid; readonly txns: number }
  | { readonly type: 'restored'; readonly zxid: Zxid }
  | { readonly type: 'link'; readonly link: LinkInfo }
  | { readonly type: 'status'; readonly status: PeerStatus }
  | { readonly type: 'stopped' }
  /** The store failed: the peer stopped, as ZooKeeper exits on a log write error. */
  | { readonly type: 'failed'; readonly error: string };

export type PeerEventType = PeerEvent['type'];
export type PeerEventListener = (event: PeerEvent) => void;

export class PeerEvents {
  private readonly listeners = new Set<PeerEventListener>();
  private readonly recent: PeerEvent[] = [];
  /** Listener exceptions swallowed (kept for tests and diagnostics). */
  listenerErrors = 0;

  constructor(private readonly historyMax: number = limits.peer_event_history_max) {}

  on(listener: PeerEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: PeerEvent): void {
    this.recent.push(event);
    if (this.recent.length > this.historyMax) this.recent.splice(0, this.recent.length - this.historyMax);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        this.listenerErrors++;
      }
    }
  }

  /** The most recent events, oldest first; only those of `type` when given. */
  history<T extends PeerEventType>(type?: T): readonly Extract<PeerEvent, { type: T }>[] {
    const all = type === undefined ? this.recent : this.recent.filter((e) => e.type === type);
    return all as Extract<PeerEvent, { type: T }>[];
  }
}
