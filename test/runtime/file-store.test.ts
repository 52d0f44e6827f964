import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { openFileStore } from '../../src/storage/file/index.ts';
import { Ensemble } from './ensemble.ts';
import { electWriteFailoverRejoin } from './scenario.ts';

describe('runtime peers over the file store', () => {
  it('three peers with file stores (real fsync) commit 1,000 writes, fail over, and the old leader rejoins by DIFF', async () => {
    const root = mkdtempSync(join(tmpdir(), 'meshkeeper-runtime-'));
    const e = new Ensemble({
      voters: 3,
      openStore: async (id) => openFileStore(join(root, `peer-${id}`)),
    });
    try {
      await electWriteFailoverRejoin(e);
    } finally {
      await e.stopAll();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
