// The shared transport conformance suite, run on real WebRTC links (node-datachannel) that meet
// through a real signal server. settle() lets the network progress for a short while.

import type { PeerId } from '../../src/core/util/ids.ts';
import { runTransportConformance } from './conformance.ts';
import { isUp, startMesh, until } from './webrtc-harness.ts';

const SETTLE_MS = 25;

runTransportConformance(
  'WebRTC (node-datachannel)',
  async () => {
    const mesh = await startMesh([1, 2, 3]);
    const nodes = [await mesh.add(1), await mesh.add(2), await mesh.add(3)];
    for (const n of nodes) {
      await until(n, () => nodes.every((o) => o === n || isUp(n, o.id)), `peer ${n.id} fully linked`);
    }
    const node = (id: PeerId) => nodes.find((n) => n.id === id);
    return {
      transports: nodes.map((n) => n.transport),
      async cut(a, b) {
        node(a)?.signaling.hide(b);
        node(b)?.signaling.hide(a);
        node(a)?.transport.disconnect(b, 'cut by the test');
        node(b)?.transport.disconnect(a, 'cut by the test');
      },
      async restore(a, b) {
        node(a)?.signaling.reveal(b);
        node(b)?.signaling.reveal(a);
      },
      settle: () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS)),
      teardown: () => mesh.close(),
    };
  },
  { settleRounds: 400 },
);

