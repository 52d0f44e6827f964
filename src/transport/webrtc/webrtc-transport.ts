// The Transport over WebRTC data channels: one Connection (connection.ts) per peer at a time, found
// through a Signaling. For each pair one side offers (by default the lower id; a browser should offer
// toward a Node peer); the offerer reconnects with jittered exponential backoff whenever its link is
// down, and the answerer takes any new attempt as a replacement for the old link. Each link that comes
// up (authenticated) gets the next generation. A peer that restarts comes back without its links while
// the other side may still hold a stale one (a SIGKILL tells nobody): when an answerer sees the offerer
// appear and holds no link to it, it knocks, and the offerer replaces whatever link it still holds with
// a fresh attempt at once instead of waiting for the idle timeout. The converse: a peer that leaves
// signaling while its link is up may have died (a SIGKILL closes its signaling socket at once, while
// the data channel would idle out only after idleTimeoutMs), so its link is probed and closed if the
// peer does not answer within probeTimeoutMs; the link's 'down' event then tells the runtime, whose
// core reacts as ZooKeeper does to a closed TCP connection. Messages travel encoded by
// peer-codec; one that does not decode closes its link. Refusals (wrong secret, unknown id, duplicate
// id) land in LinkInfo.reason on the link concerned and never disturb the other links.

import { decodePeerMessage, encodePeerMessage } from '../../codec/peer-codec.ts';
import type { PeerMessage } from '../../core/messages.ts';
import { assert } from '../../core/util/assert.ts';
import type { PeerId } from '../../core/util/ids.ts';
import { Listeners } from '../signaling/listeners.ts';
import type { InboundSignal, Signaling, SignalingStatus } from '../signaling/signaling.ts';
import type { LinkHandler, LinkInfo, LinkState, MessageHandler, Transport } from '../transport.ts';
import { Connection, type ConnectionTiming, type WrtcImplementation } from './connection.ts';
import type { EnsembleKeys } from './keys.ts';

/**
 * A live peer answers a probe within a few ms (its pong jumps its send queue); 100 ms leaves room
 * for an event loop busy with a large batch or a GC pause, and is most of what detecting a dead
 * peer costs. A live peer wrongly cut off (it lost signaling and stalled at once) costs a rejoin.
 */
const PROBE_TIMEOUT_MS = 100;

/** A signal (beside simple-peer's offer/answer/candidate) that ends an attempt that failed early. */
const ABORT = 'meshkeeper-abort';
/** A signal from an answerer that holds no link up: "dial me now" (its attempt, if any, rides along). */
const KNOCK = 'meshkeeper-knock';

export interface WebRtcTiming extends ConnectionTiming {
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** A peer that left signaling with its link up must answer a probe within this, or the link closes. */
  readonly probeTimeoutMs: number;
}

export const defaultWebRtcTiming: WebRtcTiming = {
  connectTimeoutMs: 15_000,
  pingIntervalMs: 1_000,
  idleTimeoutMs: 10_000,
  highWaterBytes: 256 * 1024,
  backoffBaseMs: 250,
  backoffMaxMs: 5_000,
  probeTimeoutMs: PROBE_TIMEOUT_MS,
};

/** The default: between two peers of one kind the lower id offers. */
export const lowerIdOffers = (self: PeerId, peer: PeerId): boolean => self < peer;

/**
 * Toward a Node peer the browser offers (a Node offerer loses a DTLS race with Chromium about one time
 * in ten); between two peers of one kind the lower id does. `nodePeers` lists the ids that run in Node.
 */
export function browserOffersToNode(nodePeers: readonly PeerId[]): (self: PeerId, peer: PeerId) => boolean {
  const isNode = new Set(nodePeers);
  return (self, peer) => (isNode.has(self) === isNode.has(peer) ? self < peer : isNode.has(peer));
}

