// Splits a byte stream (TCP) into ZooKeeper packets: each is a 4-byte big-endian signed length and
// that many bytes. A negative length or one over limits.client_packet_bytes_max (jute.maxbuffer's
// role) is a CodecError: the connection is beyond repair and is closed, as ZooKeeper closes it.
// WebSocket messages carry the same prefix (one or more whole packets per message) through the same splitter.

import { limits } from '../../core/util/limits.ts';
import { CodecError } from '../codec-error.ts';

export class PacketSplitter {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Bytes consumed so far, for error offsets. */
  private consumed = 0;

  constructor(private readonly maxBytes: number = limits.client_packet_bytes_max) {}

  /** Adds bytes; returns the packets now complete (payloads without the length prefix). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(4);
      const length = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!);
      if (length < 0) throw new CodecError(`packet length is negative (${length})`, this.consumed);
      if (length > this.maxBytes) throw new CodecError(`packet of ${length} bytes, more than ${this.maxBytes}`, this.consumed);
      if (this.buffered < 4 + length) break;
      out.push(this.take(4 + length).subarray(4));
    }
    return out;
  }

  /** Bytes held of a packet not yet complete. */
  get pending(): number {
    return this.buffered;
  }

  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    this.coalesce();
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length < n) this.coalesce();
    const whole = this.chunks[0]!;
    const out = whole.subarray(0, n);
    if (whole.length === n) this.chunks.shift();
    else this.chunks[0] = whole.subarray(n);
    this.buffered -= n;
    this.consumed += n;
    return out;
  }

  private coalesce(): void {
    const all = new Uint8Array(this.buffered);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    this.chunks = [all];
  }
}
