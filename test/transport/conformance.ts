// One conformance suite every Transport passes (memory here; WebRTC runs it too). The adapter
// supplies a harness: at least three transports whose links are all up, ways to break and restore
// one link, and settle() — let the medium make progress (flush a queue, or wait for a real network
// event). The suite only ever waits through bounded loops of settle(), never on the wall clock.
// No node:* imports: the WebRTC suite may run this in a browser.

import { describe, expect, it } from 'vitest';
import type { PeerMessage } from '../../src/core/messages.ts';
import type { PeerId } from '../../src/core/util/ids.ts';
import type { Zxid } from '../../src/core/zxid.ts';
import type { LinkInfo, Transport } from '../../src/transport/transport.ts';

export interface ConformanceHarness {
  /** At least three transports of one ensemble, every link between them up. */
  readonly transports: readonly Transport[];
  /** Breaks the link a<->b; the suite then waits for both ends to see it down. */
  cut(a: PeerId, b: PeerId): Promise<void>;
  /** Re-establishes a cut link; the suite then waits for both ends to see it up. */
  restore(a: PeerId, b: PeerId): Promise<void>;
  /** Lets in-flight work progress a little; called in bounded loops. */
  settle(): Promise<void>;
  /** Closes whatever is still open. */
  teardown(): Promise<void>;
}

export interface ConformanceOptions {
  /** settle() calls before a condition counts as never reached (default 200). */
  readonly settleRounds?: number;
}

interface Received {
  readonly from: PeerId;
  readonly message: PeerMessage;
  readonly generation: number;
}

const ack = (n: number): PeerMessage => ({ type: 'ack', zxid: n as Zxid });
const ackNumber = (m: PeerMessage): number => (m.type === 'ack' ? m.zxid : -1);

