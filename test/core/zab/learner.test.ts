import { describe, expect, it } from 'vitest';
import type { NotificationMessage, PeerMessage } from '../../../src/core/messages.ts';
import type { PeerId } from '../../../src/core/util/ids.ts';
import { createPrng } from '../../../src/core/util/prng.ts';
import { makeZabConfig } from '../../../src/core/zab/config.ts';
import { ZabPeer } from '../../../src/core/zab/peer.ts';
import { createRegisterMachine } from '../../sim/register-machine.ts';
import { p } from './helpers.ts';

const config = makeZabConfig({ voters: [1, 2, 3, 4, 5].map(p), tickMs: 100 });

const said = (leader: PeerId, state: 'FOLLOWING' | 'LEADING'): NotificationMessage => ({
  type: 'notification', leader, zxid: 0 as NotificationMessage['zxid'], peerEpoch: 1, electionEpoch: 1, state,
});

/** A peer that joined `leader` on the word of an established quorum (1, 2 and the leader itself). */
function followerOf(id: PeerId, leader: PeerId): ZabPeer {
  const peer = new ZabPeer({ id, config, prng: createPrng(id), machine: createRegisterMachine });
  peer.step(p(1), said(leader, 'FOLLOWING'));
  peer.step(p(2), said(leader, 'FOLLOWING'));
  peer.step(leader, said(leader, 'LEADING'));
  return peer;
}

describe('a learner waits for its leader only as long as the leader answers like one', () => {
  it('two peers that each took the other for their leader give up within initLimit and look again', () => {
    // Found by the soak (seed 3979 of 5 peers, 2,000 ticks): each refreshed the other's deadline with
    // its FOLLOWERINFO retries, and both stayed in discovery for good.
    const a = followerOf(p(3), p(5));
    const b = followerOf(p(5), p(3));
    expect([a.state, b.state]).toEqual(['FOLLOWING', 'FOLLOWING']);
    const exchange = (from: ZabPeer, to: ZabPeer): void => {
      while (from.hasReady()) {
        const ready = from.ready();
        for (const [dest, message] of ready.send) if (dest === to.id) to.step(from.id, message as PeerMessage);
        from.advance(ready);
      }
    };
    let ticks = 0;
    for (; ticks < config.initLimit + 5 && (a.state === 'FOLLOWING' || b.state === 'FOLLOWING'); ticks++) {
      a.tick();
      b.tick();
      exchange(a, b);
      exchange(b, a);
    }
    expect(a.state).not.toBe('FOLLOWING');
    expect(b.state).not.toBe('FOLLOWING');
    expect(ticks).toBeLessThanOrEqual(config.initLimit + 2);
  });
});
