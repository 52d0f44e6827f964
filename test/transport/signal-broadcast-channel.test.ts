import { afterEach, describe, expect, it } from 'vitest';
import { asPeerId, type PeerId } from '../../src/core/util/ids.ts';
import { BroadcastChannelSignaling } from '../../src/transport/signaling/broadcast-channel-signaling.ts';
import type { InboundSignal, Signaling } from '../../src/transport/signaling/signaling.ts';
import { deriveEnsembleKeys } from '../../src/transport/webrtc/keys.ts';
import { nodeWrtc } from '../../src/transport/webrtc/node-wrtc.ts';
import { WebRtcTransport } from '../../src/transport/webrtc/webrtc-transport.ts';
import { whenSignaling } from './signal-wait.ts';

const opened: { close(): Promise<void> }[] = [];
const all: Signaling[] = [];
afterEach(async () => {
  for (const x of opened.splice(0).reverse()) await x.close();
  all.length = 0;
});
const until = (cond: () => boolean, what: string) => whenSignaling(all, cond, what);

let ensembleCounter = 0;
const freshEnsemble = () => `bc-test-${++ensembleCounter}`;

function tab(ensemble: string, id: number, key: CryptoKey) {
  const sig = new BroadcastChannelSignaling({ ensemble, self: asPeerId(id), key });
  opened.push(sig);
  all.push(sig);
  const signals: InboundSignal[] = [];
  const presence: [PeerId, boolean][] = [];
  sig.onSignal((s) => signals.push(s));
  sig.onPresence((p, present) => presence.push([p, present]));
  return { sig, signals, presence };
}

describe('BroadcastChannel signaling (tabs of one browser, no server)', () => {
  it('tabs see each other and exchange sealed payloads in order', async () => {
    const ensemble = freshEnsemble();
    const { signal } = await deriveEnsembleKeys('secret', ensemble);
    const a = tab(ensemble, 1, signal);
    const b = tab(ensemble, 2, signal);
    await until(() => a.presence.length > 0 && b.presence.length > 0, 'presence');
    expect(a.presence).toEqual([[2, true]]);
    expect(b.presence).toEqual([[1, true]]);
    for (let i = 0; i < 20; i++) b.sig.send(asPeerId(1), { attempt: 'x', data: { i } });
    await until(() => a.signals.length === 20, 'twenty signals');
    expect(a.signals.map((s) => (s.kind === 'signal' ? (s.payload.data as { i: number }).i : -1))).toEqual([...Array(20).keys()]);
  });

  it('a payload for another tab is not delivered here', async () => {
    const ensemble = freshEnsemble();
    const { signal } = await deriveEnsembleKeys('secret', ensemble);
    const a = tab(ensemble, 1, signal);
    const b = tab(ensemble, 2, signal);
    const c = tab(ensemble, 3, signal);
    await until(() => c.presence.length === 2, 'presence');
    a.sig.send(asPeerId(2), { attempt: 'x', data: 'for two' });
    await until(() => b.signals.length === 1, 'delivery');
    a.sig.send(asPeerId(3), { attempt: 'x', data: 'for three' });
    await until(() => c.signals.length === 1, 'delivery');
    expect(c.signals.map((s) => s.kind === 'signal' && s.payload.data)).toEqual(['for three']);
  });

  it('a second tab claiming a taken id is refused with a reason, and the first keeps it', async () => {
    const ensemble = freshEnsemble();
    const { signal } = await deriveEnsembleKeys('secret', ensemble);
    const a = tab(ensemble, 1, signal);
    const b = tab(ensemble, 2, signal);
    await until(() => a.presence.length > 0, 'presence');
    const dup = tab(ensemble, 2, signal);
    await until(() => dup.sig.status().state === 'refused', 'refusal');
    expect(dup.sig.status().reason).toBe('duplicate id 2: another tab of this browser holds it');
    expect(b.sig.status().state).toBe('joined');
    a.sig.send(asPeerId(2), { attempt: 'x', data: 'still here' });
    await until(() => b.signals.length === 1, 'delivery');
  });

  it('a tab that closes is reported absent', async () => {
    const ensemble = freshEnsemble();
    const { signal } = await deriveEnsembleKeys('secret', ensemble);
    const a = tab(ensemble, 1, signal);
    const b = tab(ensemble, 2, signal);
    await until(() => a.presence.length > 0, 'presence');
    await b.sig.close();
    await until(() => a.presence.length === 2, 'absence');
    expect(a.presence).toEqual([[2, true], [2, false]]);
  });

  it('two WebRtcTransports find each other through it and exchange a message', async () => {
    const ensemble = freshEnsemble();
    const keys = await deriveEnsembleKeys('secret', ensemble);
    const wrtc = nodeWrtc();
    const make = (id: number) => {
      const signaling = tab(ensemble, id, keys.signal).sig;
      const t = new WebRtcTransport({ self: asPeerId(id), peers: [1, 2].map(asPeerId), keys, signaling, wrtc });
      opened.push(t);
      return t;
    };
    const a = make(1);
    const b = make(2);
    const got = new Promise<unknown>((resolve) => b.onMessage((_from, m) => resolve(m)));
    await new Promise<void>((resolve) => a.onLink((l) => l.state === 'up' && resolve()));
    a.send(asPeerId(2), { type: 'newleader', epoch: 3 });
    expect(await got).toEqual({ type: 'newleader', epoch: 3 });
  });
});
