// Frames on one data channel. A data channel message over 256 KiB fails, so an encoded peer message
// travels as DATA chunks of at most datachannel_chunk_bytes_max (header included); the last chunk says
// so, and the Reassembler joins them in order (the channel is ordered and reliable). Small messages
// sent together travel as one BATCH frame (u32 length + message, repeated): each data channel send
// costs a native call and an SCTP message, which under load cost more than the messages themselves.
// Beside data: PING and PONG (RTT), and the authentication frames HELLO, PROOF, ACCEPT and REFUSE
// (auth.ts).
// Layout: u8 kind, then the kind's body. Bytes come from another peer: decodeFrame never asserts, it
// returns a FrameError whose reason the link reports when it closes.

import { concatBytes } from '../../codec/concat-bytes.ts';
import { assert } from '../../core/util/assert.ts';
import { limits } from '../../core/util/limits.ts';

export const FrameKind = {
  dataMore: 1,
  dataLast: 2,
  ping: 3,
  pong: 4,
  hello: 5,
  proof: 6,
  accept: 7,
  refuse: 8,
  batch: 9,
} as const;

export const NONCE_BYTES = 32;
export const PROOF_BYTES = 32;
/** 2: BATCH frames (a version-1 peer would close the link on one; the handshake refuses it first). */
export const AUTH_VERSION = 2;
const REASON_BYTES_MAX = 1024;
const HEADER_BYTES = 1;
/** Each message of a BATCH frame is preceded by its u32 length. */
export const BATCH_ENTRY_OVERHEAD_BYTES = 4;

export type Frame =
  | { readonly kind: 'data'; readonly last: boolean; readonly chunk: Uint8Array }
  | { readonly kind: 'batch'; readonly messages: readonly Uint8Array[] }
  | { readonly kind: 'ping' | 'pong'; readonly stamp: number }
  | { readonly kind: 'hello'; readonly version: number; readonly from: number; readonly to: number; readonly nonce: Uint8Array }
  | { readonly kind: 'proof'; readonly mac: Uint8Array }
  | { readonly kind: 'accept' }
  | { readonly kind: 'refuse'; readonly reason: string };

export interface FrameError {
  readonly kind: 'error';
  readonly reason: string;
}

/** Splits one encoded message into DATA frames of at most `chunkBytes` each (header included). */
export function chunkMessage(payload: Uint8Array, chunkBytes: number = limits.datachannel_chunk_bytes_max): Uint8Array[] {
  assert(chunkBytes > HEADER_BYTES, 'a chunk must hold more than its header');
  const body = chunkBytes - HEADER_BYTES;
  const frames: Uint8Array[] = [];
  let offset = 0;
  do {
    const end = Math.min(payload.length, offset + body);
    const frame = new Uint8Array(HEADER_BYTES + end - offset);
    frame[0] = end === payload.length ? FrameKind.dataLast : FrameKind.dataMore;
    frame.set(payload.subarray(offset, end), HEADER_BYTES);
    frames.push(frame);
    offset = end;
  } while (offset < payload.length);
  return frames;
}

/** The bytes one BATCH frame of `messages` takes. */
export function batchFrameBytes(messages: readonly Uint8Array[]): number {
  let total = HEADER_BYTES;
  for (const m of messages) total += BATCH_ENTRY_OVERHEAD_BYTES + m.length;
  return total;
}

/** Several whole messages in one frame (the sender keeps it within a chunk: see Connection). */
export function encodeBatch(messages: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(batchFrameBytes(messages));
  const view = new DataView(out.buffer);
  out[0] = FrameKind.batch;
  let at = HEADER_BYTES;
  for (const m of messages) {
    view.setUint32(at, m.length);
    out.set(m, at + BATCH_ENTRY_OVERHEAD_BYTES);
    at += BATCH_ENTRY_OVERHEAD_BYTES + m.length;
  }
  return out;
}

