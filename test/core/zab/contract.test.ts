import { describe, expect, it } from 'vitest';
import { asSessionId } from '../../../src/core/util/ids.ts';
import { limits } from '../../../src/core/util/limits.ts';
import { registerData } from '../../sim/register-machine.ts';
import { ManualEnsemble } from './manual.ts';
import { p, z } from './helpers.ts';

const write = (value: string) => ({ type: 'setData', path: '/a', data: registerData(value), version: -1 }) as const;

describe('the Ready contract: nothing that promises durability leaves before its persist', () => {
  it("a follower's ACK leaves in the same Ready as the log write it vouches for", () => {
    const e = new ManualEnsemble(3);
    const leader = e.establish();
    e.readies.length = 0;
    e.peers.get(leader)?.submit(asSessionId(1), 1, write('x'));
    e.pump();
    const acks = e.readies.filter((r) => r.ready.send.some(([, m]) => m.type === 'ack'));
    expect(acks.length).toBe(2);
    for (const { ready } of acks) {
      const ack = ready.send.find(([, m]) => m.type === 'ack')?.[1];
      const appended = ready.persist.flatMap((op) => (op.type === 'append' ? op.txns.map((t) => t.header.zxid) : []));
      expect(ack?.type === 'ack' && appended.includes(ack.zxid)).toBe(true);
    }
  });

  it("ACKEPOCH goes out with the acceptedEpoch it promises, and NEWLEADER's ACK with currentEpoch", () => {
    const e = new ManualEnsemble(3);
    e.establish();
    for (const { ready } of e.readies) {
      for (const [, m] of ready.send) {
        if (m.type === 'ackepoch' && m.currentEpoch !== -1) {
          expect(ready.persist.some((op) => op.type === 'acceptedEpoch')).toBe(true);
        }
        if (m.type === 'ack' && m.zxid === z(1, 0)) {
          expect(ready.persist.some((op) => op.type === 'currentEpoch' && op.epoch === 1)).toBe(true);
        }
      }
    }
  });

  it("the leader commits only once advance confirms its own log write, even with a quorum of follower ACKs", () => {
    const e = new ManualEnsemble(3);
    const leaderId = e.establish();
    const leader = e.peers.get(leaderId);
    if (leader === undefined) throw new Error('no leader');
    leader.submit(asSessionId(1), 1, write('x'));
    const held = leader.ready();
    // The runtime sends the proposals only after persisting; here we let followers ACK first.
    for (const [to, m] of held.send) {
      e.peers.get(to)?.step(leaderId, m);
      e.drive(to);
    }
    for (const w of e.wire.splice(0)) leader.step(w.from, w.message);
    expect(leader.committedZxid).toBeLessThan(z(1, 1));
    e.stores.get(leaderId)?.persist(held.persist);
    leader.advance(held);
    expect(leader.committedZxid).toBe(z(1, 1));
  });

  it('ready() twice without advance() fails an assert', () => {
    const e = new ManualEnsemble(1);
    e.peer(1).ready();
    expect(() => e.peer(1).ready()).toThrow(/before advance/);
  });
});

describe('peer messages are outside input', () => {
  it('a message from an older link generation is dropped and counted', () => {
    const e = new ManualEnsemble(3);
    const peer = e.peer(1);
    peer.step(p(2), { type: 'ping', sessions: [] }, 5);
    peer.step(p(2), { type: 'ping', sessions: [] }, 4);
    expect(peer.stats.staleGeneration).toBe(1);
  });

  it('a message from outside the ensemble is dropped and counted', () => {
    const e = new ManualEnsemble(3);
    e.peer(1).step(p(9), { type: 'ping', sessions: [] });
    expect(e.peer(1).stats.unknownPeer).toBe(1);
  });

  it('a COMMIT from a peer that is not our leader is dropped', () => {
    const e = new ManualEnsemble(3);
    const leader = e.establish();
    const follower = [...e.peers.values()].find((x) => x.id !== leader);
    const other = [...e.peers.keys()].find((id) => id !== leader && id !== follower?.id);
    if (follower === undefined || other === undefined) throw new Error('setup');
    follower.step(other, { type: 'commit', zxid: z(1, 1) });
    expect(follower.stats.unexpected).toBe(1);
    expect(follower.state).toBe('FOLLOWING');
  });
});

describe('recovery from durable state', () => {
  it('a peer rebuilt from its store keeps its epochs and log, and rejoins', () => {
    const e = new ManualEnsemble(3);
    const leader = e.establish();
    e.peers.get(leader)?.submit(asSessionId(1), 1, write('x'));
    e.pump();
    const store = e.stores.get(p(1));
    expect(store?.currentEpoch).toBe(1);
    expect(store?.acceptedEpoch).toBe(1);
    expect(store?.durable().log.map((t) => t.header.zxid)).toEqual([z(1, 1)]);
    const restarted = e.restart(p(1));
    expect(restarted.acceptedEpoch).toBe(1);
    expect(restarted.currentEpoch).toBe(1);
    expect(restarted.lastLoggedZxid).toBe(z(1, 1));
    // Logged is not applied: synchronisation with the leader decides what is committed.
    expect(restarted.machine.lastZxid).toBe(0);
    e.establish();
    expect(restarted.machine.lastZxid).toBe(z(1, 1));
  });
});

describe('limits', () => {
  it('a peer holding pending_requests_per_peer_max unanswered requests answers THROTTLEDOP', () => {
    const e = new ManualEnsemble(3);
    const leader = e.establish();
    const follower = [...e.peers.values()].find((x) => x.id !== leader);
    if (follower === undefined) throw new Error('setup');
    for (let i = 0; i < limits.pending_requests_per_peer_max; i++) follower.submit(asSessionId(1), i + 1, write(`v${i}`));
    expect(follower.pendingRequests).toBe(limits.pending_requests_per_peer_max);
    follower.submit(asSessionId(1), 0, write('one too many'));
    const replies = follower.ready().replies;
    expect(replies.map((r) => r.reply)).toEqual([{ type: 'error', code: -127 }]);
  });

  it('every answered request leaves the pending count', () => {
    const e = new ManualEnsemble(3);
    const leader = e.establish();
    const follower = [...e.peers.values()].find((x) => x.id !== leader);
    for (let i = 1; i <= 5; i++) follower?.submit(asSessionId(1), i, write(`v${i}`));
    e.pump();
    expect(follower?.pendingRequests).toBe(0);
  });
});
