// The same requests, byte for byte, to Apache ZooKeeper 3.8 (Debian's package, started here and
// killed after) and to a meshkeeper peer: the same error codes, result shapes and values (and the
// same connection closed after a failed auth), but for one difference we choose and document
// (docs/protocol.md).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, exchange } from './crosscheck-cases.ts';
import { LiveEnsemble } from './live-ensemble.ts';
import { startRealZooKeeper, type RealZooKeeper } from './real-zookeeper.ts';

/** Where meshkeeper answers differently from ZooKeeper 3.8, on purpose. */
const CHOSEN_DIFFERENCES: Record<string, { zookeeper: unknown; meshkeeper: unknown }> = {
  // ZooKeeper answers a create2 inside a multi with a plain CreateResponse (no Stat); meshkeeper
  // with the Create2Response the op asked for, which every client that sends create2 decodes.
  'multi that succeeds': {
    zookeeper: { err: 0, body: expect.stringMatching(/^00000001000000000000000005/) },
    meshkeeper: { err: 0, reply: { type: 'multi', results: [expect.objectContaining({ type: 'create', path: '/xc/m' }), { type: 'check' }, expect.objectContaining({ type: 'setData' })] } },
  },
};

describe('meshkeeper against Apache ZooKeeper 3.8, request by request', () => {
  let zk: RealZooKeeper | undefined;
  let address = '';
  const e = new LiveEnsemble({ voters: 1 });
  beforeAll(async () => {
    zk = startRealZooKeeper();
    await e.startAll();
    await e.ready();
    address = await zk.ready;
  }, 120_000);
  afterAll(async () => {
    await zk?.stop();
    await e.stopAll();
  });

  it('answers every request as ZooKeeper does, but for the difference chosen', async () => {
    const reference = await exchange(address, CASES);
    const ours = await exchange(e.connectString(), CASES);
    CASES.forEach((c, i) => {
      const chosen = CHOSEN_DIFFERENCES[c.name];
      if (chosen === undefined) {
        expect({ case: c.name, answer: ours[i] }).toEqual({ case: c.name, answer: reference[i] });
      } else {
        expect(reference[i], c.name).toEqual(chosen.zookeeper);
        expect(ours[i], c.name).toEqual(chosen.meshkeeper);
      }
    });
  }, 60_000);
});
