// A SIGKILLed peer that restarts under the same id rejoins without waiting for the survivors to find
// its old WebRTC link dead (a SIGKILL tells nobody; the stale link would idle out only after
// idleTimeoutMs). Under "the lower id offers" peer 3 answers on both of its links, so it cannot redial
// them itself: it knocks, and the survivors replace their stale links. Peer 1 offers on both, so its
// new offers replace them. While it is down the survivors commit writes it must catch up on. The time from restart to FOLLOWING with last_zxid caught up is printed (a
// figure, not an assertion); the bound only stops a run that hangs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, pollUntil, ProcessEnsemble, settled, srvrAll } from './processes.ts';
import { connectZk, createMany } from './zk-client.ts';

const TICK_MS = 100;
/** Ticks the restarted peer gets to rejoin before the test gives up (a stop condition, not a speed). */
// Generous: the suite runs files in parallel on 2 cores; the figure itself is printed, not asserted.
const REJOIN_TICKS_MAX = 600;
/** Writes committed while the peer is down: it must catch up on them (DIFF) to count as rejoined. */
const MISSED_WRITES = 200;

describe('a restarted peer', () => {
  let ensemble: ProcessEnsemble;

  beforeAll(async () => {
    ensemble = await ProcessEnsemble.open({ ensemble: 'rejoin', ids: [1, 2, 3], secret: 'rejoin-secret', tickMs: TICK_MS });
  });

  afterAll(async () => {
    await ensemble?.close();
  });

  it.each([
    { killed: 3, role: 'answers on both links' },
    { killed: 1, role: 'offers on both links' },
  ])('a peer that $role, SIGKILLed and restarted with the same id, replaces its stale links and follows again, caught up', async ({ killed }) => {
    for (const id of [1, 2, 3]) if (!ensemble.procs.has(id)) await ensemble.start(id);
    const first = await ensemble.settled('one leader and two caught-up followers');
    const generations = new Map(first.views.filter((v) => v.id !== killed).map((v) => [v.id, v.peers.find((l) => l.id === killed)?.generation ?? 0]));

    await ensemble.stop(killed, 'SIGKILL');
    // The two survivors keep (or re-elect) a leader; their links to the killed peer may still look up.
    const survivors = await ensemble.settled('the two survivors settled');
    const via = ensemble.procs.get(survivors.leader.id);
    const zk = await connectZk(await pollUntil(async () => (via ? clientAddress(via) : undefined), 'a survivor\'s client port'));
    try {
      await zk.create(`/missed-by-${killed}`);
      await createMany(zk, `/missed-by-${killed}`, MISSED_WRITES);
    } finally {
      zk.close();
    }

    const t0 = Date.now();
    const back = await ensemble.start(killed);
    const started = Date.now() - t0;
    const rejoined = await pollUntil(
      async () => {
        const s = settled(await ensemble.views('mntr'));
        return s?.views.find((v) => v.id === killed)?.role === 'FOLLOWING' ? s : undefined;
      },
      `peer ${killed} following again with its last_zxid caught up`,
      REJOIN_TICKS_MAX * TICK_MS,
    );
    const ms = Date.now() - t0;
    console.log(JSON.stringify({ test: 'rejoin', figure: `restart_to_following_ms_peer${killed}`, value: ms, unit: 'ms', process_start_ms: started }));

    const [mine] = await srvrAll([back.adminUrl], 'mntr');
    expect(mine).toMatchObject({ id: killed, role: 'FOLLOWING', leader: rejoined.leader.id, last_zxid: rejoined.leader.last_zxid });
    expect(mine?.znode_count).toBe(rejoined.leader.znode_count);
    expect(BigInt(mine?.last_zxid ?? '0')).toBeGreaterThan(BigInt(survivors.leader.last_zxid));
    // Each survivor's link to the restarted peer is a new generation: the stale one was replaced.
    for (const v of rejoined.views.filter((x) => x.id !== killed)) {
      const link = v.peers.find((l) => l.id === killed);
      expect(link?.state).toBe('up');
      expect(link?.generation ?? 0).toBeGreaterThan(generations.get(v.id) ?? 0);
    }
  }, 120_000);
});
