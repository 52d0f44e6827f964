// A real `meshkeeper peer` process serves ZooKeeper clients: it prints its client address, answers
// a four-letter word on that port, and meshkeeper's Client reaches it over WebSocket on the admin port.

import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.ts';
import { nodeWebSocketOpener } from '../../src/client/ws-opener-node.ts';
import { createPrng } from '../../src/core/util/prng.ts';
import { realClock } from '../../src/runtime/clock.ts';
import { exitOf } from '../../src/server/ensemble.ts';
import { startSignalServer } from '../../src/server/signal-server.ts';
import { clientAddress, pollUntil, spawnPeer } from '../server/processes.ts';

function fourLetters(address: string, word: string): Promise<string> {
  const at = address.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)) }, () => socket.write(word));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('a meshkeeper peer process', () => {
  it('serves ZooKeeper clients on its client port and over WebSocket on its admin port', async () => {
    const signal = await startSignalServer({ port: 0, host: '127.0.0.1', path: '/signal' });
    const root = await mkdtemp(join(tmpdir(), 'meshkeeper-wire-'));
    const peer = await spawnPeer(
      ['--ensemble', 'wire', '--peers', '1', '--data-dir', root, '--signal', signal.url, '--tick-ms', '100', '--client-port', '0'],
      1, 'wire-secret',
    );
    try {
      const address = await pollUntil(async () => clientAddress(peer), 'the client address line');
      const ws = /client zk:\/\/\S+ (ws:\/\/\S+)/.exec(peer.log.join(''))?.[1];
      expect(ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/zookeeper$/);
      expect(await fourLetters(address, 'ruok')).toBe('imok');
      await pollUntil(async () => ((await fourLetters(address, 'srvr')).includes('Mode: leader') ? true : undefined), 'peer 1 leading');
      const client = await Client.connect({
        endpoints: [ws!], open: nodeWebSocketOpener(), clock: realClock(), prng: createPrng(1), sessionTimeoutMs: 2000, connectTimeoutMs: 10_000,
      });
      expect(await client.create('/p', new TextEncoder().encode('x'))).toBe('/p');
      expect(await client.getChildren('/')).toContain('p');
      await client.close();
      expect(await fourLetters(address, 'mntr')).toMatch(/zk_server_state\tleader/);
    } finally {
      if (peer.child.pid !== undefined && peer.child.exitCode === null) process.kill(peer.child.pid, 'SIGKILL');
      await exitOf(peer.child);
      await signal.close();
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});
