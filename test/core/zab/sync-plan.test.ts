import { describe, expect, it } from 'vitest';
import { planSync } from '../../../src/core/zab/sync-plan.ts';
import { TxnLog } from '../../../src/core/zab/txn-log.ts';
import { ZXID_ZERO } from '../../../src/core/zxid.ts';
import { txn, z } from './helpers.ts';

const zxids = (plan: ReturnType<typeof planSync>): number[] => ('txns' in plan ? plan.txns.map((t) => t.header.zxid) : []);

describe('the leader chooses DIFF, TRUNC or SNAP', () => {
  const log = new TxnLog(ZXID_ZERO, [txn(1, 1), txn(1, 2), txn(1, 3), txn(3, 1), txn(3, 2)]);

  it('a follower that missed the tail catches up by DIFF', () => {
    const plan = planSync(log, z(1, 2));
    expect(plan.type).toBe('diff');
    expect(zxids(plan)).toEqual([z(1, 3), z(3, 1), z(3, 2)]);
  });
  it('an up-to-date follower gets an empty DIFF', () => {
    expect(planSync(log, z(3, 2))).toEqual({ type: 'diff', txns: [] });
  });
  it('a follower with uncommitted txns beyond the leader is truncated to the leader last zxid', () => {
    expect(planSync(log, z(3, 7))).toEqual({ type: 'trunc', zxid: z(3, 2), txns: [] });
  });
  it('a follower with txns of an epoch the leader never saw is truncated to the last common zxid, then diffed', () => {
    const plan = planSync(log, z(2, 4));
    expect(plan.type).toBe('trunc');
    if (plan.type === 'trunc') expect(plan.zxid).toBe(z(1, 3));
    expect(zxids(plan)).toEqual([z(3, 1), z(3, 2)]);
  });
  it('a follower behind a compacted log gets a SNAP', () => {
    const compacted = new TxnLog(ZXID_ZERO, [txn(1, 1), txn(1, 2), txn(1, 3), txn(3, 1)]);
    compacted.compact(z(1, 3));
    expect(planSync(compacted, z(1, 1)).type).toBe('snap');
    expect(planSync(compacted, z(1, 3)).type).toBe('diff');
    // The newest common point would be the compacted base, which the follower may not hold.
    expect(planSync(compacted, z(2, 5)).type).toBe('snap');
  });
});

describe('the txn log', () => {
  it('answers what follows a zxid, what precedes it, and truncates', () => {
    const log = new TxnLog(ZXID_ZERO, [txn(1, 1), txn(1, 2), txn(2, 1)]);
    expect(log.lastZxid).toBe(z(2, 1));
    expect(log.largestBelow(z(1, 9))).toBe(z(1, 2));
    expect(log.largestBelow(z(1, 1))).toBe(ZXID_ZERO);
    expect(log.holds(z(1, 2))).toBe(true);
    expect(log.holds(z(1, 3))).toBe(false);
    log.truncateAfter(z(1, 1));
    expect(log.lastZxid).toBe(z(1, 1));
    expect(() => log.append(txn(1, 1))).toThrow(/out of order/);
  });
});
