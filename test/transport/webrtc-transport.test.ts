import { afterEach, describe, expect, it } from 'vitest';
import type { PeerMessage } from '../../src/core/messages.ts';
import { asPeerId } from '../../src/core/util/ids.ts';
import type { Zxid } from '../../src/core/zxid.ts';
import { isUp, linkTo, startMesh, until, type Mesh } from './webrtc-harness.ts';

let mesh: Mesh | undefined;
afterEach(async () => {
  await mesh?.close();
  mesh = undefined;
});

const ack = (i: number): PeerMessage => ({ type: 'ack', zxid: i as Zxid });

describe('WebRtcTransport over node-datachannel and a real signal server', () => {
  it('two peers connect, authenticate and exchange 1,000 messages in order', async () => {
    mesh = await startMesh([1, 2]);
    const a = await mesh.add(1);
    const b = await mesh.add(2);
    await until(a, () => isUp(a, 2), 'link to 2');
    await until(b, () => isUp(b, 1), 'link to 1');
    for (let i = 0; i < 1000; i++) a.transport.send(asPeerId(2), ack(i));
    for (let i = 0; i < 1000; i++) b.transport.send(asPeerId(1), ack(i));
    await until(b, () => b.received.length === 1000, '1,000 messages at 2');
    await until(a, () => a.received.length === 1000, '1,000 messages at 1');
    expect(b.received.map((r) => (r.message.type === 'ack' ? r.message.zxid : -1))).toEqual([...Array(1000).keys()]);
    expect(a.received.every((r) => r.from === 2 && r.generation === 1)).toBe(true);
    expect(linkTo(a, 2)).toMatchObject({ state: 'up', generation: 1 });
  });

  it('a 1 MiB message arrives whole through 64 KiB chunks, in order with small ones', async () => {
    mesh = await startMesh([1, 2]);
    const a = await mesh.add(1);
    const b = await mesh.add(2);
    await until(a, () => isUp(a, 2), 'link to 2');
    const snapshot = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7) & 0xff);
    a.transport.send(asPeerId(2), ack(1));
    a.transport.send(asPeerId(2), { type: 'snap', zxid: 5 as Zxid, snapshot, txns: [] });
    a.transport.send(asPeerId(2), ack(2));
    await until(b, () => b.received.length === 3, 'three messages');
    const [first, snap, last] = b.received.map((r) => r.message);
    expect(first).toEqual(ack(1));
    expect(last).toEqual(ack(2));
    expect(snap?.type).toBe('snap');
    if (snap?.type === 'snap') expect(Buffer.from(snap.snapshot).equals(snapshot)).toBe(true);
  });

  it('three peers form a full mesh, and a broken link comes back with the next generation', async () => {
    mesh = await startMesh([1, 2, 3]);
    const [a, b, c] = [await mesh.add(1), await mesh.add(2), await mesh.add(3)];
    await until(a, () => isUp(a, 2) && isUp(a, 3), 'links from 1');
    await until(b, () => isUp(b, 1) && isUp(b, 3), 'links from 2');
    await until(c, () => isUp(c, 1) && isUp(c, 2), 'links from 3');
    c.transport.disconnect(asPeerId(1), 'test breaks the link');
    await until(a, () => isUp(a, 3, 2), 'link 1-3, generation 2');
    await until(c, () => isUp(c, 1, 2), 'link 3-1, generation 2');
    expect(linkTo(a, 2)?.generation).toBe(1);
    expect(a.linkLog.some((l) => l.peer === 3 && l.state === 'down')).toBe(true);
    a.transport.send(asPeerId(3), ack(7));
    await until(c, () => c.received.length === 1, 'a message on the new link');
    expect(c.received[0]).toMatchObject({ from: 1, generation: 2, message: ack(7) });
  });

  it('up links keep carrying messages when the signaling server goes away', async () => {
    mesh = await startMesh([1, 2]);
    const a = await mesh.add(1);
    const b = await mesh.add(2);
    await until(a, () => isUp(a, 2), 'link to 2');
    await until(b, () => isUp(b, 1), 'link to 1');
    await mesh.server.close();
    a.transport.send(asPeerId(2), ack(1));
    await until(b, () => b.received.length === 1, 'a message without the server');
    expect(linkTo(b, 1)).toMatchObject({ state: 'up', generation: 1 });
  });

  it('RTT is measured on an up link', async () => {
    mesh = await startMesh([1, 2]);
    const a = await mesh.add(1);
    const b = await mesh.add(2);
    await until(a, () => isUp(a, 2), 'link to 2');
    await until(b, () => isUp(b, 1), 'link to 1');
    // A message round trip gives the pong time to arrive; RTT is read, not asserted against a clock.
    for (let i = 0; i < 200 && linkTo(a, 2)?.rttMs === undefined; i++) {
      a.transport.send(asPeerId(2), ack(i));
      b.transport.send(asPeerId(1), ack(i));
      await until(a, () => a.received.length > i, 'an echo');
    }
    expect(linkTo(a, 2)?.rttMs).toBeGreaterThanOrEqual(0);
  });
});
