// Three peer processes over real WebRTC under load from a third-party ZooKeeper client
// (node-zookeeper-client, connect string naming all three client ports): 10,000 creates with 100 in
// flight; the leader is SIGKILLed part way, the client fails over to a survivor, and afterwards every
// acknowledged create is present on every peer. The old leader restarts and catches up from its log
// (DIFF, or TRUNC of proposals that never committed, then DIFF). A peer whose data dir is wiped, in an
// ensemble that snapshots every 500 txns, catches up by SNAP. Bounded in count and time; every wait is
// on an admin endpoint condition.

import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, pollUntil, ProcessEnsemble, type PeerProcess } from './processes.ts';
import { connectZk, createMany, type Zk } from './zk-client.ts';

const WRITES = 10_000;
const IN_FLIGHT = 100;
/** Acknowledged creates before the leader is killed. */
const KILL_AFTER = 3_000;

describe('three peer processes under load', () => {
  let ensemble: ProcessEnsemble;
  const clients: Zk[] = [];

  beforeAll(async () => {
    ensemble = await ProcessEnsemble.open({ ensemble: 'load', ids: [1, 2, 3], secret: 'load-secret' });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await ensemble?.close();
  });

  const address = (p: PeerProcess): Promise<string> => pollUntil(async () => clientAddress(p), `peer ${p.id}'s client port`);
  const connect = async (hosts: string): Promise<Zk> => {
    const zk = await connectZk(hosts);
    clients.push(zk);
    return zk;
  };

  it('10,000 writes commit, a leader SIGKILLed under load loses no acknowledged write, and it catches up from its log on restart', async () => {
    const procs = await Promise.all([1, 2, 3].map((id) => ensemble.start(id)));
    const first = await ensemble.settled('one leader and two caught-up followers');
    const zk = await connect((await Promise.all(procs.map(address))).join(','));
    await zk.create('/load');

    const acked = new Set<number>();
    const failures: string[] = [];
    let next = 0;
    let kill: Promise<void> | undefined;
    const t0 = Date.now();
    const worker = async (): Promise<void> => {
      while (next < WRITES) {
        const i = next++;
        try {
          await zk.create(`/load/n-${i}`, 'x'.repeat(100));
          acked.add(i);
        } catch (error) {
          failures.push((error as Error).message); // unacknowledged: may or may not have committed
        }
        if (acked.size >= KILL_AFTER && !kill) kill = ensemble.stop(first.leader.id, 'SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await kill;
    console.log(JSON.stringify({ test: 'load', acked: acked.size, failed: failures.length, ms: Date.now() - t0, errors: [...new Set(failures)].slice(0, 3) }));
    expect(kill).toBeDefined();
    expect(acked.size).toBeGreaterThan(KILL_AFTER);

    const survivors = await ensemble.settled('a new leader among the two survivors');
    expect(survivors.leader.id).not.toBe(first.leader.id);
    expect(survivors.epoch).toBeGreaterThan(first.epoch);

    const back = await ensemble.start(first.leader.id);
    const all = await ensemble.settled('the old leader caught up', 60_000);
    expect(all.leader.id).toBe(survivors.leader.id);
    expect(back.log.join('')).toMatch(/synced by (DIFF|TRUNC)/);

    // Every peer, read through its own client port, holds every acknowledged create.
    for (const p of ensemble.procs.values()) {
      const direct = await connect(await address(p));
      const names = new Set(await direct.children('/load'));
      const missing = [...acked].filter((i) => !names.has(`n-${i}`));
      expect({ peer: p.id, missing: missing.slice(0, 10) }).toEqual({ peer: p.id, missing: [] });
      expect(names.size).toBeLessThanOrEqual(WRITES);
    }
  }, 240_000);
});

describe('a peer whose data dir was wiped', () => {
  let ensemble: ProcessEnsemble;
  const clients: Zk[] = [];

  beforeAll(async () => {
    ensemble = await ProcessEnsemble.open({ ensemble: 'snap', ids: [1, 2, 3], secret: 'snap-secret', peerArgs: ['--snap-count', '500'] });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await ensemble?.close();
  });

  it('catches up by SNAP once the leader has compacted its log past the start', async () => {
    const procs = await Promise.all([1, 2, 3].map((id) => ensemble.start(id)));
    const first = await ensemble.settled('one leader and two caught-up followers');
    const via = procs.find((p) => p.id === first.leader.id);
    if (!via) throw new Error('no leader process');
    const zk = await connectZk(await pollUntil(async () => clientAddress(via), 'the leader\'s client port'));
    clients.push(zk);
    await zk.create('/snap');
    await createMany(zk, '/snap', 2_000);
    await ensemble.settled('everyone caught up with 2,000 writes');

    const wiped = [1, 2, 3].find((id) => id !== first.leader.id) ?? 0;
    await ensemble.stop(wiped, 'SIGKILL');
    await rm(ensemble.dataDir(wiped), { recursive: true, force: true });
    const back = await ensemble.start(wiped);
    const all = await ensemble.settled('the wiped peer caught up', 60_000);
    expect(back.log.join('')).toMatch(/synced by SNAP/);
    expect(all.views.find((v) => v.id === wiped)).toMatchObject({ role: 'FOLLOWING', last_zxid: all.leader.last_zxid, znode_count: all.leader.znode_count });
    expect(all.leader.znode_count).toBeGreaterThanOrEqual(2_001);
  }, 120_000);
});
