// Watch guarantees, from what clients receive (events and replies in the order their peer emits
// them). A one-shot watch lives in the registry of the peer whose read set it, so watches are
// tracked per (session, peer, path):
// - a watch fires once: every NodeCreated/NodeDataChanged/NodeDeleted event a session gets from a
//   peer consumes a watch the session set there; an event with none armed fired twice (or for
//   nothing);
// - the client gets the event before it can see the data that triggered it: while a watch set at a
//   peer is armed, every read of that path the session gets from that peer shows the node as it
//   was when the watch was set.
// A peer that crashes or replaces its state machine (SNAP) loses its registry: forget(peer).

import { EventType } from '../../../src/core/watches/events.ts';
import type { PeerId } from '../../../src/core/util/ids.ts';
import { zxidToString, type Zxid } from '../../../src/core/zxid.ts';

/** A node as one read saw it: 'absent', or `czxid/mzxid` (any change alters it). */
export type NodeSeen = string;

const FIRING: ReadonlySet<number> = new Set([EventType.NodeCreated, EventType.NodeDataChanged, EventType.NodeDeleted]);

export class WatchChecker {
  readonly violations: string[] = [];
  /** `session peer path` -> the node as the read that set the watch saw it. */
  private readonly armedAt = new Map<string, { readonly peer: PeerId; readonly seen: NodeSeen }>();
  /** Events checked (for summaries and tests). */
  events = 0;

  /** A read with a watch was answered at `peer`, showing the node as `seen`. */
  armed(session: number, peer: PeerId, path: string, seen: NodeSeen): void {
    this.read(session, peer, path, seen);
    this.armedAt.set(key(session, peer, path), { peer, seen });
  }

  /** A read without a watch was answered at `peer`, showing the node as `seen`. */
  read(session: number, peer: PeerId, path: string, seen: NodeSeen): void {
    const arm = this.armedAt.get(key(session, peer, path));
    if (arm !== undefined && arm.seen !== seen) {
      this.fail(
        `Watch: session ${session} read ${path} at peer ${peer} as ${seen} before the event of the watch it set there when it was ${arm.seen}`,
      );
    }
  }

  /** The session got an event from `peer`, triggered by the txn at `zxid`. */
  event(session: number, peer: PeerId, path: string, type: number, zxid: Zxid): void {
    if (!FIRING.has(type)) return;
    this.events++;
    const k = key(session, peer, path);
    if (!this.armedAt.delete(k)) {
      this.fail(`Watch: session ${session} got event ${type} for ${path} from peer ${peer} at ${zxidToString(zxid)} with no watch armed there (a watch fires once)`);
    }
  }

  /** The peer's watch registry is gone (crash, or SNAP). */
  forget(peer: PeerId): void {
    for (const [k, arm] of this.armedAt) if (arm.peer === peer) this.armedAt.delete(k);
  }

  private fail(message: string): void {
    if (this.violations.length < 20) this.violations.push(message);
  }
}

const key = (session: number, peer: PeerId, path: string): string => `${session} ${peer} ${path}`;