export function runTransportConformance(name: string, setup: () => Promise<ConformanceHarness>, options: ConformanceOptions = {}): void {
  const rounds = options.settleRounds ?? 200;

  async function eventually(h: ConformanceHarness, what: string, cond: () => boolean): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      if (cond()) return;
      await h.settle();
    }
    expect(cond(), `never: ${what}`).toBe(true);
  }

  /** Settles a fixed number of rounds: for "nothing (more) arrives" checks. */
  async function quiesce(h: ConformanceHarness): Promise<void> {
    for (let i = 0; i < Math.min(rounds, 20); i++) await h.settle();
  }

  async function withHarness(body: (h: ConformanceHarness, inbox: Map<PeerId, Received[]>, linkLog: Map<PeerId, LinkInfo[]>) => Promise<void>): Promise<void> {
    const h = await setup();
    const inbox = new Map<PeerId, Received[]>();
    const linkLog = new Map<PeerId, LinkInfo[]>();
    for (const t of h.transports) {
      const got: Received[] = [];
      const links: LinkInfo[] = [];
      inbox.set(t.self, got);
      linkLog.set(t.self, links);
      t.onMessage((from, message, generation) => got.push({ from, message, generation }));
      t.onLink((link) => links.push(link));
    }
    try {
      await body(h, inbox, linkLog);
    } finally {
      await h.teardown();
    }
  }

  const pair = (h: ConformanceHarness): [Transport, Transport, Transport] => {
    const [a, b, c] = h.transports;
    if (a === undefined || b === undefined || c === undefined) throw new Error('the harness needs three transports');
    return [a, b, c];
  };
  const linkTo = (t: Transport, peer: PeerId): LinkInfo | undefined => t.links().find((l) => l.peer === peer);

  describe(`transport conformance: ${name}`, () => {
    it('every transport reports an up link to each other peer, with a positive generation', async () => {
      await withHarness(async (h) => {
        for (const t of h.transports) {
          for (const other of h.transports) {
            if (other === t) continue;
            const link = linkTo(t, other.self);
            expect(link?.state).toBe('up');
            expect(link?.generation).toBeGreaterThan(0);
            expect(link?.generation).toBe(linkTo(other, t.self)?.generation);
          }
        }
      });
    });

    it('messages arrive once each, in the order sent, tagged with the sender and the link generation', async () => {
      await withHarness(async (h, inbox) => {
        const [a, b] = pair(h);
        for (let i = 1; i <= 200; i++) a.send(b.self, ack(i));
        const got = inbox.get(b.self) ?? [];
        await eventually(h, 'all 200 arrive', () => got.length >= 200);
        await quiesce(h);
        expect(got.map((r) => ackNumber(r.message))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
        expect(new Set(got.map((r) => r.from))).toEqual(new Set([a.self]));
        expect(new Set(got.map((r) => r.generation))).toEqual(new Set([linkTo(b, a.self)?.generation]));
      });
    });

    it('messages keep their order per link while several peers send at once', async () => {
      await withHarness(async (h, inbox) => {
        const [a, b, c] = pair(h);
        for (let i = 1; i <= 50; i++) {
          a.send(c.self, ack(i));
          b.send(c.self, ack(1000 + i));
          c.send(a.self, ack(2000 + i));
        }
        const atC = inbox.get(c.self) ?? [];
        const atA = inbox.get(a.self) ?? [];
        await eventually(h, 'all arrive', () => atC.length >= 100 && atA.length >= 50);
        expect(atC.filter((r) => r.from === a.self).map((r) => ackNumber(r.message))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(atC.filter((r) => r.from === b.self).map((r) => ackNumber(r.message))).toEqual(Array.from({ length: 50 }, (_, i) => 1001 + i));
        expect(atA.map((r) => ackNumber(r.message))).toEqual(Array.from({ length: 50 }, (_, i) => 2001 + i));
      });
    });

    it('a link that breaks comes back with a higher generation, announced to both ends', async () => {
      await withHarness(async (h, _inbox, linkLog) => {
        const [a, b] = pair(h);
        const before = linkTo(a, b.self)?.generation ?? 0;
        await h.cut(a.self, b.self);
        await eventually(h, 'both ends see the link down', () => linkTo(a, b.self)?.state === 'down' && linkTo(b, a.self)?.state === 'down');
        await h.restore(a.self, b.self);
        await eventually(h, 'both ends see the link up', () => linkTo(a, b.self)?.state === 'up' && linkTo(b, a.self)?.state === 'up');
        await eventually(h, 'both ends heard the new generation', () =>
          [a, b].every((t) => (linkLog.get(t.self) ?? []).some((l) => l.state === 'up' && l.generation > before)));
        const after = linkTo(a, b.self)?.generation ?? 0;
        expect(after).toBeGreaterThan(before);
        expect(linkTo(b, a.self)?.generation).toBe(after);
        for (const t of [a, b]) {
          const events = (linkLog.get(t.self) ?? []).filter((l) => l.peer === (t === a ? b.self : a.self));
          const down = events.findIndex((l) => l.state === 'down');
          const up = events.findIndex((l) => l.state === 'up' && l.generation === after);
          expect(down).toBeGreaterThanOrEqual(0);
          expect(up).toBeGreaterThan(down);
        }
      });
    });

    it('messages of an old generation never arrive after messages of a newer one', async () => {
      await withHarness(async (h, inbox) => {
        const [a, b] = pair(h);
        for (let i = 1; i <= 20; i++) a.send(b.self, ack(i));
        await h.cut(a.self, b.self);
        await eventually(h, 'the sender sees the link down', () => linkTo(a, b.self)?.state === 'down');
        await h.restore(a.self, b.self);
        await eventually(h, 'the link is up again', () => linkTo(a, b.self)?.state === 'up' && linkTo(b, a.self)?.state === 'up');
        for (let i = 101; i <= 120; i++) a.send(b.self, ack(i));
        const got = inbox.get(b.self) ?? [];
        await eventually(h, 'the new generation arrives', () => got.filter((r) => ackNumber(r.message) > 100).length >= 20);
        await quiesce(h);
        const gens = got.map((r) => r.generation);
        for (let i = 1; i < gens.length; i++) expect(gens[i]).toBeGreaterThanOrEqual(gens[i - 1] ?? 0);
        const old = got.filter((r) => ackNumber(r.message) <= 100).map((r) => ackNumber(r.message));
        expect(old).toEqual(Array.from({ length: old.length }, (_, i) => i + 1));
        expect(got.filter((r) => ackNumber(r.message) > 100).map((r) => ackNumber(r.message))).toEqual(Array.from({ length: 20 }, (_, i) => 101 + i));
      });
    });

    it('a message sent on a down link is dropped, not delivered once the link returns', async () => {
      await withHarness(async (h, inbox) => {
        const [a, b] = pair(h);
        await h.cut(a.self, b.self);
        await eventually(h, 'the sender sees the link down', () => linkTo(a, b.self)?.state === 'down');
        a.send(b.self, ack(7));
        await quiesce(h);
        await h.restore(a.self, b.self);
        await eventually(h, 'the link is up again', () => linkTo(a, b.self)?.state === 'up' && linkTo(b, a.self)?.state === 'up');
        a.send(b.self, ack(8));
        const got = inbox.get(b.self) ?? [];
        await eventually(h, 'the later message arrives', () => got.length >= 1);
        await quiesce(h);
        expect(got.map((r) => ackNumber(r.message))).toEqual([8]);
      });
    });

    it('a cut link leaves the other links untouched', async () => {
      await withHarness(async (h, inbox) => {
        const [a, b, c] = pair(h);
        await h.cut(a.self, b.self);
        a.send(c.self, ack(1));
        c.send(b.self, ack(2));
        await eventually(h, 'both arrive', () => (inbox.get(c.self)?.length ?? 0) >= 1 && (inbox.get(b.self)?.length ?? 0) >= 1);
        expect(linkTo(a, c.self)?.state).toBe('up');
      });
    });

    it('after close, a transport neither delivers nor sends, and its peers see the link down', async () => {
      await withHarness(async (h, inbox) => {
        const [a, b] = pair(h);
        await a.close();
        await eventually(h, 'the peer sees the link down', () => linkTo(b, a.self)?.state === 'down');
        b.send(a.self, ack(1));
        a.send(b.self, ack(2));
        await quiesce(h);
        expect(inbox.get(a.self)).toEqual([]);
        expect(inbox.get(b.self)).toEqual([]);
      });
    });

    it('an unsubscribed handler hears nothing more', async () => {
      await withHarness(async (h, inbox) => {
        const [a, b] = pair(h);
        const extra: PeerMessage[] = [];
        const off = b.onMessage((_from, m) => extra.push(m));
        a.send(b.self, ack(1));
        await eventually(h, 'the first arrives', () => extra.length === 1);
        off();
        a.send(b.self, ack(2));
        await eventually(h, 'the second arrives at the suite handler', () => (inbox.get(b.self)?.length ?? 0) >= 2);
        expect(extra.map(ackNumber)).toEqual([1]);
      });
    });
  });
}
