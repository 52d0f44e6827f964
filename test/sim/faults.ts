// Seeded fault injection for a simulation run: crashes (clean or torn mid-persist) with later
// restarts, symmetric and one-way partitions that heal, and link breaks. Rates are per tick.

import type { PeerId } from '../../src/core/util/ids.ts';
import type { Prng } from '../../src/core/util/prng.ts';
import type { Cluster } from './cluster.ts';

export type FaultKind = 'crash' | 'torn' | 'partition' | 'oneway' | 'break';
export const allFaults: readonly FaultKind[] = ['crash', 'torn', 'partition', 'oneway', 'break'];

export interface FaultCounts {
  crashes: number;
  torn: number;
  partitions: number;
  oneways: number;
  breaks: number;
}

export class FaultInjector {
  readonly counts: FaultCounts = { crashes: 0, torn: 0, partitions: 0, oneways: 0, breaks: 0 };
  private readonly restartAt = new Map<PeerId, number>();
  private healAt: number | undefined;

  constructor(
    private readonly prng: Prng,
    private readonly kinds: ReadonlySet<FaultKind>,
    private readonly rate = 0.01,
  ) {}

  tick(cluster: Cluster): void {
    const now = cluster.tick;
    for (const [id, at] of this.restartAt) {
      if (now >= at) {
        cluster.restart(id);
        this.restartAt.delete(id);
      }
    }
    if (this.healAt !== undefined && now >= this.healAt) {
      cluster.network.heal();
      this.healAt = undefined;
    }
    const up = cluster.ids.filter((id) => cluster.isUp(id));
    if (this.kinds.has('crash') && this.prng.chance(this.rate) && up.length > 0) {
      const id = this.prng.pick(up);
      if (this.kinds.has('torn') && this.prng.chance(0.3)) {
        cluster.crashDuringNextPersist(id, this.prng.next());
        this.counts.torn++;
      } else {
        cluster.crash(id);
      }
      this.counts.crashes++;
      this.restartAt.set(id, now + 5 + this.prng.int(40));
    }
    if (this.kinds.has('partition') && this.healAt === undefined && this.prng.chance(this.rate / 2)) {
      const shuffled = [...cluster.ids].sort(() => this.prng.next() - 0.5);
      const cut = 1 + this.prng.int(shuffled.length - 1);
      cluster.network.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
      this.healAt = now + 10 + this.prng.int(50);
      this.counts.partitions++;
    }
    if (this.kinds.has('oneway') && this.healAt === undefined && this.prng.chance(this.rate / 2)) {
      const a = this.prng.pick(cluster.ids);
      const b = this.prng.pick(cluster.ids.filter((x) => x !== a));
      cluster.network.block(a, b);
      this.healAt = now + 10 + this.prng.int(50);
      this.counts.oneways++;
    }
    if (this.kinds.has('break') && this.prng.chance(this.rate * 2)) {
      const a = this.prng.pick(cluster.ids);
      const b = this.prng.pick(cluster.ids.filter((x) => x !== a));
      cluster.network.breakLink(a, b);
      this.counts.breaks++;
    }
  }

  /** Ends every fault: heal the network and restart every crashed peer. */
  stop(cluster: Cluster): void {
    cluster.network.heal();
    this.healAt = undefined;
    for (const id of cluster.ids) {
      cluster.peer(id).tornNext = undefined;
      cluster.restart(id);
    }
    this.restartAt.clear();
  }
}
