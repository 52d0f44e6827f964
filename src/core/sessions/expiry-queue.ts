// ZooKeeper's ExpiryQueue, counted in ticks: elements sit in buckets keyed by their deadline, so a
// touch is O(1) (move between two sets) and expiry takes whole buckets. As in ZooKeeper, a deadline
// is rounded to the next interval strictly after now + timeout; with an interval of one tick, an
// element touched at tick t with a timeout of T ticks is live through tick t+T and expired at t+T+1.
// `expired` hands each element out once, ordered by deadline then key, so runs replay exactly.
// Ticks never go backwards: a touch that would land before the last expiry sweep is a bug.

import { assert } from '../util/assert.ts';

export class ExpiryQueue<K extends number> {
  private readonly deadlines = new Map<K, number>();
  private readonly buckets = new Map<number, Set<K>>();
  /** The first tick `expired` has not swept yet. */
  private nextTick = 0;

  get size(): number {
    return this.deadlines.size;
  }

  has(key: K): boolean {
    return this.deadlines.has(key);
  }

  deadlineOf(key: K): number | undefined {
    return this.deadlines.get(key);
  }

  /** Adds or moves `key` to the deadline nowTick + timeoutTicks + 1; returns that deadline. */
  touch(key: K, timeoutTicks: number, nowTick: number): number {
    assert(Number.isInteger(timeoutTicks) && timeoutTicks >= 1, `timeout must be >= 1 tick, got ${timeoutTicks}`);
    assert(Number.isInteger(nowTick), `tick must be an integer, got ${nowTick}`);
    const deadline = nowTick + timeoutTicks + 1;
    assert(deadline >= this.nextTick, `tick ${nowTick} is before the last expiry sweep (${this.nextTick - 1})`);
    const previous = this.deadlines.get(key);
    if (previous === deadline) return deadline;
    if (previous !== undefined) this.leaveBucket(key, previous);
    let bucket = this.buckets.get(deadline);
    if (bucket === undefined) {
      bucket = new Set();
      this.buckets.set(deadline, bucket);
    }
    bucket.add(key);
    this.deadlines.set(key, deadline);
    return deadline;
  }

  /** Forgets `key`; true if it was queued. */
  remove(key: K): boolean {
    const deadline = this.deadlines.get(key);
    if (deadline === undefined) return false;
    this.deadlines.delete(key);
    this.leaveBucket(key, deadline);
    return true;
  }

  /** Removes and returns every element whose deadline is at or before `nowTick`. */
  expired(nowTick: number): K[] {
    assert(Number.isInteger(nowTick), `tick must be an integer, got ${nowTick}`);
    if (nowTick < this.nextTick) return [];
    const out: K[] = [];
    for (const tick of this.dueTicks(nowTick)) {
      const bucket = this.buckets.get(tick);
      if (bucket === undefined) continue;
      this.buckets.delete(tick);
      const keys = [...bucket].sort((a, b) => a - b);
      for (const key of keys) this.deadlines.delete(key);
      out.push(...keys);
    }
    this.nextTick = nowTick + 1;
    return out;
  }

  /** Empties the queue (a new leader re-adds every session with a full timeout). */
  clear(): void {
    this.deadlines.clear();
    this.buckets.clear();
  }

  /** The bucket ticks in [nextTick, nowTick], ascending: walk the ticks when the gap is short,
   * else sort the (fewer) bucket keys, so a long pause between sweeps costs no more than the queue. */
  private dueTicks(nowTick: number): number[] {
    const gap = nowTick - this.nextTick + 1;
    if (gap <= this.buckets.size) {
      return Array.from({ length: gap }, (_, i) => this.nextTick + i);
    }
    return [...this.buckets.keys()].filter((t) => t <= nowTick).sort((a, b) => a - b);
  }

  private leaveBucket(key: K, deadline: number): void {
    const bucket = this.buckets.get(deadline);
    assert(bucket !== undefined && bucket.has(key), `key ${key} missing from its bucket ${deadline}`);
    bucket.delete(key);
    if (bucket.size === 0) this.buckets.delete(deadline);
  }
}
