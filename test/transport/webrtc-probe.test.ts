// A peer that leaves signaling while its link is up gets probed (webrtc-transport.ts onPresence,
// connection.ts probe): a dead one's link goes down at once, with the probe as its reason, instead of
// after the idle timeout; a live one answers and keeps its link. The dead peer is a real process
// killed with SIGKILL, as a crashed `meshkeeper peer` would be.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerMessage } from '../../src/core/messages.ts';
import { asPeerId } from '../../src/core/util/ids.ts';
import type { Zxid } from '../../src/core/zxid.ts';
import { exitOf, peerProcessArgs } from '../../src/server/ensemble.ts';
import { defaultWebRtcTiming } from '../../src/transport/webrtc/webrtc-transport.ts';
import { isUp, linkTo, startMesh, until, type Mesh } from './webrtc-harness.ts';

const CHILD = fileURLToPath(new URL('./fixtures/webrtc-peer-child.ts', import.meta.url));

let mesh: Mesh | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exitOf(child);
  }
  child = undefined;
  await mesh?.close();
  mesh = undefined;
});

const ack = (i: number): PeerMessage => ({ type: 'ack', zxid: i as Zxid });

describe('a peer that leaves signaling while its link is up', () => {
  it('killed with SIGKILL, its link goes down on a failed probe, well before the idle timeout', async () => {
    mesh = await startMesh([1, 2]);
    const local = await mesh.add(1);
    const proc = spawn(process.execPath, peerProcessArgs(CHILD, [mesh.server.url, '2', '1,2']), { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    await until(local, () => isUp(local, 2), 'link 1-2 to the child process');
    proc.kill('SIGKILL');
    await exitOf(proc);
    // Bounded below the idle timeout, so only the probe can bring the link down in time.
    await until(local, () => linkTo(local, 2)?.state === 'down', 'the dead peer link down', defaultWebRtcTiming.idleTimeoutMs / 2);
    expect(linkTo(local, 2)?.reason).toMatch(/did not answer a probe/);
  });

  it('alive (only its signaling went away), it answers the probe and keeps its link and generation', async () => {
    mesh = await startMesh([1, 2]);
    const a = await mesh.add(1);
    const b = await mesh.add(2);
    await until(a, () => isUp(a, 2), 'link 1-2');
    await until(b, () => isUp(b, 1), 'link 2-1');
    // To 2, peer 1 now looks gone from the room while 2 is still joined: 2 probes the link.
    b.signaling.hide(asPeerId(1));
    // What is asserted is that the link outlives the probe's window, so the wait is that window.
    await new Promise((resolve) => setTimeout(resolve, 3 * defaultWebRtcTiming.probeTimeoutMs));
    expect(linkTo(b, 1)).toMatchObject({ state: 'up', generation: 1 });
    a.transport.send(asPeerId(2), ack(1));
    await until(b, () => b.received.length === 1, 'a message on the kept link');
    expect(b.received[0]).toMatchObject({ from: 1, generation: 1 });
  });
});
