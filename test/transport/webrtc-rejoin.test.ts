// A peer that comes back under its id (a restarted process) while the other side still holds its old
// link. The old incarnation is left running with its signaling closed, so the stale link keeps
// answering pings and would never idle out: only the newcomer's knock can get the pair linked again.

import { afterEach, describe, expect, it } from 'vitest';
import type { PeerMessage } from '../../src/core/messages.ts';
import { asPeerId } from '../../src/core/util/ids.ts';
import type { Zxid } from '../../src/core/zxid.ts';
import { whenSignaling } from './signal-wait.ts';
import { isUp, linkTo, startMesh, until, type Mesh } from './webrtc-harness.ts';

let mesh: Mesh | undefined;
afterEach(async () => {
  await mesh?.close();
  mesh = undefined;
});

const ack = (i: number): PeerMessage => ({ type: 'ack', zxid: i as Zxid });

describe('a peer that comes back under its id', () => {
  it('an answerer that reappears without its link knocks, and the offerer replaces its stale link at once', async () => {
    mesh = await startMesh([1, 2]);
    const offerer = await mesh.add(1);
    const old = await mesh.add(2);
    await until(offerer, () => isUp(offerer, 2), 'link 1-2');
    await until(old, () => isUp(old, 1), 'link 2-1');

    // The old incarnation leaves the signaling room but its data channel stays up and keeps answering.
    await old.signaling.close();
    await whenSignaling([offerer.signaling], () => !mesh?.server.rooms().get('test')?.includes(2), 'id 2 free on the server');
    const back = await mesh.add(2);

    await until(offerer, () => isUp(offerer, 2, 2), 'link 1-2, generation 2 (to the newcomer)');
    await until(back, () => isUp(back, 1), 'the newcomer linked to 1');
    await until(old, () => linkTo(old, 1)?.state === 'down', 'the old incarnation told its link is replaced');
    expect(linkTo(old, 1)?.reason).toMatch(/restarted/);

    offerer.transport.send(asPeerId(2), ack(9));
    await until(back, () => back.received.length === 1, 'a message on the new link');
    expect(back.received[0]).toMatchObject({ from: 1, message: ack(9), generation: 1 });
    expect(old.received).toHaveLength(0);
  });

  it('an answerer whose link is up does not knock when the offerer reappears in signaling, so the link is kept', async () => {
    mesh = await startMesh([1, 2]);
    const a = await mesh.add(1);
    const b = await mesh.add(2);
    await until(a, () => isUp(a, 2), 'link 1-2');
    await until(b, () => isUp(b, 1), 'link 2-1');
    // Hiding and revealing 1 from 2 looks to 2 like 1's signaling reconnecting (absent, then present).
    b.signaling.hide(asPeerId(1));
    b.signaling.reveal(asPeerId(1));
    // A marker sent after it: signals are FIFO per sender, so once 1 has the marker it has seen any knock.
    const seen: string[] = [];
    a.signaling.onSignal((s) => s.kind === 'signal' && seen.push(s.payload.attempt));
    b.signaling.send(asPeerId(1), { attempt: 'marker', data: { type: 'test-marker' } });
    await whenSignaling([a.signaling], () => seen.includes('marker'), 'the marker at 1');
    a.transport.send(asPeerId(2), ack(1));
    await until(b, () => b.received.length === 1, 'a message on the kept link');
    expect(seen).toEqual(['marker']);
    expect(linkTo(a, 2)).toMatchObject({ state: 'up', generation: 1 });
    expect(linkTo(b, 1)).toMatchObject({ state: 'up', generation: 1 });
  });
});
