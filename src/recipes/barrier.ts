// A barrier (ZooKeeper's recipe, Curator's DistributedBarrier): while the barrier node exists,
// wait() blocks; remove() lets every waiter through. Waiters use an exists watch on the node, so a
// removal wakes them all: that is the point of a barrier, not a herd.

import { Code, isKeeperError } from '../core/errors.ts';
import { parentOf } from '../core/tree/path.ts';
import type { Client } from '../client/client.ts';
import { onAbort } from './lock-line.ts';
import { deleteOwn, retryOnLoss, wakeUp } from './retry.ts';
import { ensurePath } from './sequence.ts';

const empty = new Uint8Array(0);

export class Barrier {
  constructor(
    private readonly client: Client,
    readonly path: string,
  ) {}

  /** Raises the barrier (a barrier already up stays up). */
  async set(): Promise<void> {
    await ensurePath(this.client, parentOf(this.path));
    try {
      await retryOnLoss(this.client, () => this.client.create(this.path, empty));
    } catch (e) {
      if (!isKeeperError(e, Code.NODEEXISTS)) throw e;
    }
  }

  /** Lowers the barrier: every waiter passes. */
  remove(): Promise<void> {
    return deleteOwn(this.client, this.path);
  }

  /** Resolves once the barrier is down (at once if it is); rejects if the session ends or `signal` aborts. */
  async wait(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    for (;;) {
      options.signal?.throwIfAborted();
      const wake = wakeUp(this.client);
      const stat = await retryOnLoss(this.client, () => this.client.exists(this.path, { watch: wake.watcher }));
      if (stat === null) return;
      const stopAbort = onAbort(options.signal, () => wake.wake());
      try {
        await wake.wait();
      } finally {
        stopAbort();
      }
    }
  }
}
