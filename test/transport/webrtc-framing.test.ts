import { describe, expect, it } from 'vitest';
import {
  batchFrameBytes, chunkMessage, decodeFrame, encodeBatch, encodeControl, isFrameError, Reassembler, type Frame,
} from '../../src/transport/webrtc/framing.ts';

const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

function roundTrip(payload: Uint8Array, chunkBytes?: number): { frames: Uint8Array[]; out: Uint8Array[] } {
  const frames = chunkMessage(payload, chunkBytes);
  const r = new Reassembler();
  const out: Uint8Array[] = [];
  for (const f of frames) {
    const frame = decodeFrame(f);
    if (frame.kind !== 'data') throw new Error(`not data: ${frame.kind}`);
    const whole = r.push(frame);
    if (isFrameError(whole)) throw new Error(whole.reason);
    if (whole) out.push(whole);
  }
  return { frames, out };
}

describe('data channel framing', () => {
  it('a 1 MiB message travels as 64 KiB frames and reassembles whole', () => {
    const payload = bytes(1024 * 1024);
    const { frames, out } = roundTrip(payload);
    expect(frames.every((f) => f.length <= 64 * 1024)).toBe(true);
    expect(frames.length).toBe(17);
    expect(out).toHaveLength(1);
    expect(Buffer.from(out[0] as Uint8Array).equals(payload)).toBe(true);
  });

  it('an empty message is one last frame and arrives empty', () => {
    const { frames, out } = roundTrip(new Uint8Array(0));
    expect(frames).toHaveLength(1);
    expect(out).toEqual([new Uint8Array(0)]);
  });

  it('a message of exactly one chunk body is one frame', () => {
    const { frames, out } = roundTrip(bytes(99), 100);
    expect(frames).toHaveLength(1);
    expect(out[0]).toEqual(bytes(99));
  });

  it('a reassembled message past the bound is refused with a reason', () => {
    const r = new Reassembler(150);
    const frames = chunkMessage(bytes(200), 100).map(decodeFrame);
    const results = frames.map((f) => (f.kind === 'data' ? r.push(f) : f));
    expect(results.some((x) => isFrameError(x) && /exceeds 150 bytes/.test(x.reason))).toBe(true);
  });

  it('control frames round-trip', () => {
    const frames: Exclude<Frame, { kind: 'data' | 'batch' }>[] = [
      { kind: 'ping', stamp: 1234.5 },
      { kind: 'pong', stamp: 99 },
      { kind: 'hello', version: 1, from: 3, to: 7, nonce: bytes(32) },
      { kind: 'proof', mac: bytes(32) },
      { kind: 'accept' },
      { kind: 'refuse', reason: 'wrong secret' },
    ];
    for (const f of frames) expect(decodeFrame(encodeControl(f))).toEqual(f);
  });

  it('malformed frames decode to an error with a reason, never a throw', () => {
    expect(decodeFrame(new Uint8Array(0))).toEqual({ kind: 'error', reason: 'unknown frame kind (empty frame)' });
    expect(decodeFrame(Uint8Array.of(99))).toMatchObject({ kind: 'error', reason: 'unknown frame kind 99' });
    expect(decodeFrame(Uint8Array.of(3, 1, 2))).toMatchObject({ kind: 'error', reason: /malformed ping/ });
    expect(decodeFrame(Uint8Array.of(5, 1, 2))).toMatchObject({ kind: 'error', reason: /malformed hello/ });
    expect(decodeFrame(Uint8Array.of(7, 0))).toMatchObject({ kind: 'error', reason: /malformed accept/ });
  });

  it('a batch frame carries several whole messages, empty ones included, in order', () => {
    const messages = [bytes(10), new Uint8Array(0), bytes(300), bytes(1)];
    const frame = encodeBatch(messages);
    expect(frame.length).toBe(batchFrameBytes(messages));
    expect(frame.length).toBe(1 + 4 * 4 + 311);
    const decoded = decodeFrame(frame);
    expect(decoded.kind).toBe('batch');
    if (decoded.kind !== 'batch') return;
    expect(decoded.messages.map((m) => [...m])).toEqual(messages.map((m) => [...m]));
  });

  it('a malformed batch frame decodes to an error with a reason', () => {
    const good = encodeBatch([bytes(20), bytes(5)]);
    expect(decodeFrame(Uint8Array.of(9))).toMatchObject({ kind: 'error', reason: /no messages/ });
    expect(decodeFrame(good.subarray(0, good.length - 1))).toMatchObject({ kind: 'error', reason: /overruns the frame/ });
    expect(decodeFrame(Uint8Array.of(9, 0, 0))).toMatchObject({ kind: 'error', reason: /length cut/ });
    const huge = Uint8Array.of(9, 0xff, 0xff, 0xff, 0xff, 1, 2);
    expect(decodeFrame(huge)).toMatchObject({ kind: 'error', reason: /overruns the frame/ });
  });
});
