import { describe, expect, it } from 'vitest';
import { CombinedSignaling } from '../../src/browser/combined-signaling.ts';
import { asPeerId, type PeerId } from '../../src/core/util/ids.ts';
import { SignalingEvents } from '../../src/transport/signaling/signaling-events.ts';
import type { Signaling, SignalingStatus, SignalPayload } from '../../src/transport/signaling/signaling.ts';

/** A route the test drives by hand, recording what is sent through it. */
class FakeRoute extends SignalingEvents implements Signaling {
  readonly self = asPeerId(4);
  readonly sent: [PeerId, SignalPayload][] = [];
  readonly refused: PeerId[] = [];
  constructor(status: SignalingStatus = { state: 'joined' }) {
    super(status);
  }
  send(to: PeerId, payload: SignalPayload): void {
    this.sent.push([to, payload]);
  }
  refuse(to: PeerId): void {
    this.refused.push(to);
  }
  async close(): Promise<void> {
    this.setStatus({ state: 'closed' });
  }
  see(peer: number, present: boolean): void {
    this.setPresent(asPeerId(peer), present);
  }
  status_(s: SignalingStatus): void {
    this.setStatus(s);
  }
}

const p = asPeerId;
const signal = (attempt: string): SignalPayload => ({ attempt, data: { type: 'candidate' } });

describe('signaling over BroadcastChannel and WebSocket at once', () => {
  it('a peer is present while any route sees it, and absent only when none does', () => {
    const [bc, ws] = [new FakeRoute(), new FakeRoute()];
    const c = new CombinedSignaling([bc, ws]);
    const events: [number, boolean][] = [];
    c.onPresence((peer, present) => events.push([peer, present]));
    bc.see(5, true);
    ws.see(5, true);
    bc.see(5, false);
    expect(events).toEqual([[5, true]]);
    ws.see(5, false);
    expect(events).toEqual([[5, true], [5, false]]);
  });

  it('an attempt keeps the route it started on, so its candidates never overtake its offer', () => {
    const [bc, ws] = [new FakeRoute(), new FakeRoute()];
    const c = new CombinedSignaling([bc, ws]);
    ws.see(1, true);
    c.send(p(1), signal('a1'));
    bc.see(1, true); // the peer shows up on the preferred route midway
    c.send(p(1), signal('a1'));
    c.send(p(1), signal('a2')); // a new attempt takes the preferred route
    expect(ws.sent.map(([, s]) => s.attempt)).toEqual(['a1', 'a1']);
    expect(bc.sent.map(([, s]) => s.attempt)).toEqual(['a2']);
  });

  it('a signal to a peer no route sees is dropped; a refusal goes wherever the stranger is seen', () => {
    const [bc, ws] = [new FakeRoute(), new FakeRoute()];
    const c = new CombinedSignaling([bc, ws]);
    c.send(p(9), signal('x'));
    expect(bc.sent.length + ws.sent.length).toBe(0);
    ws.see(9, true);
    c.refuse(p(9), 'unknown id');
    expect([bc.refused, ws.refused]).toEqual([[], [9]]);
  });

  it('joined when any route is; a refusal on one route (a duplicate id) is reported', () => {
    const [bc, ws] = [new FakeRoute({ state: 'joined' }), new FakeRoute({ state: 'connecting' })];
    const c = new CombinedSignaling([bc, ws]);
    expect(c.status().state).toBe('joined');
    const seen: string[] = [];
    c.onStatus((s) => seen.push(s.state));
    ws.status_({ state: 'refused', reason: 'duplicate id 4' });
    expect(c.status()).toEqual({ state: 'refused', reason: 'duplicate id 4' });
    expect(seen).toEqual(['refused']);
  });
});
