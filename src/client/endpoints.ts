// Which peer to try next, and how long to wait between rounds: the endpoints are shuffled once
// (ZooKeeper's StaticHostProvider shuffles its list so clients spread over the ensemble), tried in
// turn starting after the one just lost, and after each full round without success the client
// waits a jittered, exponentially growing, bounded delay (so clients of a failed peer do not all
// land on the next one at once). All randomness comes from the injected Prng.

import type { Prng } from '../core/util/prng.ts';

export class EndpointRing<E> {
  private readonly order: E[];
  private next = 0;

  /** `shuffle` false keeps the given order (a tab lists its own peer first). */
  constructor(endpoints: readonly E[], prng: Prng, shuffle = true) {
    this.order = [...endpoints];
    for (let i = shuffle ? this.order.length - 1 : 0; i > 0; i--) {
      const j = prng.int(i + 1);
      const a = this.order[i] as E;
      this.order[i] = this.order[j] as E;
      this.order[j] = a;
    }
  }

  get size(): number {
    return this.order.length;
  }

  /** The next endpoint to try; cycles through all of them. */
  take(): E {
    const e = this.order[this.next % this.order.length] as E;
    this.next = (this.next + 1) % this.order.length;
    return e;
  }
}

/** The wait after `round` failed rounds (0-based): uniform in [base/2, base], base doubling from
 * `firstMs` up to `maxMs`. */
export function backoffMs(round: number, firstMs: number, maxMs: number, prng: Prng): number {
  const base = Math.min(maxMs, firstMs * 2 ** Math.min(round, 30));
  return Math.round(base / 2 + prng.next() * (base / 2));
}
