import { describe, expect, it } from 'vitest';
import type { PeerMessage } from '../../src/core/messages.ts';
import { asPeerId, type PeerId } from '../../src/core/util/ids.ts';
import type { DurableState, PersistOp } from '../../src/core/zab/durable.ts';
import type { DurableStore } from '../../src/storage/durable-store.ts';
import { MemoryStore } from '../../src/storage/memory.ts';
import type { Transport } from '../../src/transport/transport.ts';
import { Ensemble } from './ensemble.ts';

/** A store whose persists complete only when the test releases them (or at once, when open). */
class GatedStore implements DurableStore {
  readonly inner = new MemoryStore();
  inFlight = 0;
  overlaps = 0;
  persists = 0;
  held: (() => void)[] = [];
  gate = false;

  load(): Promise<DurableState> {
    return this.inner.load();
  }

  async persist(ops: readonly PersistOp[]): Promise<void> {
    if (this.inFlight > 0) this.overlaps++;
    this.inFlight++;
    this.persists++;
    try {
      if (this.gate) await new Promise<void>((resolve) => this.held.push(resolve));
      await this.inner.persist(ops);
    } finally {
      this.inFlight--;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  release(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }
}

/** Records every send, and whether the sender's store had a persist in flight at that moment. */
function watchSends(store: GatedStore, log: { message: PeerMessage; persisting: boolean }[]) {
  return (_id: PeerId, t: Transport): Transport => ({
    self: t.self,
    send: (to, message) => {
      log.push({ message, persisting: store.inFlight > 0 });
      t.send(to, message);
    },
    onMessage: (h) => t.onMessage(h),
    onLink: (h) => t.onLink(h),
    links: () => t.links(),
    close: () => t.close(),
  });
}

describe('the runtime driver loop', () => {
  it('never sends while a persist is in flight, and never runs two persists at once', async () => {
    const gated = new GatedStore();
    const sends: { message: PeerMessage; persisting: boolean }[] = [];
    const one = asPeerId(1);
    const e = new Ensemble({
      voters: 3,
      openStore: async (id) => (id === one ? gated : new MemoryStore()),
      wrapTransport: (id, t) => (id === one ? watchSends(gated, sends)(id, t) : t),
    });
    try {
      await e.startAll();
      await e.electLeader();
      expect(gated.persists).toBeGreaterThan(0);
      expect(sends.length).toBeGreaterThan(0);
      expect(sends.filter((s) => s.persisting)).toEqual([]);
      expect(gated.overlaps).toBe(0);
    } finally {
      await e.stopAll();
    }
  });

  it('holds back sends until the persist before them resolves, and queues ticks and messages meanwhile', async () => {
    const gated = new GatedStore();
    const sends: { message: PeerMessage; persisting: boolean }[] = [];
    const one = asPeerId(1);
    const e = new Ensemble({
      voters: 3,
      openStore: async (id) => (id === one ? gated : new MemoryStore()),
      wrapTransport: (id, t) => (id === one ? watchSends(gated, sends)(id, t) : t),
    });
    try {
      gated.gate = true;
      await e.startAll();
      const peer = e.peer(one);
      // Tick until peer 1's first persist (an epoch it must record durably) is held.
      for (let i = 0; i < 100 && gated.held.length === 0; i++) {
        e.clock.advance(e.config.tickMs);
        await e.flush();
      }
      expect(gated.held.length).toBe(1);
      const sentBefore = sends.length;
      const ticksBefore = peer.zab.ticks;
      for (let i = 0; i < 5; i++) e.clock.advance(e.config.tickMs);
      await e.flush();
      expect(sends.length).toBe(sentBefore);
      expect(peer.zab.ticks).toBe(ticksBefore);
      expect(peer.isIdle).toBe(false);

      gated.gate = false;
      gated.release();
      await e.settle();
      expect(peer.zab.ticks).toBe(ticksBefore + 5);
      expect(sends.filter((s) => s.persisting)).toEqual([]);
      expect(gated.overlaps).toBe(0);
      await e.electLeader();
    } finally {
      gated.gate = false;
      gated.release();
      await e.stopAll();
    }
  });
});
