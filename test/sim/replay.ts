// The one-line command that replays a simulation run.

import { allFaults } from './faults.ts';
import type { RunOptions } from './run.ts';

export function replayCommandFor(o: RunOptions): string {
  const faults = o.faults.length === allFaults.length ? 'all' : o.faults.length === 0 ? 'none' : o.faults.join(',');
  const extra = [
    o.observers ? ` --observers ${o.observers}` : '',
    o.snapCount === undefined ? '' : ` --snap-count ${o.snapCount}`,
    o.zxidCounterMax === undefined ? '' : ` --zxid-counter-max ${o.zxidCounterMax}`,
    o.machine === 'register' ? ' --machine register' : '',
    o.checkHistory === undefined ? '' : ` --check-history ${o.checkHistory ? 'on' : 'off'}`,
  ].join('');
  return `npm run sim -- --seed ${o.seed} --peers ${o.peers}${extra} --ticks ${o.ticks} --faults ${faults}`;
}
