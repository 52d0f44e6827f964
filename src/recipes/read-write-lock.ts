// A fair read-write lock (ZooKeeper's shared-lock recipe, Curator's InterProcessReadWriteLock):
// readers (`read-NNNNNNNNNN`) and writers (`write-NNNNNNNNNN`) stand in one line under the path.
// A writer holds when it is first and waits on its predecessor; a reader holds when no writer is
// before it and waits on the nearest writer before it. So readers share, a writer excludes all,
// nobody overtakes (a reader behind a waiting writer waits too), and a release wakes only the
// contenders that node blocked: the next writer, or the readers up to the next writer.

import type { Client } from '../client/client.ts';
import { unprotected } from './protected.ts';
import { LineLock, LockLine, predecessorBlocks, type Blocker } from './lock-line.ts';

export type { AcquireOptions, LockHandle } from './lock-line.ts';

const readPrefix = 'read-';
const writePrefix = 'write-';

const nearestWriterBefore: Blocker = (line, mine) => {
  for (let i = mine - 1; i >= 0; i--) {
    const node = line[i];
    if (node !== undefined && unprotected(node).startsWith(writePrefix)) return node;
  }
  return undefined;
};

export class ReadWriteLock {
  /** Shared: held together with other readers, never with a writer. */
  readonly readLock: LineLock;
  /** Exclusive: held alone. */
  readonly writeLock: LineLock;

  constructor(client: Client, readonly path: string) {
    const line = new LockLine(client, path, [readPrefix, writePrefix]);
    this.readLock = new LineLock(line, readPrefix, nearestWriterBefore);
    this.writeLock = new LineLock(line, writePrefix, predecessorBlocks);
  }
}
