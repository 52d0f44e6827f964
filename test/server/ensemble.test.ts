import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../src/server/cli.ts';
import { admin, pollUntil, ProcessEnsemble, runCli, srvrAll, type SrvrView } from './processes.ts';

const IDS = [1, 2, 3];

/** One LEADING and the rest FOLLOWING it, all serving in one epoch; undefined otherwise. */
function elected(views: readonly (SrvrView | undefined)[]): { leader: SrvrView; epoch: number } | undefined {
  if (views.some((v) => v === undefined || !v.serving)) return undefined;
  const all = views as SrvrView[];
  const leaders = all.filter((v) => v.role === 'LEADING');
  const leader = leaders[0];
  if (leaders.length !== 1 || !leader) return undefined;
  const followers = all.filter((v) => v.role === 'FOLLOWING' && v.leader === leader.id && v.epoch === leader.epoch);
  return followers.length === all.length - 1 ? { leader, epoch: leader.epoch } : undefined;
}

/** Runs `body` against a fresh signaling server and data root, and kills every peer process after. */
async function withEnsemble(name: string, body: (e: ProcessEnsemble) => Promise<void>): Promise<void> {
  const ensemble = await ProcessEnsemble.open({ ensemble: name, ids: IDS, secret: 'test-ensemble-secret' });
  try {
    await body(ensemble);
  } finally {
    await ensemble.close();
  }
}

describe('meshkeeper peer processes', () => {
  it('three peers elect one leader, a SIGKILLed leader is replaced in a higher epoch, and it rejoins as a follower', () =>
    withEnsemble('it', async (ensemble) => {
      const t0 = Date.now();
      await Promise.all(IDS.map((id) => ensemble.start(id)));
      const first = await pollUntil(async () => elected(await ensemble.views()), 'one LEADING and two FOLLOWING');
      const leaderId = first.leader.id;
      const leaderUrl = ensemble.url(leaderId);
      expect(first.leader.peers.every((l) => l.state === 'up' && l.generation >= 1)).toBe(true);
      expect(first.leader.znode_count).toBeGreaterThan(0);
      expect(first.leader.sessions).toBe(0);
      for (const command of ['stat', 'mntr']) {
        const { status, body } = await admin(leaderUrl, command);
        expect(status).toBe(200);
        expect(body).toMatchObject({ command, error: null, role: 'LEADING', epoch: first.epoch });
      }
      expect((await admin(leaderUrl, 'ruok')).body).toEqual({ command: 'ruok', error: null });
      expect(await admin(leaderUrl, 'conf')).toEqual({ status: 404, body: { command: 'conf', error: 'Unknown command: conf' } });

      await ensemble.stop(leaderId, 'SIGKILL');
      const second = await pollUntil(async () => elected(await ensemble.views()), 'a new leader among the other two');
      expect(second.leader.id).not.toBe(leaderId);
      expect(second.epoch).toBeGreaterThan(first.epoch);

      const back = await ensemble.start(leaderId);
      const third = await pollUntil(async () => elected(await ensemble.views()), 'the old leader rejoining', 30_000);
      expect(third.leader.id).toBe(second.leader.id);
      const [rejoined] = await srvrAll([back.adminUrl]);
      expect(rejoined).toMatchObject({ role: 'FOLLOWING', leader: second.leader.id, epoch: third.epoch });
      console.log(`ensemble test: elect, fail over and rejoin took ${Date.now() - t0} ms`);
    }), 90_000);

  it('a peer process with the wrong secret is refused on both sides with a reason, and the ensemble is not disturbed', () =>
    withEnsemble('secret', async (ensemble) => {
      await Promise.all([1, 2].map((id) => ensemble.start(id)));
      const before = await pollUntil(async () => elected(await ensemble.views()), 'peers 1 and 2 electing a leader');
      const intruder = await ensemble.start(3, 'node', 'not-the-secret');
      const refused = await pollUntil(async () => {
        const [v] = await srvrAll([intruder.adminUrl]);
        const reasons = v?.peers.map((l) => l.reason ?? '') ?? [];
        return v && reasons.length === 2 && reasons.every((r) => /secret/.test(r)) ? v : undefined;
      }, 'peer 3 reporting both links refused for the secret');
      expect(refused.peers.every((l) => l.state !== 'up' && l.generation === 0)).toBe(true);
      expect(refused.role).toBe('LOOKING');
      const members = await pollUntil(async () => {
        const views = await srvrAll([ensemble.url(1), ensemble.url(2)]);
        const reasons = views.map((v) => v?.peers.find((l) => l.id === 3)?.reason ?? '');
        return reasons.every((r) => /secret/.test(r)) ? views : undefined;
      }, 'peers 1 and 2 naming the secret as why 3 is refused');
      const after = elected(members);
      expect(after).toMatchObject({ epoch: before.epoch, leader: { id: before.leader.id } });
      for (const v of members) expect(v?.peers.find((l) => l.id !== 3)).toMatchObject({ state: 'up', generation: 1 });
    }), 60_000);
});

describe('the meshkeeper command line', () => {
  it('a bad or missing flag exits with code 2 and prints the usage', async () => {
    const runs = await Promise.all([
      runCli(['peer', '--id', '0', '--ensemble', 'x', '--peers', '1', '--data-dir', 'd', '--signal', 'ws://h/s', '--secret', 's']),
      runCli(['signal', '--port', 'eighty']),
      runCli(['ensemble', '--bogus']),
      runCli([]),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('usage:');
    }
    expect(runs[0]?.stderr).toContain('--id must be an integer');
  }, 30_000);

  it('peer flags are parsed strictly: the id must be listed in --peers and --signal must be a ws URL', () => {
    const base = ['peer', '--ensemble', 'e', '--data-dir', 'd', '--secret', 's'];
    expect(() => parseCli([...base, '--id', '4', '--peers', '1,2,3', '--signal', 'ws://127.0.0.1:5180/signal'])).toThrow(UsageError);
    expect(() => parseCli([...base, '--id', '1', '--peers', '1,2,3', '--signal', 'http://x'])).toThrow(/ws:\/\//);
    expect(() => parseCli([...base, '--id', '1', '--peers', '1,1', '--signal', 'ws://x'])).toThrow(/twice/);
    expect(parseCli([...base, '--id', '2', '--peers', '1,2,3', '--signal', 'ws://x/signal'])).toMatchObject({
      command: 'peer', id: 2, peers: [1, 2, 3], adminPort: 8082, tickMs: 200,
    });
    expect(parseCli([...base, '--id', '1', '--peers', '1,2,3', '--signal', 'ws://x/signal', '--snap-count', '500'])).toMatchObject({ snapCount: 500 });
    expect(parseCli([...base, '--id', '1', '--peers', '1,2,3', '--signal', 'ws://x/signal'])).not.toHaveProperty('snapCount');
    expect(() => parseCli([...base, '--id', '1', '--peers', '1,2,3', '--signal', 'ws://x/signal', '--snap-count', '0'])).toThrow(/--snap-count/);
  });

  it('the ensemble command defaults to three peers named local on port 5180, with the secret from the environment', () => {
    expect(parseCli(['ensemble'], { MESHKEEPER_SECRET: 'env-secret' })).toEqual({
      command: 'ensemble', peers: 3, signalPort: 5180, adminPortBase: 8080, dataDir: './.meshkeeper', ensemble: 'local',
      secret: 'env-secret', tickMs: 200, tabs: 2,
    });
  });
});
