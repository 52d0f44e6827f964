// How a ServiceProvider picks one instance among those alive (Curator's ProviderStrategy): round
// robin (each instance in turn, in the order given, which the provider keeps sorted by id) or random
// over an injected source of numbers in [0, 1), so that a seeded source makes a run repeatable
// (meshkeeper's Prng fits: `randomPicker(() => prng.next())`). A picker sees the list as it is at
// each pick; instances that come and go simply change what the next pick chooses from.

import { Code, KeeperError } from '../core/errors.ts';

export interface Picker {
  /** One of `items`, or undefined when there are none. */
  pick<T>(items: readonly T[]): T | undefined;
}

/** Each item in turn. The position carries across list changes, so no survivor is starved. */
export function roundRobinPicker(): Picker {
  let next = 0;
  return {
    pick<T>(items: readonly T[]): T | undefined {
      if (items.length === 0) return undefined;
      const item = items[next % items.length];
      next = (next + 1) % Number.MAX_SAFE_INTEGER;
      return item;
    },
  };
}

/** A uniformly random item, drawn from `random` (numbers in [0, 1)). */
export function randomPicker(random: () => number): Picker {
  return {
    pick<T>(items: readonly T[]): T | undefined {
      if (items.length === 0) return undefined;
      const r = random();
      if (!(r >= 0 && r < 1)) throw new KeeperError(Code.BADARGUMENTS, `a random source must give numbers in [0, 1): ${r}`);
      return items[Math.floor(r * items.length)];
    },
  };
}
