import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../src/core/util/prng.ts';
import { counterOf, makeZxid, type Zxid } from '../../src/core/zxid.ts';
import { openFileStore } from '../../src/storage/file/index.ts';
import { crashSnapshotBytes, crashTxn } from './crash-model.ts';
import { tempDir } from './file-harness.ts';

const writer = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
const KILLS = 20;

/** Runs the writer until a random moment after it is ready, SIGKILLs it, returns what it acknowledged. */
function runAndKill(dir: string, seed: number, delayMs: number): Promise<{ ready: number; acked: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let ready = -1;
    let acked = -1;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const [kind, n] = out.slice(0, nl).split(' ');
        out = out.slice(nl + 1);
        if (kind === 'ready') {
          ready = Number(n);
          acked = ready;
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        } else if (kind === 'ack') acked = Number(n);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own: ${err}`));
      else resolve({ ready, acked });
    });
  });
}

describe('file store under SIGKILL', () => {
  it('keeps every acknowledged append and nothing half-written, across 20 kills at random moments', async () => {
    const dir = await tempDir();
    const prng = createPrng(20240601);
    try {
      let everAcked = 0;
      for (let kill = 0; kill < KILLS; kill++) {
        const { ready, acked } = await runAndKill(dir, kill + 1, prng.int(120));
        expect(ready).toBeGreaterThanOrEqual(everAcked);
        everAcked = Math.max(everAcked, acked);

        const store = await openFileStore(dir, { segmentBytes: 64 * 1024, keepSnapshots: 2 });
        const state = await store.load();
        await store.close();
        const snapshotCounter = state.snapshot === undefined ? 0 : counterOf(state.snapshot.zxid);
        if (state.snapshot !== undefined) expect(state.snapshot.bytes).toEqual(crashSnapshotBytes(state.snapshot.zxid));
        // The log after the snapshot is exactly txns snapshot+1, +2, …: contiguous, each one whole.
        state.log.forEach((txn, i) => expect(txn).toEqual(crashTxn(makeZxid(1, snapshotCounter + 1 + i) as Zxid)));
        const recovered = snapshotCounter + state.log.length;
        expect(recovered).toBeGreaterThanOrEqual(everAcked);
      }
      expect(everAcked).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
