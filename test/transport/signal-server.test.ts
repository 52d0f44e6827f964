import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { asPeerId, type PeerId } from '../../src/core/util/ids.ts';
import { startSignalServer, type SignalServer } from '../../src/server/signal-server.ts';
import type { InboundSignal, SignalingStatus } from '../../src/transport/signaling/signaling.ts';
import { WebSocketSignaling, type WebSocketLike } from '../../src/transport/signaling/websocket-signaling.ts';
import { whenSignaling } from './signal-wait.ts';
import { deriveEnsembleKeys } from '../../src/transport/webrtc/keys.ts';

const connect = (url: string): WebSocketLike => new WebSocket(url) as unknown as WebSocketLike;
const cleanups: (() => Promise<void>)[] = [];
const all: WebSocketSignaling[] = [];
const until = (cond: () => boolean, what: string) => whenSignaling(all, cond, what);
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  all.length = 0;
});

async function server(): Promise<SignalServer> {
  const s = await startSignalServer({ port: 0, host: '127.0.0.1', path: '/signal' });
  cleanups.push(() => s.close());
  return s;
}

function client(url: string, id: number, key: CryptoKey, ensemble = 'demo') {
  const sig = new WebSocketSignaling({ url, ensemble, self: asPeerId(id), key, connect });
  cleanups.push(() => sig.close());
  all.push(sig);
  const signals: InboundSignal[] = [];
  const presence: [PeerId, boolean][] = [];
  sig.onSignal((s) => signals.push(s));
  sig.onPresence((p, present) => presence.push([p, present]));
  return { sig, signals, presence };
}


const status = (s: { status(): SignalingStatus }) => s.status().state;

describe('signal server and WebSocket signaling', () => {
  it('peers in one room see each other and exchange sealed payloads in order', async () => {
    const s = await server();
    const { signal } = await deriveEnsembleKeys('secret', 'demo');
    const a = client(s.url, 1, signal);
    await until(() => status(a.sig) === 'joined', 'a joined');
    const b = client(s.url, 2, signal);
    await until(() => a.presence.length > 0 && b.presence.length > 0, 'presence');
    expect(a.presence).toEqual([[2, true]]);
    expect(b.presence).toEqual([[1, true]]);
    for (let i = 0; i < 50; i++) a.sig.send(asPeerId(2), { attempt: 'x', data: { i } });
    await until(() => b.signals.length === 50, 'fifty signals');
    expect(b.signals.map((x) => (x.kind === 'signal' ? (x.payload.data as { i: number }).i : -1))).toEqual([...Array(50).keys()]);
    expect(s.rooms().get('demo')).toEqual([1, 2]);
  });

  it('a duplicate id in a room is refused with a reason and the first keeps its place', async () => {
    const s = await server();
    const { signal } = await deriveEnsembleKeys('secret', 'demo');
    const a = client(s.url, 1, signal);
    await until(() => status(a.sig) === 'joined', 'a joined');
    const dup = client(s.url, 1, signal);
    await until(() => status(dup.sig) === 'refused', 'dup refused');
    expect(dup.sig.status().reason).toBe('duplicate id 1 in ensemble demo');
    expect(s.rooms().get('demo')).toEqual([1]);
    expect(status(a.sig)).toBe('joined');
  });

  it('rooms keep ensembles apart: the same id may join two rooms', async () => {
    const s = await server();
    const { signal } = await deriveEnsembleKeys('secret', 'demo');
    const a = client(s.url, 1, signal, 'one');
    const b = client(s.url, 1, signal, 'two');
    await until(() => status(a.sig) === 'joined' && status(b.sig) === 'joined', 'both joined');
    expect(a.presence).toEqual([]);
  });

  it('a body sealed under another secret arrives as garbled, and a refusal arrives in plain text', async () => {
    const s = await server();
    const good = await deriveEnsembleKeys('secret', 'demo');
    const bad = await deriveEnsembleKeys('wrong', 'demo');
    const a = client(s.url, 1, good.signal);
    const b = client(s.url, 2, bad.signal);
    await until(() => a.presence.length > 0 && b.presence.length > 0, 'presence');
    b.sig.send(asPeerId(1), { attempt: 'x', data: 'offer' });
    await until(() => a.signals.length === 1, 'garbled');
    expect(a.signals[0]).toEqual({ kind: 'garbled', from: 2, reason: 'signaling from peer 2 did not decrypt (wrong ensemble secret?)' });
    a.sig.refuse(asPeerId(2), 'go away');
    await until(() => b.signals.length === 1, 'refusal');
    expect(b.signals[0]).toEqual({ kind: 'refuse', from: 1, reason: 'go away' });
  });

  it('malformed frames, oversize frames and bad ids are refused with a reason', async () => {
    const s = await server();
    const reasons = await Promise.all(
      ['not json', JSON.stringify({ t: 'join', room: 'demo', id: 0 }), JSON.stringify({ t: 'relay', to: 2, body: 'x' }), 'x'.repeat(70_000)].map(
        (text) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(s.url);
            ws.on('open', () => ws.send(text));
            ws.on('close', (code, reason) => resolve(`${code} ${reason.toString()}`));
          }),
      ),
    );
    expect(reasons[0]).toBe('4002 a signaling frame is not JSON');
    expect(reasons[1]).toBe('4002 a peer id must be an integer in 1..255');
    expect(reasons[2]).toBe('4002 relay before join');
    expect(reasons[3]).toMatch(/^1009/);
  });

  it('a room holds at most peers_max peers; one more is refused with a reason', async () => {
    const s = await server();
    const { signal } = await deriveEnsembleKeys('secret', 'demo');
    const members = Array.from({ length: 32 }, (_, i) => client(s.url, i + 1, signal));
    await until(() => members.every((m) => status(m.sig) === 'joined'), 'thirty-two joined');
    const extra = client(s.url, 33, signal);
    await until(() => status(extra.sig) === 'refused', 'refusal');
    expect(extra.sig.status().reason).toBe('ensemble demo is full');
  });

  it('a client rejoins its room when the server comes back on the same port', async () => {
    const first = await startSignalServer({ port: 0 });
    const { signal } = await deriveEnsembleKeys('secret', 'demo');
    const a = client(first.url, 1, signal);
    await until(() => status(a.sig) === 'joined', 'joined');
    await first.close();
    await until(() => status(a.sig) === 'connecting', 'connection lost');
    expect(a.sig.status().reason).toBe('signaling server connection lost');
    const second = await startSignalServer({ port: first.port });
    cleanups.push(() => second.close());
    await until(() => status(a.sig) === 'joined', 'joined again');
    expect(second.rooms().get('demo')).toEqual([1]);
  });

  it('a peer that leaves is reported absent to the others', async () => {
    const s = await server();
    const { signal } = await deriveEnsembleKeys('secret', 'demo');
    const a = client(s.url, 1, signal);
    const b = client(s.url, 2, signal);
    await until(() => a.presence.length > 0, 'presence');
    await b.sig.close();
    await until(() => a.presence.length === 2, 'absence');
    expect(a.presence).toEqual([[2, true], [2, false]]);
  });
});
