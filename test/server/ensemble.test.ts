import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../src/server/cli.ts';
import { exitOf } from '../../src/server/ensemble.ts';
import { startSignalServer, type SignalServer } from '../../src/server/signal-server.ts';
import { admin, pollUntil, runCli, spawnPeer, srvrAll, type PeerProcess, type SrvrView } from './processes.ts';

const SECRET = 'test-ensemble-secret';
const IDS = [1, 2, 3];

/** One LEADING and the rest FOLLOWING it, all serving in one epoch; undefined otherwise. */
function settled(views: readonly (SrvrView | undefined)[]): { leader: SrvrView; epoch: number } | undefined {
  if (views.some((v) => v === undefined || !v.serving)) return undefined;
  const all = views as SrvrView[];
  const leaders = all.filter((v) => v.role === 'LEADING');
  const leader = leaders[0];
  if (leaders.length !== 1 || !leader) return undefined;
  const followers = all.filter((v) => v.role === 'FOLLOWING' && v.leader === leader.id && v.epoch === leader.epoch);
  return followers.length === all.length - 1 ? { leader, epoch: leader.epoch } : undefined;
}

describe('meshkeeper peer processes', () => {
  let server: SignalServer;
  let root: string;
  const started: PeerProcess[] = [];

  beforeAll(async () => {
    server = await startSignalServer({ port: 0, host: '127.0.0.1', path: '/signal' });
    root = await mkdtemp(join(tmpdir(), 'meshkeeper-ensemble-'));
  });

  afterAll(async () => {
    for (const p of started) {
      if (p.child.exitCode === null && p.child.signalCode === null && p.child.pid !== undefined) process.kill(p.child.pid, 'SIGKILL');
    }
    await Promise.all(started.map((p) => exitOf(p.child)));
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  const start = async (id: number): Promise<PeerProcess> => {
    const args = ['--ensemble', 'it', '--peers', IDS.join(','), '--data-dir', join(root, String(id)), '--signal', server.url, '--tick-ms', '100'];
    const p = await spawnPeer(args, id, SECRET);
    started.push(p);
    return p;
  };

  it('three peers elect one leader, a SIGKILLed leader is replaced in a higher epoch, and it rejoins as a follower', async () => {
    const t0 = Date.now();
    const peers = await Promise.all(IDS.map(start));
    const urls = new Map(peers.map((p) => [p.id, p.adminUrl]));

    const first = await pollUntil(async () => settled(await srvrAll([...urls.values()])), 'one LEADING and two FOLLOWING');
    const leaderId = first.leader.id;
    const leaderUrl = urls.get(leaderId) ?? '';
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

    const killed = peers.find((p) => p.id === leaderId);
    if (!killed?.child.pid) throw new Error('no leader process');
    process.kill(killed.child.pid, 'SIGKILL');
    await exitOf(killed.child);
    urls.delete(leaderId);

    const second = await pollUntil(async () => settled(await srvrAll([...urls.values()])), 'a new leader among the other two');
    expect(second.leader.id).not.toBe(leaderId);
    expect(second.epoch).toBeGreaterThan(first.epoch);

    const back = await start(leaderId);
    urls.set(leaderId, back.adminUrl);
    const third = await pollUntil(async () => settled(await srvrAll([...urls.values()])), 'the old leader rejoining', 30_000);
    expect(third.leader.id).toBe(second.leader.id);
    const [rejoined] = await srvrAll([back.adminUrl]);
    expect(rejoined).toMatchObject({ role: 'FOLLOWING', leader: second.leader.id, epoch: third.epoch });
    console.log(`ensemble test: elect, fail over and rejoin took ${Date.now() - t0} ms`);
  }, 90_000);
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
  });

  it('the ensemble command defaults to three peers named local on port 5180, with the secret from the environment', () => {
    expect(parseCli(['ensemble'], { MESHKEEPER_SECRET: 'env-secret' })).toEqual({
      command: 'ensemble', peers: 3, signalPort: 5180, adminPortBase: 8080, dataDir: './.meshkeeper', ensemble: 'local',
      secret: 'env-secret', tickMs: 200,
    });
  });
});
