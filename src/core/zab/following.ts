// FOLLOWING in broadcast: log each PROPOSAL and ACK it (the ACK leaves only after the log write is
// durable, by the Ready contract), apply on COMMIT. Proposals arrive in zxid order on a FIFO link;
// a gap or a COMMIT for a txn we do not hold means the stream broke, so we rejoin.

import type { PeerMessage } from '../messages.ts';
import { epochOf } from '../zxid.ts';
import type { CoreState } from './core-state.ts';
import { syncMismatch, type LearnerState } from './learner.ts';

export function stepFollowing(core: CoreState, state: LearnerState, message: PeerMessage): void {
  switch (message.type) {
    case 'proposal': {
      const zxid = message.txn.header.zxid;
      if (epochOf(zxid) !== state.epoch) {
        core.stats.wrongEpoch++;
        return;
      }
      if (zxid <= core.log.lastZxid) return syncMismatch(core);
      core.logTxn(message.txn);
      // Cumulative: one ACK per Ready vouches for the whole run of proposals logged in it.
      core.sendAck(state.leader, zxid);
      return;
    }
    case 'commit':
      if (message.zxid <= core.committedZxid) return;
      if (!core.log.holds(message.zxid)) return syncMismatch(core);
      core.commitUpTo(message.zxid);
      return;
    default:
      core.stats.unexpected++;
  }
}