export interface WebRtcTransportOptions {
  readonly self: PeerId;
  /** Every other member of the ensemble (voters and observers). */
  readonly peers: readonly PeerId[];
  readonly keys: EnsembleKeys;
  /** Shared, not owned: close() leaves it open (the caller closes it after the transport). */
  readonly signaling: Signaling;
  /** Undefined in a browser (global RTCPeerConnection); nodeWrtc() in Node. */
  readonly wrtc?: WrtcImplementation;
  /** Whether `self` offers toward `peer`; must be the negation of the peer's answer. Default: lower id offers. */
  readonly offers?: (self: PeerId, peer: PeerId) => boolean;
  readonly timing?: Partial<WebRtcTiming>;
  /** Jitter source for backoff. */
  readonly random?: () => number;
}

interface Slot {
  readonly peer: PeerId;
  readonly offerer: boolean;
  state: LinkState;
  generation: number;
  rttMs: number | undefined;
  reason: string | undefined;
  connection: Connection | undefined;
  attempt: string | undefined;
  failures: number;
  /** In the signaling room: an offerer only tries a present peer. */
  present: boolean;
  /** Times the peer appeared in the signaling room (each restart of it is a new appearance). */
  appearances: number;
  /** `appearances` when the current connection was opened: older means made for a previous life. */
  openedAt: number;
  retry: ReturnType<typeof setTimeout> | undefined;
}

export class WebRtcTransport implements Transport {
  readonly self: PeerId;
  private readonly slots = new Map<PeerId, Slot>();
  private readonly messages = new Listeners<Parameters<MessageHandler>>();
  private readonly linkEvents = new Listeners<Parameters<LinkHandler>>();
  private readonly timing: WebRtcTiming;
  private readonly unsubscribe: (() => void)[];
  private attempts = 0;
  private closed = false;
  /** The last message encoded and its bytes: the core sends one PROPOSAL (COMMIT) object to every
   * follower, so it is encoded once. Messages are immutable and bytes are never written to. */
  private lastEncoded: { readonly message: PeerMessage; readonly bytes: Uint8Array } | undefined;

  constructor(private readonly options: WebRtcTransportOptions) {
    this.self = options.self;
    this.timing = { ...defaultWebRtcTiming, ...options.timing };
    assert(options.signaling.self === options.self, 'the signaling speaks for this peer');
    const offers = options.offers ?? lowerIdOffers;
    for (const peer of options.peers) {
      if (peer === options.self) continue;
      this.slots.set(peer, {
        peer, offerer: offers(options.self, peer), state: 'down', generation: 0, rttMs: undefined,
        reason: undefined, connection: undefined, attempt: undefined, failures: 0, present: false, retry: undefined,
        appearances: 0, openedAt: 0,
      });
    }
    const signaling = options.signaling;
    this.unsubscribe = [
      signaling.onSignal((s) => this.onSignal(s)),
      signaling.onPresence((peer, present) => this.onPresence(peer, present)),
      signaling.onStatus((status) => this.onSignalingStatus(status)),
    ];
  }

  send(to: PeerId, message: PeerMessage): void {
    const slot = this.slots.get(to);
    if (slot?.state !== 'up' || !slot.connection) return;
    let bytes = this.lastEncoded?.message === message ? this.lastEncoded.bytes : undefined;
    if (bytes === undefined) this.lastEncoded = { message, bytes: (bytes = encodePeerMessage(message)) };
    slot.connection.send(bytes);
  }

  onMessage(handler: MessageHandler): () => void {
    return this.messages.add(handler);
  }

  onLink(handler: LinkHandler): () => void {
    return this.linkEvents.add(handler);
  }

  links(): readonly LinkInfo[] {
    return [...this.slots.values()].map(info);
  }

