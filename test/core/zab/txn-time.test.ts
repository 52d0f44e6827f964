import { describe, expect, it } from 'vitest';
import type { Txn } from '../../../src/core/requests/txn.ts';
import { asSessionId } from '../../../src/core/util/ids.ts';
import { registerData } from '../../sim/register-machine.ts';
import { ManualEnsemble } from './manual.ts';
import { p } from './helpers.ts';

const write = (value: string) => ({ type: 'setData', path: '/a', data: registerData(value), version: -1 }) as const;

function loggedTxns(e: ManualEnsemble): Txn[] {
  return e.readies.flatMap(({ ready }) => ready.persist.flatMap((op) => (op.type === 'append' ? [...op.txns] : [])));
}

describe('txn time', () => {
  it("a leader elected after every peer restarted never stamps a txn earlier than one already logged", () => {
    const e = new ManualEnsemble(3);
    const first = e.establish();
    for (let i = 0; i < 30; i++) {
      e.tick();
      e.pump();
    }
    e.peer(first).submit(asSessionId(1), 1, write('before'));
    e.pump();
    const before = Math.max(...loggedTxns(e).map((t) => t.header.time));
    expect(before).toBeGreaterThan(0);

    // Restarted peers count ticks from zero again: their tick clock alone would run behind.
    for (const id of [1, 2, 3]) e.restart(p(id));
    e.readies.length = 0;
    const second = e.establish();
    e.peer(second).submit(asSessionId(1), 2, write('after'));
    e.pump();
    const after = loggedTxns(e).filter((t) => t.header.cxid === 2);
    expect(after.length).toBeGreaterThan(0);
    for (const txn of after) expect(txn.header.time).toBeGreaterThanOrEqual(before);
  });
});
