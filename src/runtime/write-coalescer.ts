// Coalesces the framed packets written to one byte stream in one turn of the event loop into one
// send: one WebSocket message or one socket write instead of one per packet. Under load a client
// keeps dozens of requests in flight and a peer answers dozens per turn; each send is a frame, a
// write system call and a wake-up at the other end, which cost more than the packets themselves.
// The receiver loses nothing: ZooKeeper packets carry their own length, and both ends read them
// through a stream splitter. Order is kept; a send is at most `maxBytes` unless one packet alone
// is bigger (it then goes alone). The flush runs at the end of the turn (setImmediate where there
// is one, else a microtask), or at once on flush(). No node:* here: pages load it too.

import { concatBytes } from '../codec/concat-bytes.ts';
import { endOfTurn } from '../transport/end-of-turn.ts';

export const COALESCED_SEND_BYTES_MAX = 64 * 1024;

export class WriteCoalescer {
  private parts: Uint8Array[] = [];
  private bytes = 0;
  private scheduled = false;

  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly maxBytes: number = COALESCED_SEND_BYTES_MAX,
  ) {}

  write(bytes: Uint8Array): void {
    if (this.bytes + bytes.length > this.maxBytes) this.flush();
    this.parts.push(bytes);
    this.bytes += bytes.length;
    if (this.bytes >= this.maxBytes) return this.flush();
    if (this.scheduled) return;
    this.scheduled = true;
    endOfTurn(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Sends what is held now (before a close, so that it leaves first). */
  flush(): void {
    const parts = this.parts;
    if (parts.length === 0) return;
    const total = this.bytes;
    this.parts = [];
    this.bytes = 0;
    this.sink(parts.length === 1 ? parts[0]! : concatBytes(parts, total));
  }

  /** Drops what is held (the stream is gone). */
  discard(): void {
    this.parts = [];
    this.bytes = 0;
  }
}

