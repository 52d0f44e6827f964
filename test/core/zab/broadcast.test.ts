import { describe, expect, it } from 'vitest';
import type { PeerMessage } from '../../../src/core/messages.ts';
import { asSessionId } from '../../../src/core/util/ids.ts';
import { registerData } from '../../sim/register-machine.ts';
import { ManualEnsemble } from './manual.ts';
import { z } from './helpers.ts';

const write = (value: string) => ({ type: 'setData', path: '/a', data: registerData(value), version: -1 }) as const;

describe('broadcast in batches: cumulative ACK and COMMIT', () => {
  it('a follower that steps a run of proposals before its Ready persists them in one append and ACKs the last', () => {
    const e = new ManualEnsemble(3);
    const leaderId = e.establish();
    const leader = e.peers.get(leaderId)!;
    for (let i = 1; i <= 5; i++) leader.submit(asSessionId(1), i, write(`v${i}`));
    e.drive(leaderId);
    const proposals = e.wire.filter((w) => w.message.type === 'proposal');
    expect(proposals.length).toBe(10);
    const follower = proposals[0]!.to;
    const core = e.peers.get(follower)!;
    for (const w of proposals.filter((x) => x.to === follower)) core.step(w.from, w.message, e.generation);
    const ready = core.ready();
    const appends = ready.persist.filter((op) => op.type === 'append');
    expect(appends.length).toBe(1);
    expect(appends[0]?.type === 'append' && appends[0].txns.length).toBe(5);
    expect(ready.send.map(([, m]) => m)).toEqual([{ type: 'ack', zxid: z(1, 5) }]);
    core.advance(ready);
  });

  it('one cumulative ACK from a follower commits the whole run, with one COMMIT per follower', () => {
    const e = new ManualEnsemble(3);
    const leaderId = e.establish();
    const leader = e.peers.get(leaderId)!;
    for (let i = 1; i <= 5; i++) leader.submit(asSessionId(1), i, write(`v${i}`));
    e.drive(leaderId);
    const follower = e.wire.find((w) => w.message.type === 'proposal')!.to;
    e.wire = [];
    leader.step(follower, { type: 'ack', zxid: z(1, 5) }, e.generation);
    const ready = leader.ready();
    expect(leader.committedZxid).toBe(z(1, 5));
    expect(ready.applied.map((a) => a.txn.header.zxid)).toEqual([1, 2, 3, 4, 5].map((c) => z(1, c)));
    const commits = ready.send.filter(([, m]) => m.type === 'commit');
    expect(commits.map(([, m]) => m)).toEqual([
      { type: 'commit', zxid: z(1, 5) },
      { type: 'commit', zxid: z(1, 5) },
    ]);
    leader.advance(ready);
  });

  it('an ACK of part of the run commits just that part, and the leader never commits past its own durable log', () => {
    const e = new ManualEnsemble(3);
    const leaderId = e.establish();
    const leader = e.peers.get(leaderId)!;
    for (let i = 1; i <= 3; i++) leader.submit(asSessionId(1), i, write(`v${i}`));
    const held = leader.ready(); // the leader's own append is not durable yet
    const follower = held.send.find(([, m]) => m.type === 'proposal')![0];
    leader.step(follower, { type: 'ack', zxid: z(1, 2) }, e.generation);
    expect(leader.committedZxid).toBeLessThan(z(1, 1));
    e.stores.get(leaderId)!.persist(held.persist);
    leader.advance(held);
    expect(leader.committedZxid).toBe(z(1, 2));
  });

  it('ACKs below what a follower already vouched for change nothing', () => {
    const e = new ManualEnsemble(3);
    const leaderId = e.establish();
    const leader = e.peers.get(leaderId)!;
    for (let i = 1; i <= 3; i++) leader.submit(asSessionId(1), i, write(`v${i}`));
    e.drive(leaderId);
    const follower = e.wire.find((w) => w.message.type === 'proposal')!.to;
    e.wire = [];
    const ack = (counter: number): PeerMessage => ({ type: 'ack', zxid: z(1, counter) });
    leader.step(follower, ack(3), e.generation);
    leader.step(follower, ack(1), e.generation);
    expect(leader.committedZxid).toBe(z(1, 3));
    expect(leader.stats.unexpected).toBe(0);
  });
});

describe('answers within a committed run', () => {
  it("a read queued between two writes of its session sees the first write and not the second, even when both commit in one run", () => {
    const e = new ManualEnsemble(3);
    const leaderId = e.establish();
    const leader = e.peers.get(leaderId)!;
    const s = asSessionId(1);
    leader.submit(s, 1, write('first'));
    leader.submit(s, 2, { type: 'getData', path: '/a', watch: false });
    leader.submit(s, 3, write('second'));
    e.drive(leaderId);
    const follower = e.wire.find((w) => w.message.type === 'proposal')!.to;
    e.wire = [];
    leader.step(follower, { type: 'ack', zxid: z(1, 2) }, e.generation);
    const ready = leader.ready();
    expect(ready.applied.length).toBe(2);
    const read = ready.replies.find((r) => r.cxid === 2);
    expect(read?.reply.type === 'getData' && new TextDecoder().decode(read.reply.data)).toContain('first');
    expect(ready.replies.map((r) => r.cxid)).toEqual([1, 2, 3]);
    // Each reply comes after the events of the txns applied before it was answered.
    expect(ready.replyAfter).toEqual([1, 1, 2]);
    leader.advance(ready);
  });
});
