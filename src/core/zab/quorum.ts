// Majority quorums over the voters (ZooKeeper's QuorumMaj). Observers never count.

import type { PeerId } from '../util/ids.ts';
import type { ZabConfig } from './config.ts';

/** True when `ids` holds a strict majority of the voters; non-voters in `ids` are ignored. */
export function isQuorum(config: ZabConfig, ids: Iterable<PeerId>): boolean {
  let count = 0;
  const seen = new Set<PeerId>();
  for (const id of ids) {
    if (seen.has(id) || !config.voters.includes(id)) continue;
    seen.add(id);
    count++;
  }
  return count * 2 > config.voters.length;
}

/** The smallest number of voters that form a quorum. */
export const quorumSize = (config: ZabConfig): number => Math.floor(config.voters.length / 2) + 1;
