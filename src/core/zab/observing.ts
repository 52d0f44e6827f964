// OBSERVING in broadcast: the leader INFORMs observers of each committed txn (proposal and commit in
// one); observers never ACK and never count in a quorum. A txn may already be logged from the sync.

import type { PeerMessage } from '../messages.ts';
import { epochOf } from '../zxid.ts';
import type { CoreState } from './core-state.ts';
import { syncMismatch, type LearnerState } from './learner.ts';

export function stepObserving(core: CoreState, state: LearnerState, message: PeerMessage): void {
  if (message.type !== 'inform') {
    core.stats.unexpected++;
    return;
  }
  const zxid = message.txn.header.zxid;
  if (epochOf(zxid) > state.epoch) {
    core.stats.wrongEpoch++;
    return;
  }
  if (zxid <= core.committedZxid) return;
  if (!core.log.holds(zxid)) {
    if (zxid <= core.log.lastZxid) return syncMismatch(core);
    core.logTxn(message.txn);
  }
  core.commitUpTo(zxid);
}