  /** Breaks the current link to `peer` (it comes back as a new generation, if the peers still can). */
  disconnect(peer: PeerId, reason = 'disconnected locally'): void {
    this.slots.get(peer)?.connection?.close(reason);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unsubscribe) off();
    for (const slot of this.slots.values()) {
      if (slot.retry !== undefined) clearTimeout(slot.retry);
      slot.connection?.close('transport closed');
    }
    this.messages.clear();
    this.linkEvents.clear();
  }

  private onPresence(peer: PeerId, present: boolean): void {
    const slot = this.slots.get(peer);
    if (!slot) {
      if (present && !this.closed) this.refuseStranger(peer);
      return;
    }
    slot.present = present;
    if (!present) {
      // The data channel does not need the signaling server, so a live peer keeps its link; but a
      // peer that died left the room first: ask the link for a sign of life (connection.ts probe).
      // When this side lost the server (status no longer 'joined'), the absence says nothing of the peer.
      const told = this.options.signaling.status().state === 'joined';
      if (told && slot.connection?.state === 'up' && !this.closed) slot.connection.probe(this.timing.probeTimeoutMs);
      return;
    }
    slot.appearances++;
    if (this.closed) return;
    // A present offerer target with nothing under way: connect now rather than wait out a backoff.
    if (slot.offerer) {
      if (!slot.connection) this.connect(slot);
      return;
    }
    // The answerer cannot dial. Without a link up it knocks: the offerer may hold a stale link to this
    // peer's previous life (or be waiting out a backoff) and would otherwise notice only when it idles out.
    if (slot.connection?.state !== 'up') this.options.signaling.send(slot.peer, { attempt: slot.attempt ?? '', data: { type: KNOCK } });
  }

  /** A knock from an answerer that holds no link up to us (`theirAttempt`: the one it has under way, or ''). */
  private onKnock(slot: Slot, theirAttempt: string): void {
    if (!slot.offerer) return; // the policies disagree: its own offer is on the way, glare settles it
    const connection = slot.connection;
    if (connection) {
      // Our attempt reached it and is under way, or was made after it appeared: our offer is in flight.
      if (theirAttempt !== '' && theirAttempt === slot.attempt) return;
      if (connection.state !== 'up' && slot.openedAt === slot.appearances) return;
      // It holds no link to us, so ours is a leftover of its previous life (or a lost attempt).
      connection.close(`peer ${slot.peer} came back without this link (it restarted): replaced`);
    }
    if (!slot.connection) this.connect(slot);
  }

  private onSignal(signal: InboundSignal): void {
    if (this.closed) return;
    const slot = this.slots.get(signal.from);
    if (!slot) return this.refuseStranger(signal.from);
    switch (signal.kind) {
      case 'garbled':
        this.setDown(slot, signal.reason);
        this.options.signaling.refuse(slot.peer, `peer ${this.self} could not open your signaling (wrong ensemble secret?)`);
        return;
      case 'refuse':
        if (slot.state === 'up') return; // a link that authenticated outranks a plain-text claim
        slot.connection?.close(`refused by peer ${slot.peer}: ${signal.reason}`);
        this.setDown(slot, `refused by peer ${slot.peer}: ${signal.reason}`);
        return;
      case 'signal': {
        const { attempt, data } = signal.payload;
        if ((data as { type?: unknown } | null)?.type === KNOCK) return this.onKnock(slot, attempt);
        if (attempt === slot.attempt) {
          if ((data as { type?: unknown } | null)?.type === ABORT) return this.onAbort(slot, data);
          slot.connection?.signal(data);
          return;
        }
        // A new attempt from the peer replaces ours (it believes the old link is gone); stale
        // candidates of an abandoned attempt are ignored.
        if ((data as { type?: unknown } | null)?.type !== 'offer') return;
        // Glare (both sides offered: their offer policies disagree): the lower id's attempt wins.
        if (slot.connection && slot.connection.state !== 'up' && slot.offerer && this.self < slot.peer) return;
        slot.connection?.close(`peer ${slot.peer} started a new connection`);
        this.open(slot, attempt, false).signal(data);
        return;
      }
    }
  }

  /** Refuses an id outside the ensemble; it never gets a link slot, so it disturbs no one. */
  private refuseStranger(peer: PeerId): void {
    this.options.signaling.refuse(peer, `peer ${this.self} refuses unknown id ${peer}: not a member of this ensemble`);
  }

  private connect(slot: Slot): void {
    this.attempts++;
    const attempt = `${this.self}-${this.attempts}-${Math.floor((this.options.random ?? Math.random)() * 2 ** 32).toString(36)}`;
    this.open(slot, attempt, true);
  }

  private open(slot: Slot, attempt: string, initiator: boolean): Connection {
    if (slot.retry !== undefined) clearTimeout(slot.retry);
    slot.retry = undefined;
    slot.attempt = attempt;
    slot.openedAt = slot.appearances;
    const connection: Connection = new Connection({
      self: this.self,
      peer: slot.peer,
      initiator,
      authKey: this.options.keys.auth,
      wrtc: this.options.wrtc,
      timing: this.timing,
      events: {
        signal: (data) => this.options.signaling.send(slot.peer, { attempt, data }),
        up: () => this.onUp(slot, connection),
        message: (bytes) => this.onBytes(slot, connection, bytes),
        rtt: (ms) => {
          slot.rttMs = slot.rttMs === undefined ? ms : slot.rttMs * 0.875 + ms * 0.125;
        },
        closed: (reason, toldPeer) => {
          // An attempt that failed before its data channel opened: say so, or the peer waits out its timeout.
          if (!toldPeer && slot.connection === connection && !this.closed) {
            this.options.signaling.send(slot.peer, { attempt, data: { type: ABORT, reason } });
          }
          this.onClosed(slot, connection, reason);
        },
      },
    });
    slot.connection = connection;
    this.setState(slot, 'connecting', slot.reason);
    return connection;
  }

  private onAbort(slot: Slot, data: unknown): void {
    const connection = slot.connection;
    if (!connection || connection.state === 'up') return;
    const said = (data as { reason?: unknown }).reason;
    const reason = `peer ${slot.peer} abandoned the attempt: ${typeof said === 'string' ? said.slice(0, 200) : 'no reason'}`;
    // Detach first, so the close is not echoed back as an abort of our own.
    slot.connection = undefined;
    slot.attempt = undefined;
    connection.close(reason);
    slot.failures++;
    this.setDown(slot, reason);
  }

  private onUp(slot: Slot, connection: Connection): void {
    if (slot.connection !== connection) return;
    slot.generation++;
    slot.failures = 0;
    slot.rttMs = undefined;
    this.setState(slot, 'up', undefined);
  }

  private onBytes(slot: Slot, connection: Connection, bytes: Uint8Array): void {
    if (slot.connection !== connection || slot.state !== 'up') return;
    let message: PeerMessage;
    try {
      message = decodePeerMessage(bytes);
    } catch (error) {
      connection.close(`undecodable message from peer ${slot.peer}: ${(error as Error).message}`);
      return;
    }
    this.messages.emit(slot.peer, message, slot.generation);
  }

  private onClosed(slot: Slot, connection: Connection, reason: string): void {
    if (slot.connection !== connection) return;
    slot.connection = undefined;
    slot.attempt = undefined;
    if (this.closed) return;
    slot.failures++;
    this.setDown(slot, reason);
  }

  private setDown(slot: Slot, reason: string): void {
    if (slot.connection) return; // an attempt is still under way: its own close reports it
    this.setState(slot, 'down', reason);
    if (slot.offerer && slot.present && !this.closed) this.scheduleReconnect(slot);
  }

  private scheduleReconnect(slot: Slot): void {
    if (slot.retry !== undefined) return;
    const { backoffBaseMs, backoffMaxMs } = this.timing;
    const ceiling = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(slot.failures, 20));
    const delay = ceiling / 2 + (this.options.random ?? Math.random)() * (ceiling / 2);
    slot.retry = setTimeout(() => {
      slot.retry = undefined;
      if (!this.closed && !slot.connection && slot.present) this.connect(slot);
    }, delay);
  }

  private onSignalingStatus(status: SignalingStatus): void {
    if (status.state !== 'refused') return;
    for (const slot of this.slots.values()) {
      if (!slot.connection) this.setState(slot, 'down', `signaling refused: ${status.reason ?? 'no reason given'}`);
    }
  }

  private setState(slot: Slot, state: LinkState, reason: string | undefined): void {
    if (slot.state === state && slot.reason === reason) return;
    slot.state = state;
    slot.reason = reason;
    this.linkEvents.emit(info(slot));
  }
}

function info(slot: Slot): LinkInfo {
  return {
    peer: slot.peer,
    state: slot.state,
    generation: slot.generation,
    ...(slot.rttMs === undefined ? {} : { rttMs: slot.rttMs }),
    ...(slot.reason === undefined ? {} : { reason: slot.reason }),
  };
}
