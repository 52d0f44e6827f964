// A zxid orders every state change: epoch in the high 32 bits, counter in the low 32 (ZooKeeper's
// layout). It is kept as a JS number (epoch * 2^32 + counter), exact while epoch < 2^21, which
// limits.ts caps: plain `<` compares, no bigint on the hot path. Codecs write it as a 64-bit integer.

import { assert } from './util/assert.ts';
import { limits } from './util/limits.ts';

export type Zxid = number & { readonly __zxid: true };

const TWO_32 = 4294967296;

export const ZXID_ZERO = 0 as Zxid;

export function makeZxid(epoch: number, counter: number): Zxid {
  assert(Number.isInteger(epoch) && epoch >= 0 && epoch <= limits.epoch_max, `epoch out of range: ${epoch}`);
  assert(Number.isInteger(counter) && counter >= 0 && counter < TWO_32, `counter out of range: ${counter}`);
  return (epoch * TWO_32 + counter) as Zxid;
}

export const epochOf = (zxid: Zxid): number => Math.floor(zxid / TWO_32);
export const counterOf = (zxid: Zxid): number => zxid % TWO_32;

/** The next zxid in the same epoch; the caller forces an election before the counter overflows. */
export function nextZxid(zxid: Zxid): Zxid {
  return makeZxid(epochOf(zxid), counterOf(zxid) + 1);
}

/** True when the counter is close enough to 2^32 that the leader must start a new epoch. */
export const counterExhausted = (zxid: Zxid): boolean => counterOf(zxid) >= limits.zxid_counter_max;

export const zxidToString = (zxid: Zxid): string => `0x${zxid.toString(16)}`;

/** Converts a wire zxid (a signed or unsigned 64-bit integer) to a Zxid, or undefined if out of range. */
export function zxidFromBigInt(value: bigint): Zxid | undefined {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(value) as Zxid;
}
