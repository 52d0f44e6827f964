import { afterEach, describe, expect, it } from 'vitest';
import type { PeerMessage } from '../../src/core/messages.ts';
import { asPeerId } from '../../src/core/util/ids.ts';
import type { Zxid } from '../../src/core/zxid.ts';
import { isUp, linkTo, startMesh, until, type Mesh, type Node } from './webrtc-harness.ts';

let mesh: Mesh | undefined;
afterEach(async () => {
  await mesh?.close();
  mesh = undefined;
});

const ack = (i: number): PeerMessage => ({ type: 'ack', zxid: i as Zxid });
const reasonFrom = (node: Node, peer: number, pattern: RegExp) => () => pattern.test(linkTo(node, peer)?.reason ?? '');

async function stillWorking(a: Node, b: Node): Promise<void> {
  const before = b.received.length;
  a.transport.send(b.id, ack(42));
  await until(b, () => b.received.length === before + 1, 'a message between good peers');
}

describe('WebRtcTransport refusals', () => {
  it('a peer with the wrong secret is refused on both sides at signaling, and the others keep working', async () => {
    mesh = await startMesh([1, 2, 3]);
    const a = await mesh.add(1);
    const b = await mesh.add(2);
    await until(a, () => isUp(a, 2), 'good link');
    const bad = await mesh.add(3, { secret: 'not-the-secret' });
    // 1 offers to 3: 3 cannot open the offer and refuses in plain text. Neither side can know whose
    // secret is wrong; both name the other peer and the secret.
    await until(a, reasonFrom(a, 3, /^refused by peer 3: peer 3 could not open your signaling \(wrong ensemble secret\?\)$/), 'reason at 1');
    await until(bad, reasonFrom(bad, 1, /^signaling from peer 1 did not decrypt \(wrong ensemble secret\?\)$/), 'reason at 3');
    expect(linkTo(a, 3)?.state).not.toBe('up');
    expect(linkTo(bad, 2)?.state).not.toBe('up');
    expect(linkTo(a, 2)).toMatchObject({ state: 'up', generation: 1 });
    await stillWorking(a, b);
    await stillWorking(b, a);
  });

  it('a peer that opens signaling but fails the HMAC challenge is refused on both sides', async () => {
    mesh = await startMesh([1, 2, 3]);
    const a = await mesh.add(1);
    const b = await mesh.add(2);
    await until(a, () => isUp(a, 2), 'good link');
    // Right signaling key, wrong auth secret: the data channel opens and the challenge must catch it.
    const bad = await mesh.add(3, { secret: 'not-the-secret', signalSecret: 'ensemble-secret' });
    await until(a, reasonFrom(a, 3, /^peer 3 did not prove the ensemble secret \(wrong secret\)$/), 'reason at 1');
    await until(bad, reasonFrom(bad, 1, /^(peer 1 did not prove|refused by peer 1: peer 3 did not prove)/), 'reason at 3');
    expect(a.received.filter((r) => r.from === 3)).toEqual([]);
    expect(linkTo(a, 2)).toMatchObject({ state: 'up', generation: 1 });
    await stillWorking(a, b);
  });

  it('an id outside the ensemble is refused with a reason, and members are undisturbed', async () => {
    mesh = await startMesh([1, 2]);
    const a = await mesh.add(1);
    const b = await mesh.add(2);
    await until(a, () => isUp(a, 2), 'good link');
    const stranger = await mesh.add(9, { members: [1, 2, 9] });
    await until(stranger, reasonFrom(stranger, 1, /refused by peer 1: peer 1 refuses unknown id 9/), 'stranger refused');
    expect(a.transport.links().map((l) => l.peer)).toEqual([2]);
    await stillWorking(a, b);
  });

  it('a duplicate id is refused by the signal server with a reason, and the original keeps its links', async () => {
    mesh = await startMesh([1, 2]);
    const a = await mesh.add(1);
    const b = await mesh.add(2);
    await until(a, () => isUp(a, 2), 'good link');
    const dup = await mesh.add(2);
    await until(dup, reasonFrom(dup, 1, /^signaling refused: duplicate id 2 in ensemble test$/), 'duplicate refused');
    expect(linkTo(dup, 1)?.state).toBe('down');
    await stillWorking(a, b);
    expect(linkTo(a, 2)).toMatchObject({ state: 'up', generation: 1 });
  });
});
