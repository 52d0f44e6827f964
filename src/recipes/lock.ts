// A fair distributed lock (ZooKeeper's lock recipe): each contender creates an ephemeral-sequential
// child of the lock path; the lowest holds the lock; every other waits on the one just before it
// (an exists watch on its predecessor only, so a release wakes one waiter, not the herd). A
// holder's session ending releases the lock, since its node is ephemeral. The shape follows
// navigator.locks: withLock(fn) runs fn while holding, tryLock(fn) calls fn with null when held.

import { Code, isKeeperError } from '../core/errors.ts';
import { CreateMode } from '../core/tree/create-mode.ts';
import { basenameOf } from '../core/tree/path.ts';
import type { Client } from '../client/client.ts';
import { childPath, ensurePath, sortedBySequence } from './sequence.ts';

const prefix = 'lock-';
const empty = new Uint8Array(0);

export interface LockHandle {
  /** The contender's node, `${lockPath}/lock-NNNNNNNNNN`. */
  readonly node: string;
  release(): Promise<void>;
}

export class DistributedLock {
  constructor(
    private readonly client: Client,
    readonly path: string,
  ) {}

  /** Waits until held, runs `fn`, releases (also when fn throws); resolves with fn's result. */
  async withLock<T>(fn: (lock: LockHandle) => T | Promise<T>): Promise<T> {
    const lock = await this.acquire();
    try {
      return await fn(lock);
    } finally {
      await lock.release();
    }
  }

  /** Runs `fn` with the lock if it is free now, else with null (navigator.locks' ifAvailable). */
  async tryLock<T>(fn: (lock: LockHandle | null) => T | Promise<T>): Promise<T> {
    const node = await this.enter();
    const { predecessor } = await this.position(node);
    if (predecessor !== undefined) {
      await this.leave(node);
      return fn(null);
    }
    const lock = this.handle(node);
    try {
      return await fn(lock);
    } finally {
      await lock.release();
    }
  }

  /** Waits in line until the lock is held. */
  async acquire(): Promise<LockHandle> {
    const node = await this.enter();
    try {
      for (;;) {
        const { predecessor } = await this.position(node);
        if (predecessor === undefined) return this.handle(node);
        let wake: () => void = () => undefined;
        const gone = new Promise<void>((resolve) => (wake = resolve));
        // Null: it went between our getChildren and exists; look again at once.
        const stat = await this.client.exists(childPath(this.path, predecessor), { watch: () => wake() });
        if (stat !== null) await gone;
      }
    } catch (e) {
      await this.leave(node).catch(() => undefined);
      throw e;
    }
  }

  private async enter(): Promise<string> {
    await ensurePath(this.client, this.path);
    return this.client.create(childPath(this.path, prefix), empty, { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
  }

  private async position(node: string): Promise<{ predecessor: string | undefined }> {
    const line = sortedBySequence(await this.client.getChildren(this.path), prefix);
    const mine = line.indexOf(basenameOf(node));
    if (mine < 0) throw new Error(`lock node ${node} vanished (session expired?)`);
    return { predecessor: mine === 0 ? undefined : line[mine - 1] };
  }

  private handle(node: string): LockHandle {
    let released = false;
    return {
      node,
      release: async () => {
        if (released) return;
        released = true;
        await this.leave(node);
      },
    };
  }

  private async leave(node: string): Promise<void> {
    try {
      await this.client.delete(node);
    } catch (e) {
      if (!isKeeperError(e, Code.NONODE)) throw e;
    }
  }
}
