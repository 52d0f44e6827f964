import { describe, expect, it } from 'vitest';
import { voteBeats } from '../../../src/core/zab/vote.ts';
import { isQuorum, quorumSize } from '../../../src/core/zab/quorum.ts';
import { makeZabConfig } from '../../../src/core/zab/config.ts';
import { isKeeperError } from '../../../src/core/errors.ts';
import { p, z } from './helpers.ts';

describe('vote ordering', () => {
  it('a higher peerEpoch wins even against a higher zxid and sid', () => {
    expect(voteBeats({ leader: p(1), zxid: z(1, 1), peerEpoch: 3 }, { leader: p(9), zxid: z(2, 9), peerEpoch: 2 })).toBe(true);
  });
  it('with equal epochs the higher zxid wins', () => {
    expect(voteBeats({ leader: p(1), zxid: z(2, 5), peerEpoch: 2 }, { leader: p(9), zxid: z(2, 4), peerEpoch: 2 })).toBe(true);
  });
  it('with equal epoch and zxid the higher sid wins, and a vote never beats itself', () => {
    const a = { leader: p(3), zxid: z(2, 4), peerEpoch: 2 };
    const b = { leader: p(2), zxid: z(2, 4), peerEpoch: 2 };
    expect(voteBeats(a, b)).toBe(true);
    expect(voteBeats(b, a)).toBe(false);
    expect(voteBeats(a, a)).toBe(false);
  });
});

describe('quorum', () => {
  const config = makeZabConfig({ voters: [p(1), p(2), p(3), p(4), p(5)], observers: [p(6)] });
  it('a strict majority of the voters is a quorum and observers never count', () => {
    expect(quorumSize(config)).toBe(3);
    expect(isQuorum(config, [p(1), p(2), p(3)])).toBe(true);
    expect(isQuorum(config, [p(1), p(2), p(6)])).toBe(false);
    expect(isQuorum(config, [p(1), p(1), p(2)])).toBe(false);
  });
  it('an even ensemble needs more than half', () => {
    const four = makeZabConfig({ voters: [p(1), p(2), p(3), p(4)] });
    expect(isQuorum(four, [p(1), p(2)])).toBe(false);
    expect(isQuorum(four, [p(1), p(2), p(3)])).toBe(true);
  });
  it('a bad ensemble is refused with BADARGUMENTS', () => {
    const bad = (f: () => unknown): boolean => {
      try {
        f();
        return false;
      } catch (e) {
        return isKeeperError(e, -8);
      }
    };
    expect(bad(() => makeZabConfig({ voters: [] }))).toBe(true);
    expect(bad(() => makeZabConfig({ voters: [p(1), p(1)] }))).toBe(true);
    expect(bad(() => makeZabConfig({ voters: [p(1)], observers: [p(1)] }))).toBe(true);
    expect(bad(() => makeZabConfig({ voters: [p(0)] }))).toBe(true);
  });
});
