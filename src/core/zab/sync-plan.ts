// How a leader brings a learner's log to its own (LearnerHandler.syncFollower): DIFF when the
// learner's last zxid is in the leader's log, TRUNC when the learner holds txns the leader does not
// (back to the newest zxid both hold, then DIFF), SNAP when the leader's log no longer reaches back.

import type { Txn } from '../requests/txn.ts';
import { ZXID_ZERO, type Zxid } from '../zxid.ts';
import type { TxnLog } from './txn-log.ts';

export type SyncPlan =
  | { readonly type: 'diff'; readonly txns: readonly Txn[] }
  | { readonly type: 'trunc'; readonly zxid: Zxid; readonly txns: readonly Txn[] }
  | { readonly type: 'snap' };

export function planSync(log: TxnLog, peerLastZxid: Zxid): SyncPlan {
  const last = log.lastZxid;
  const base = log.base;
  // The learner must hold the zxid it truncates to: a compacted base it may not have.
  const canTruncateTo = (zxid: Zxid): boolean => zxid === ZXID_ZERO || zxid !== base;
  if (peerLastZxid === last) return { type: 'diff', txns: [] };
  if (peerLastZxid > last) return canTruncateTo(last) ? { type: 'trunc', zxid: last, txns: [] } : { type: 'snap' };
  if (peerLastZxid < base) return { type: 'snap' };
  if (log.holds(peerLastZxid)) return { type: 'diff', txns: log.after(peerLastZxid) };
  const prev = log.largestBelow(peerLastZxid);
  return canTruncateTo(prev) ? { type: 'trunc', zxid: prev, txns: log.after(prev) } : { type: 'snap' };
}
