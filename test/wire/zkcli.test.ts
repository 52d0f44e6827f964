// ZooKeeper's own shell (zkCli.sh from the Debian zookeeper package, the Java client) against a
// meshkeeper peer: create, get, ls, set, stat, delete, in one bounded session.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveEnsemble } from './live-ensemble.ts';

const ZKCLI = '/usr/share/zookeeper/bin/zkCli.sh';

function zkCli(server: string, commands: readonly string[], ms = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(ZKCLI, ['-server', server], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // The exit code is the last command's outcome (here a NONODE on purpose); a kill is a failure.
      if (signal === null) resolve(out);
      else reject(new Error(`zkCli.sh was killed (${signal}, code ${code}): ${out.slice(-3000)}`));
    });
    child.stdin.end(`${commands.join('\n')}\nquit\n`);
  });
}

describe('zkCli.sh against a meshkeeper ensemble', () => {
  const e = new LiveEnsemble({ voters: 3 });
  beforeAll(async () => {
    await e.startAll();
    await e.ready();
  }, 30_000);
  afterAll(() => e.stopAll());

  it('runs create, get, ls, set, stat and delete', async () => {
    const out = await zkCli(e.connectString(), [
      'create /cli hello', 'get /cli', 'ls /', 'set /cli world', 'stat /cli', 'create /cli/child x', 'ls /cli',
      'delete /cli/child', 'delete /cli', 'ls /', 'get /cli',
    ]);
    expect(out).toContain('WatchedEvent state:SyncConnected type:None path:null');
    expect(out).toContain('Created /cli\n');
    expect(out).toMatch(/\nhello\n/);
    expect(out).toContain('[cli, zookeeper]');
    expect(out).toMatch(/\ndataVersion = 1\n/);
    expect(out).toMatch(/\ndataLength = 5\n/);
    expect(out).toMatch(/\ncZxid = 0x[0-9a-f]+\n/);
    expect(out).toContain('Created /cli/child\n');
    expect(out).toContain('[child]');
    expect(out).toContain('\n[zookeeper]\n');
    expect(out).toContain('Node does not exist: /cli');
  }, 90_000);
});