export function encodeControl(frame: Exclude<Frame, { kind: 'data' | 'batch' }>): Uint8Array {
  switch (frame.kind) {
    case 'ping':
    case 'pong': {
      const out = new Uint8Array(1 + 8);
      out[0] = frame.kind === 'ping' ? FrameKind.ping : FrameKind.pong;
      new DataView(out.buffer).setFloat64(1, frame.stamp);
      return out;
    }
    case 'hello': {
      assert(frame.nonce.length === NONCE_BYTES, 'a hello nonce has NONCE_BYTES');
      const out = new Uint8Array(4 + NONCE_BYTES);
      out.set([FrameKind.hello, frame.version, frame.from, frame.to]);
      out.set(frame.nonce, 4);
      return out;
    }
    case 'proof': {
      assert(frame.mac.length === PROOF_BYTES, 'a proof has PROOF_BYTES');
      const out = new Uint8Array(1 + PROOF_BYTES);
      out[0] = FrameKind.proof;
      out.set(frame.mac, 1);
      return out;
    }
    case 'accept':
      return Uint8Array.of(FrameKind.accept);
    case 'refuse': {
      const reason = new TextEncoder().encode(frame.reason).subarray(0, REASON_BYTES_MAX);
      const out = new Uint8Array(1 + reason.length);
      out[0] = FrameKind.refuse;
      out.set(reason, 1);
      return out;
    }
  }
}

export function decodeFrame(bytes: Uint8Array): Frame | FrameError {
  const kind = bytes[0];
  const body = bytes.subarray(1);
  const sized = (n: number, name: string): FrameError | undefined =>
    body.length === n ? undefined : { kind: 'error', reason: `malformed ${name} frame: ${body.length} bytes` };
  switch (kind) {
    case FrameKind.dataMore:
    case FrameKind.dataLast:
      return { kind: 'data', last: kind === FrameKind.dataLast, chunk: body };
    case FrameKind.batch:
      return decodeBatch(body);
    case FrameKind.ping:
    case FrameKind.pong: {
      const bad = sized(8, 'ping');
      if (bad) return bad;
      const stamp = new DataView(body.buffer, body.byteOffset, 8).getFloat64(0);
      return { kind: kind === FrameKind.ping ? 'ping' : 'pong', stamp };
    }
    case FrameKind.hello: {
      const bad = sized(3 + NONCE_BYTES, 'hello');
      if (bad) return bad;
      return { kind: 'hello', version: body[0] ?? 0, from: body[1] ?? 0, to: body[2] ?? 0, nonce: body.slice(3) };
    }
    case FrameKind.proof:
      return sized(PROOF_BYTES, 'proof') ?? { kind: 'proof', mac: body.slice() };
    case FrameKind.accept:
      return sized(0, 'accept') ?? { kind: 'accept' };
    case FrameKind.refuse:
      if (body.length > REASON_BYTES_MAX) return { kind: 'error', reason: 'malformed refuse frame: reason too long' };
      return { kind: 'refuse', reason: new TextDecoder().decode(body) };
    default:
      return { kind: 'error', reason: `unknown frame kind ${kind ?? '(empty frame)'}` };
  }
}

/** The messages of a BATCH frame's body: views into it, not copies. */
function decodeBatch(body: Uint8Array): Frame | FrameError {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const messages: Uint8Array[] = [];
  let at = 0;
  while (at < body.length) {
    if (body.length - at < BATCH_ENTRY_OVERHEAD_BYTES) return { kind: 'error', reason: `malformed batch frame: a length cut at byte ${at}` };
    const length = view.getUint32(at);
    const start = at + BATCH_ENTRY_OVERHEAD_BYTES;
    if (length > body.length - start) return { kind: 'error', reason: `malformed batch frame: a message of ${length} bytes overruns the frame` };
    messages.push(body.subarray(start, start + length));
    at = start + length;
  }
  if (messages.length === 0) return { kind: 'error', reason: 'malformed batch frame: no messages' };
  return { kind: 'batch', messages };
}

/** Joins DATA chunks into whole messages, refusing one that grows past `maxBytes`. */
export class Reassembler {
  private parts: Uint8Array[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number = limits.peer_message_bytes_max) {}

  /** True between the first and the last chunk of a message (a BATCH cannot come then). */
  get midMessage(): boolean {
    return this.parts.length > 0;
  }

  /** A whole message, undefined while more chunks are due, or a FrameError past the bound. */
  push(frame: { readonly last: boolean; readonly chunk: Uint8Array }): Uint8Array | undefined | FrameError {
    this.bytes += frame.chunk.length;
    if (this.bytes > this.maxBytes) {
      return { kind: 'error', reason: `a reassembled message exceeds ${this.maxBytes} bytes` };
    }
    this.parts.push(frame.chunk);
    if (!frame.last) return undefined;
    const whole = this.parts.length === 1 ? (this.parts[0] as Uint8Array) : concatBytes(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    return whole;
  }
}

export const isFrameError = (x: unknown): x is FrameError =>
  typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && (x as { kind?: unknown }).kind === 'error';
