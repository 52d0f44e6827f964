// A fair distributed lock (ZooKeeper's lock recipe, Curator's InterProcessMutex): each contender
// takes a protected ephemeral-sequential place in the line under the lock path (lock-line.ts); the
// lowest holds; every other waits on the one just before it, so a release wakes one waiter, not the
// herd. A create whose reply is lost is found again by its id (protected.ts), never doubled. A
// holder's session ending releases the lock (the node is ephemeral) and aborts its handle's signal.
// The shape follows navigator.locks: withLock(fn) runs fn while holding, tryLock(fn) calls fn with
// null when the lock is held elsewhere.

import type { Client } from '../client/client.ts';
import { LineLock, LockLine, predecessorBlocks } from './lock-line.ts';

export type { AcquireOptions, LockHandle } from './lock-line.ts';

const prefix = 'lock-';

export class DistributedLock extends LineLock {
  constructor(client: Client, readonly path: string) {
    super(new LockLine(client, path, [prefix]), prefix, predecessorBlocks);
  }
}
