// A Deno peer in a Node ensemble: two `node` peer processes and one `deno run -A src/server/cli.ts
// peer` process (the same code, node-datachannel loaded as a Node-API addon by Deno) meet through the
// signaling server, authenticate, elect one leader and replicate. Deno comes from the npm `deno`
// devDependency: when it is missing the test fails, it is never skipped. Every wait is on an admin
// endpoint condition, bounded. The Deno peer also restarts after SIGTERM (DIFF) and after SIGKILL.

import { access, constants } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, DENO, pollUntil, ProcessEnsemble, srvrAll, type PeerProcess } from './processes.ts';
import { connectZk, createMany, type Zk } from './zk-client.ts';

const DENO_ID = 3;
const WRITES = 300;

describe('a Deno peer in a Node ensemble', () => {
  let ensemble: ProcessEnsemble;
  let zk: Zk | undefined;

  beforeAll(async () => {
    await access(DENO, constants.X_OK); // fails (never skips) without the deno devDependency
    ensemble = await ProcessEnsemble.open({ ensemble: 'deno', ids: [1, 2, 3], secret: 'deno-secret' });
  });

  afterAll(async () => {
    zk?.close();
    await ensemble?.close();
  });

  const client = async (p: PeerProcess): Promise<Zk> =>
    connectZk(await pollUntil(async () => clientAddress(p), `peer ${p.id}'s client port`));

  it('a Deno peer joins two Node peers over WebRTC, one leader is elected, and committed writes reach it', async () => {
    const [node1] = await Promise.all([ensemble.start(1), ensemble.start(2), ensemble.start(DENO_ID, 'deno')]);
    const first = await ensemble.settled('one leader and two caught-up followers, the Deno peer among them');
    const deno = first.views.find((v) => v.id === DENO_ID);
    expect(deno?.role === 'FOLLOWING' || deno?.role === 'LEADING').toBe(true);
    expect(deno?.peers.map((l) => [l.id, l.state])).toEqual([[1, 'up'], [2, 'up']]);

    if (!node1) throw new Error('peer 1 did not start');
    zk = await client(node1);
    await zk.create('/deno');
    await createMany(zk, '/deno', WRITES);
    const leaderZxid = BigInt((await srvrAll([ensemble.url(first.leader.id)], 'mntr'))[0]?.last_zxid ?? '0');
    const caught = await ensemble.settled('the Deno peer caught up with every write');
    const denoNow = caught.views.find((v) => v.id === DENO_ID);
    expect(BigInt(denoNow?.last_zxid ?? '0')).toBeGreaterThanOrEqual(leaderZxid);
    expect(denoNow?.znode_count).toBe(caught.leader.znode_count);
    expect(denoNow?.znode_count).toBeGreaterThanOrEqual(WRITES + 1);
  }, 120_000);

  it('the Deno peer stops cleanly on SIGTERM, misses writes, and catches up after a restart', async () => {
    const denoProc = ensemble.procs.get(DENO_ID);
    if (!denoProc || !zk) throw new Error('the first test did not leave a running ensemble');
    await ensemble.stop(DENO_ID, 'SIGTERM');
    expect(denoProc.child.exitCode).toBe(0);
    // Two Node peers of three are a quorum: writes go on without the Deno peer.
    await zk.create('/deno-missed');
    await createMany(zk, '/deno-missed', WRITES);

    const back = await ensemble.start(DENO_ID, 'deno');
    const caught = await ensemble.settled('the restarted Deno peer caught up');
    const deno = caught.views.find((v) => v.id === DENO_ID);
    expect(deno).toMatchObject({ role: 'FOLLOWING', last_zxid: caught.leader.last_zxid, znode_count: caught.leader.znode_count });
    expect(back.log.join('')).toMatch(/synced by DIFF \((\d+) txns\)/); // from its own log on disk, plus what it missed

    // And it serves what it caught up on to a client of its own.
    const direct = await client(back);
    try {
      expect((await direct.children('/deno-missed')).length).toBe(WRITES);
    } finally {
      direct.close();
    }
  }, 120_000);

  it('a SIGKILLed Deno peer recovers from its files and rejoins, caught up', async () => {
    if (!zk) throw new Error('the first test did not leave a client');
    await ensemble.stop(DENO_ID, 'SIGKILL');
    await zk.create('/deno-killed');
    await createMany(zk, '/deno-killed', WRITES);
    await ensemble.start(DENO_ID, 'deno');
    const caught = await ensemble.settled('the SIGKILLed Deno peer caught up');
    expect(caught.views.find((v) => v.id === DENO_ID)).toMatchObject({
      role: 'FOLLOWING', last_zxid: caught.leader.last_zxid, znode_count: caught.leader.znode_count,
    });
  }, 120_000);
});
