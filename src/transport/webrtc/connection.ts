// One connection attempt to one peer: a simple-peer with one ordered, reliable data channel. It
// authenticates (auth.ts) before anything else, then carries whole messages as chunks (framing.ts),
// measures RTT with PING/PONG, and applies backpressure: frames queue while the channel's
// bufferedAmount is above the high-water mark and resume on bufferedamountlow. Messages sent in one
// turn of the event loop (the PROPOSALs, ACKs, COMMITs of every Ready the driver ran in it) leave
// together as BATCH frames of at most one chunk, flushed at the end of the turn (setImmediate; a
// microtask where there is none): one data channel send per batch instead of one per message. A queue past its bound,
// a malformed frame, a silent peer or a failed handshake closes the connection with a reason. A closed
// connection never reopens: the transport makes a new one (a new link generation).

import SimplePeer from 'simple-peer';
import { limits } from '../../core/util/limits.ts';
import { endOfTurn } from '../end-of-turn.ts';
import { Handshake } from './auth.ts';
import {
  BATCH_ENTRY_OVERHEAD_BYTES, chunkMessage, decodeFrame, encodeBatch, encodeControl, isFrameError, NONCE_BYTES, Reassembler,
  type Frame,
} from './framing.ts';

/** simple-peer's `wrtc` option: the RTCPeerConnection implementation (node-wrtc.ts in Node). */
export interface WrtcImplementation {
  readonly RTCPeerConnection: typeof RTCPeerConnection;
  readonly RTCSessionDescription: typeof RTCSessionDescription;
  readonly RTCIceCandidate: typeof RTCIceCandidate;
}

export interface ConnectionTiming {
  /** From creation to authenticated. */
  readonly connectTimeoutMs: number;
  readonly pingIntervalMs: number;
  /** Nothing heard for this long closes the connection. */
  readonly idleTimeoutMs: number;
  /** Pause sending above this bufferedAmount (128-256 KiB; 1 MiB stalls Chromium). */
  readonly highWaterBytes: number;
  /** Bytes queued behind backpressure before the connection is broken (limits.link_send_queue_bytes_max). */
  readonly sendQueueBytesMax?: number;
}

export interface ConnectionEvents {
  signal(data: unknown): void;
  up(): void;
  message(bytes: Uint8Array): void;
  rtt(ms: number): void;
  /** `toldPeer`: the data channel carried the reason to the peer (else the peer may not know). */
  closed(reason: string, toldPeer: boolean): void;
}

export interface ConnectionOptions {
  readonly self: number;
  readonly peer: number;
  readonly initiator: boolean;
  readonly authKey: CryptoKey;
  /** Undefined in a browser: simple-peer takes the global RTCPeerConnection. */
  readonly wrtc: WrtcImplementation | undefined;
  readonly timing: ConnectionTiming;
  readonly events: ConnectionEvents;
}

export type ConnectionState = 'connecting' | 'authenticating' | 'up' | 'closed';

/** The data channel surface used for backpressure (simple-peer keeps it private). */
interface ChannelLike {
  readonly bufferedAmount: number;
  addEventListener(type: 'bufferedamountlow', listener: () => void): void;
}

