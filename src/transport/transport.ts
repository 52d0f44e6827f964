// How a peer reaches the other peers of its ensemble. One implementation per medium (memory for the
// simulator and in-process tests, WebRTC data channels for real peers), all passing one conformance
// suite. Links are FIFO and reliable while up; a broken link comes back as a new generation, and
// whatever was in flight on the old one is gone (ZAB recovers through discovery and sync). A message
// to a peer without an open link is dropped, never queued without bound.

import type { PeerMessage } from '../core/messages.ts';
import type { PeerId } from '../core/util/ids.ts';

export type LinkState = 'connecting' | 'up' | 'down';

export interface LinkInfo {
  readonly peer: PeerId;
  readonly state: LinkState;
  /** Bumped each time the link to this peer is (re)established; carried beside every message. */
  readonly generation: number;
  /** Smoothed round-trip time, when measured. */
  readonly rttMs?: number;
  /** Why the link is down or was refused (wrong secret, unknown id, duplicate id …). */
  readonly reason?: string;
}

export type MessageHandler = (from: PeerId, message: PeerMessage, generation: number) => void;
export type LinkHandler = (link: LinkInfo) => void;

export interface Transport {
  readonly self: PeerId;
  /** Sends in order on the current link to `to`; dropped when that link is not up. */
  send(to: PeerId, message: PeerMessage): void;
  /** Subscribes; returns the unsubscribe function. */
  onMessage(handler: MessageHandler): () => void;
  /**
   * Link changes. A link that was 'up' and is not any more is lost, and the runtime tells the core at
   * once (ZabPeer.linkLost: a follower of that peer rejoins without waiting syncLimit ticks), so report
   * it as soon as the medium knows: a closed channel, a peer gone from signaling that misses a probe.
   * A false report costs an election, never safety; a missed one is caught by the ping timeout.
   */
  onLink(handler: LinkHandler): () => void;
  /** The current links, one per known peer. */
  links(): readonly LinkInfo[];
  /** Closes every link and stops reconnecting. */
  close(): Promise<void>;
}
