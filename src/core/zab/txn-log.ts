// The in-memory mirror of a peer's durable txn log: txns in zxid order after a base (the zxid of the
// snapshot the log starts from, or zero). The durable copy is changed only through persist ops; this
// copy answers the protocol's questions (lastZxid, what follows a zxid, where to truncate).

import type { Txn } from '../requests/txn.ts';
import { assert } from '../util/assert.ts';
import { ZXID_ZERO, type Zxid } from '../zxid.ts';

export class TxnLog {
  private entries: Txn[] = [];

  constructor(private baseZxid: Zxid = ZXID_ZERO, txns: readonly Txn[] = []) {
    for (const txn of txns) if (txn.header.zxid > baseZxid) this.append(txn);
  }

  get base(): Zxid {
    return this.baseZxid;
  }

  get lastZxid(): Zxid {
    const n = this.entries.length;
    return n === 0 ? this.baseZxid : this.entries[n - 1]!.header.zxid;
  }

  get size(): number {
    return this.entries.length;
  }

  append(txn: Txn): void {
    // The message is built only on failure: this runs once per txn on every peer.
    if (!(txn.header.zxid > this.lastZxid)) assert(false, `log append out of order: ${txn.header.zxid} after ${this.lastZxid}`);
    this.entries.push(txn);
  }

  /** The logged txn with this zxid, if any. */
  get(zxid: Zxid): Txn | undefined {
    const i = this.indexOf(zxid);
    return i < 0 ? undefined : this.entries[i];
  }

  /** True when the log holds `zxid`, or `zxid` is its base. */
  holds(zxid: Zxid): boolean {
    return zxid === this.baseZxid || this.indexOf(zxid) >= 0;
  }

  /** Every txn after `zxid`, in order. */
  after(zxid: Zxid): Txn[] {
    const i = this.firstAbove(zxid);
    return this.entries.slice(i);
  }

  /** Txns in (from, to], in order: two binary searches and one copy of just those txns. */
  between(from: Zxid, to: Zxid): Txn[] {
    return this.entries.slice(this.firstAbove(from), this.firstAbove(to));
  }

  /** How many logged txns have a zxid at or below `zxid`, in O(log n). */
  countThrough(zxid: Zxid): number {
    return this.firstAbove(zxid);
  }

  /** The largest logged zxid below `zxid`, or the base when none is. */
  largestBelow(zxid: Zxid): Zxid {
    const i = this.firstAbove(zxid - 1);
    return i === 0 ? this.baseZxid : (this.entries[i - 1]?.header.zxid ?? this.baseZxid);
  }

  /** Drops every txn after `zxid`. */
  truncateAfter(zxid: Zxid): void {
    if (zxid < this.baseZxid) assert(false, `truncate below the log base: ${zxid} < ${this.baseZxid}`);
    this.entries.length = this.firstAbove(zxid);
  }

  /** Drops txns up to `zxid`, which a snapshot now covers. */
  compact(zxid: Zxid): void {
    if (zxid <= this.baseZxid) return;
    this.entries = this.entries.slice(this.firstAbove(zxid));
    this.baseZxid = zxid;
  }

  /** Empties the log and restarts it from a snapshot's zxid. */
  reset(baseZxid: Zxid): void {
    this.entries = [];
    this.baseZxid = baseZxid;
  }

  private indexOf(zxid: Zxid): number {
    const i = this.firstAbove(zxid - 1);
    return this.entries[i]?.header.zxid === zxid ? i : -1;
  }

  /** Index of the first entry with a zxid above `zxid` (binary search). */
  private firstAbove(zxid: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid]?.header.zxid ?? 0) > zxid) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