export class Connection {
  private connState: ConnectionState = 'connecting';
  private readonly sp: SimplePeer.Instance;
  private readonly handshake: Handshake;
  private readonly reassembler = new Reassembler();
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  /** Messages sent this turn, not yet framed: one BATCH frame at the next flush. */
  private batch: Uint8Array[] = [];
  /** The BATCH frame `batch` makes, in bytes (header included). */
  private batchBytes = BATCH_HEADER_BYTES;
  private flushScheduled = false;
  /** Frames that arrived while an async handshake step ran: processed in order after it. */
  private inbox: Promise<void> = Promise.resolve();
  private inboxDepth = 0;
  private channel: ChannelLike | undefined;
  private lastHeard = now();
  private readonly connectTimer: ReturnType<typeof setTimeout>;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private pumpRetry: ReturnType<typeof setTimeout> | undefined;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: ConnectionOptions) {
    const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
    this.handshake = new Handshake({ self: options.self, peer: options.peer, key: options.authKey, nonce });
    this.sp = new SimplePeer({
      initiator: options.initiator,
      trickle: true,
      config: { iceServers: [] },
      channelConfig: { ordered: true },
      ...(options.wrtc ? { wrtc: options.wrtc as unknown as SimplePeer.Options['wrtc'] } : {}),
    });
    this.sp.on('signal', (data) => this.connState !== 'closed' && options.events.signal(data));
    this.sp.on('connect', () => this.onChannelOpen());
    this.sp.on('data', (data: Uint8Array | ArrayBuffer) => this.onData(data));
    this.sp.on('error', (error: Error) => this.close(`WebRTC error: ${error.message}`));
    this.sp.on('close', () => this.close('the data channel closed'));
    this.connectTimer = setTimeout(() => {
      if (this.connState !== 'up') this.close(`not connected within ${options.timing.connectTimeoutMs} ms`);
    }, options.timing.connectTimeoutMs);
  }

  get state(): ConnectionState {
    return this.connState;
  }

  /** A signal from the peer for this attempt. */
  signal(data: unknown): void {
    if (this.connState === 'closed') return;
    try {
      this.sp.signal(data as SimplePeer.SignalData);
    } catch (error) {
      this.close(`bad signal from peer ${this.options.peer}: ${(error as Error).message}`);
    }
  }

  /** Sends one encoded message in order; false (and the connection closes) past the queue bound. */
  send(payload: Uint8Array): boolean {
    if (this.connState !== 'up') return false;
    const entry = BATCH_ENTRY_OVERHEAD_BYTES + payload.length;
    if (BATCH_HEADER_BYTES + entry > limits.datachannel_chunk_bytes_max) {
      // Too big to share a frame: whatever is batched goes first, then this one in chunks.
      this.flushBatch();
      for (const frame of chunkMessage(payload)) this.enqueue(frame);
      this.pump();
    } else {
      if (this.batchBytes + entry > limits.datachannel_chunk_bytes_max) this.flushBatch();
      this.batch.push(payload);
      this.batchBytes += entry;
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        endOfTurn(() => {
          this.flushScheduled = false;
          this.flushBatch();
          this.pump();
        });
      }
    }
    // A peer that cannot keep up gets a broken link (a new generation), never an unbounded queue.
    const max = this.options.timing.sendQueueBytesMax ?? limits.link_send_queue_bytes_max;
    if (this.queuedBytes + this.batchBytes - BATCH_HEADER_BYTES > max) {
      this.close(`send queue to peer ${this.options.peer} exceeded ${max} bytes`);
      return false;
    }
    return true;
  }

  close(reason: string): void {
    if (this.connState === 'closed') return;
    const told = this.connState === 'authenticating' || this.connState === 'up';
    this.connState = 'closed';
    clearTimeout(this.connectTimer);
    if (this.pingTimer !== undefined) clearTimeout(this.pingTimer);
    if (this.pumpRetry !== undefined) clearTimeout(this.pumpRetry);
    if (this.probeTimer !== undefined) clearTimeout(this.probeTimer);
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.batch = [];
    this.batchBytes = BATCH_HEADER_BYTES;
    if (told) {
      // Tell the peer why, and give the frame a moment to leave before the channel goes.
      try {
        this.sp.send(encodeControl({ kind: 'refuse', reason }));
      } catch {
        // The channel is already gone; the peer learns from its close.
      }
      setTimeout(() => this.sp.destroy(), CLOSE_GRACE_MS);
    } else {
      this.sp.destroy();
    }
    this.options.events.closed(reason, told);
  }

  /**
   * Asks for a sign of life now: pings, and closes the connection unless something (a pong, any
   * frame) arrives within `ms`. For a peer that may have died without a word (it left signaling):
   * a live one answers at once, a dead one would only be noticed after idleTimeoutMs.
   */
  probe(ms: number): void {
    if (this.connState !== 'up' || this.probeTimer !== undefined) return;
    const asked = now();
    this.enqueueControl(encodeControl({ kind: 'ping', stamp: asked }));
    this.pump();
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      if (this.connState === 'up' && this.lastHeard < asked) this.close(`peer ${this.options.peer} did not answer a probe within ${ms} ms`);
    }, ms);
  }

  /** A method, not a field test: the state may change across an await. */
  private isClosed(): boolean {
    return this.connState === 'closed';
  }

  private onChannelOpen(): void {
    if (this.connState !== 'connecting') return;
    this.connState = 'authenticating';
    this.channel = (this.sp as unknown as { _channel: ChannelLike })._channel;
    this.channel.addEventListener('bufferedamountlow', () => this.pump());
    this.sendRaw(this.handshake.hello());
  }

  private onData(data: Uint8Array | ArrayBuffer): void {
    if (this.connState === 'closed') return;
    // The peer's first frame can beat simple-peer's 'connect' (Chromium delivers channel messages
    // before simple-peer sees the connection ready): the channel is open, so say our hello first,
    // or our proof would reach the peer before it.
    if (this.connState === 'connecting') this.onChannelOpen();
    this.lastHeard = now();
    // A plain view: in Node simple-peer hands over Buffers, and nothing past here should see one.
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    const frame = decodeFrame(bytes);
    if (frame.kind === 'error') return this.close(`peer ${this.options.peer}: ${frame.reason}`);
    if (this.connState === 'up' && this.inboxDepth === 0) return this.onFrame(frame);
    // Until the handshake is done its steps are async; later frames wait for them, in order.
    this.inboxDepth++;
    this.inbox = this.inbox.then(async () => {
      this.inboxDepth--;
      if (this.connState === 'closed') return;
      if (this.connState === 'up') return this.onFrame(frame);
      const step = await this.handshake.step(frame);
      if (this.isClosed()) return;
      for (const bytes of step.send) this.sendRaw(bytes);
      if (step.kind === 'failed') return this.close(step.reason);
      if (step.kind === 'up') this.onUp();
    });
  }

  private onUp(): void {
    this.connState = 'up';
    const { pingIntervalMs, idleTimeoutMs } = this.options.timing;
    const tick = (): void => {
      if (this.connState !== 'up') return;
      if (now() - this.lastHeard > idleTimeoutMs) return this.close(`peer ${this.options.peer} silent for ${idleTimeoutMs} ms`);
      this.enqueueControl(encodeControl({ kind: 'ping', stamp: now() }));
      this.pump();
      this.pingTimer = setTimeout(tick, pingIntervalMs);
    };
    tick();
    this.options.events.up();
  }

  private onFrame(frame: Frame): void {
    switch (frame.kind) {
      case 'data': {
        const whole = this.reassembler.push(frame);
        if (isFrameError(whole)) return this.close(`peer ${this.options.peer}: ${whole.reason}`);
        if (whole) this.options.events.message(whole);
        return;
      }
      case 'batch': {
        if (this.reassembler.midMessage) return this.close(`peer ${this.options.peer}: a batch between the chunks of a message`);
        for (const message of frame.messages) {
          // A message may close the connection (it did not decode): the rest are not for us then.
          if (this.connState !== 'up') return;
          this.options.events.message(message);
        }
        return;
      }
      case 'ping':
        this.enqueueControl(encodeControl({ kind: 'pong', stamp: frame.stamp }));
        return this.pump();
      case 'pong':
        return this.options.events.rtt(Math.max(0, now() - frame.stamp));
      case 'refuse':
        return this.close(`closed by peer ${this.options.peer}: ${frame.reason}`);
      case 'hello':
      case 'proof':
      case 'accept':
        return this.close(`peer ${this.options.peer} sent ${frame.kind} after authenticating`);
    }
  }

  /** Frames the messages batched so far: one as a plain DATA frame, several as a BATCH. */
  private flushBatch(): void {
    const batch = this.batch;
    if (batch.length === 0 || this.connState !== 'up') return;
    this.batch = [];
    this.batchBytes = BATCH_HEADER_BYTES;
    if (batch.length === 1) for (const frame of chunkMessage(batch[0]!)) this.enqueue(frame);
    else this.enqueue(encodeBatch(batch));
  }

  private enqueue(frame: Uint8Array): void {
    this.queue.push(frame);
    this.queuedBytes += frame.length;
  }

  /** Control frames jump the queue (they may sit between the chunks of a message): RTT then measures
   * the channel, not our backlog. */
  private enqueueControl(frame: Uint8Array): void {
    this.queue.unshift(frame);
    this.queuedBytes += frame.length;
  }

  /** Sends queued frames while the channel's buffer is below the high-water mark. */
  private pump(): void {
    const channel = this.channel;
    if (this.connState !== 'up' || !channel) return;
    let sent = 0;
    while (sent < this.queue.length && channel.bufferedAmount < this.options.timing.highWaterBytes) {
      const frame = this.queue[sent++] as Uint8Array;
      this.queuedBytes -= frame.length;
      if (!this.sendRaw(frame)) return;
    }
    this.queue.splice(0, sent);
    // bufferedamountlow resumes us; a slow timer guards against an implementation that never fires it.
    if (this.queue.length > 0 && this.pumpRetry === undefined) {
      this.pumpRetry = setTimeout(() => {
        this.pumpRetry = undefined;
        this.pump();
      }, 50);
    }
  }

  private sendRaw(frame: Uint8Array): boolean {
    try {
      this.sp.send(frame);
      return true;
    } catch (error) {
      this.close(`send failed: ${(error as Error).message}`);
      return false;
    }
  }
}

const CLOSE_GRACE_MS = 100;
const BATCH_HEADER_BYTES = 1;
const now = (): number => globalThis.performance.now();
