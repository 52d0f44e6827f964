// Deterministic session ids. ZooKeeper builds an id from the server id and the wall clock; we need
// ids that replay bit for bit, never repeat, and stay exact in a JS number (< 2^53). The scheme:
//
//     sessionId = epoch × 2^32 + counter        (counter = 1, 2, 3, … within the epoch)
//
// Only the established leader of an epoch mints ids (ZAB allows one per epoch), and every new
// leader has a larger epoch, so ids never repeat across leader changes or restarts. epoch ≤
// limits.epoch_max (2^21 − 1) keeps ids below 2^53. The counter cannot reach 2^32: each session
// costs its createSession txn a zxid, and the zxid counter forces a new epoch first
// (limits.zxid_counter_max). Unlike ZooKeeper we leave the peer id out: the epoch already names the
// minting leader, and the bits are better spent on the counter. Ids are never 0 (NO_SESSION), and
// stay clear of ZooKeeper's special ephemeralOwner values (container and TTL markers set bit 63).

import { assert } from '../util/assert.ts';
import type { SessionId } from '../util/ids.ts';
import { asSessionId } from '../util/ids.ts';
import { limits } from '../util/limits.ts';

const TWO_32 = 4294967296;

export function makeSessionId(epoch: number, counter: number): SessionId {
  assert(Number.isInteger(epoch) && epoch >= 0 && epoch <= limits.epoch_max, `epoch out of range: ${epoch}`);
  assert(Number.isInteger(counter) && counter >= 1 && counter < TWO_32, `session counter out of range: ${counter}`);
  return asSessionId(epoch * TWO_32 + counter);
}

/** The epoch of the leader that minted `id`. */
export const sessionEpoch = (id: SessionId): number => Math.floor(id / TWO_32);

/** The id's position among the sessions its epoch minted. */
export const sessionCounter = (id: SessionId): number => id % TWO_32;

/** Whether `n` has the shape of a session id (what a snapshot or the wire may carry). */
export const isSessionId = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

export const sessionIdToString = (id: SessionId): string => `0x${id.toString(16)}`;
