// A seeded pseudo-random source (sfc32 seeded through splitmix32). The core never calls Math.random:
// randomness comes in as a Prng so that a simulator seed replays a run bit for bit.

export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  int(bound: number): number;
  /** true with the given probability. */
  chance(probability: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A new independent source derived from this one (for a sub-component). */
  fork(): Prng;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createPrng(seed: number): Prng {
  const init = splitmix32(seed);
  let a = init(), b = init(), c = init(), d = init();
  const nextU32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  const prng: Prng = {
    next: () => nextU32() / 4294967296,
    int: (bound) => Math.floor((nextU32() / 4294967296) * bound),
    chance: (probability) => nextU32() / 4294967296 < probability,
    pick: (items) => {
      const item = items[Math.floor((nextU32() / 4294967296) * items.length)];
      if (item === undefined) throw new RangeError('pick from an empty array');
      return item;
    },
    fork: () => createPrng(nextU32()),
  };
  return prng;
}
