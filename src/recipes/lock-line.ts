// The line every lock-like recipe keeps (lock, read-write lock, the semaphore's mutex): contenders
// create protected ephemeral-sequential children of one path and hold in sequence order. A
// contender that may not hold yet waits on exactly one node before it (its blocker), by an exists
// watch, so a release wakes at most the contenders that were blocked by that node: no herd. Who
// blocks whom is the recipe's rule (a lock: the predecessor; a reader: the nearest writer before it).
// A held node is ephemeral: when the session ends the node goes, the next contender holds, and the
// handle learns it through its `signal` (aborted) and `lost`. While disconnected a holder cannot know
// whether its session lives on; the guarantee is mutual exclusion among live sessions, as in ZooKeeper,
// so work that must never overlap also watches the client's 'disconnected' state (or fences its writes).

import { Code, KeeperError } from '../core/errors.ts';
import { basenameOf, joinPath } from '../core/tree/path.ts';
import type { Client } from '../client/client.ts';
import { protectedCreate } from './protected.ts';
import { deleteOwn, onSessionEnd, retryOnLoss, sessionEndedError, wakeUp } from './retry.ts';
import { sequenceOf, sortedBySequence, withParents } from './sequence.ts';

const empty = new Uint8Array(0);

export interface LockHandle {
  /** The contender's node, `${path}/_c_<id>-lock-NNNNNNNNNN`. */
  readonly node: string;
  /** True once the session ended while held: the ephemeral is gone and so is the lock. */
  readonly lost: boolean;
  /** Aborted when the lock is lost (session expired or closed); hand it to work done under the lock. */
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** Gives up waiting (the node is removed, the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** Decides, from the sorted line and our index in it, which node we wait on (undefined: we hold). */
export type Blocker = (line: readonly string[], mine: number) => string | undefined;

export const predecessorBlocks: Blocker = (line, mine) => (mine === 0 ? undefined : line[mine - 1]);

export class LockLine {
  constructor(
    private readonly client: Client,
    readonly path: string,
    /** The name prefixes that make up the line (one for a lock; `read-` and `write-` for a rwlock). */
    private readonly prefixes: readonly string[],
  ) {}

  /** Takes a place in the line as `${prefix}NNNNNNNNNN`; resolves with the node's path. */
  async enter(prefix: string, data: Uint8Array = empty): Promise<string> {
    return withParents(this.client, this.path, () => protectedCreate(this.client, joinPath(this.path, prefix), data));
  }

  /** The line now, lowest sequence first. */
  async line(): Promise<string[]> {
    const children = await retryOnLoss(this.client, () => this.client.getChildren(this.path));
    return this.prefixes.flatMap((p) => sortedBySequence(children, p)).sort((a, b) => sequenceOf(a) - sequenceOf(b));
  }

  /** Our blocker now (undefined: we hold); SESSIONEXPIRED when our node is gone. */
  async blocker(node: string, blocks: Blocker): Promise<string | undefined> {
    const line = await this.line();
    const mine = line.indexOf(basenameOf(node));
    if (mine < 0) throw new KeeperError(Code.SESSIONEXPIRED, 'our node is gone (session ended?)', node);
    return blocks(line, mine);
  }

  /** Waits until `node` holds; on failure or abort the node leaves the line. */
  async wait(node: string, blocks: Blocker, options: AcquireOptions = {}): Promise<LockHandle> {
    try {
      for (;;) {
        options.signal?.throwIfAborted();
        const blocker = await this.blocker(node, blocks);
        if (blocker === undefined) return this.hold(node);
        const wake = wakeUp(this.client);
        const stopAbort = onAbort(options.signal, () => wake.wake());
        try {
          // Null: the blocker went between getChildren and exists; look again at once.
          const stat = await retryOnLoss(this.client, () => this.client.exists(joinPath(this.path, blocker), { watch: wake.watcher }));
          if (stat !== null) await wake.wait();
        } finally {
          stopAbort();
        }
      }
    } catch (e) {
      await this.leave(node).catch(() => undefined);
      throw e;
    }
  }

  /** A handle for a held node: released once, lost when the session ends. */
  hold(node: string): LockHandle {
    return holdNode(this.client, node);
  }

  leave(node: string): Promise<void> {
    return deleteOwn(this.client, node);
  }
}

/**
 * A lock over a line: acquire / withLock / tryLock for contenders named `${prefix}NNNNNNNNNN` that
 * hold when `blocks` says nothing blocks them. DistributedLock and both sides of ReadWriteLock.
 */
export class LineLock {
  constructor(
    private readonly line: LockLine,
    private readonly prefix: string,
    private readonly blocks: Blocker,
  ) {}

  /** Waits in line until held. */
  async acquire(options: AcquireOptions = {}): Promise<LockHandle> {
    const node = await this.line.enter(this.prefix);
    return this.line.wait(node, this.blocks, options);
  }

  /** Waits until held, runs `fn`, releases (also when fn throws); resolves with fn's result. */
  async withLock<T>(fn: (lock: LockHandle) => T | Promise<T>, options: AcquireOptions = {}): Promise<T> {
    const lock = await this.acquire(options);
    try {
      return await fn(lock);
    } finally {
      await lock.release();
    }
  }

  /** Runs `fn` with the lock if it can be held now, else with null (navigator.locks' ifAvailable). */
  async tryLock<T>(fn: (lock: LockHandle | null) => T | Promise<T>): Promise<T> {
    const node = await this.line.enter(this.prefix);
    let blocker: string | undefined;
    try {
      blocker = await this.line.blocker(node, this.blocks);
    } catch (e) {
      await this.line.leave(node).catch(() => undefined);
      throw e;
    }
    if (blocker !== undefined) {
      await this.line.leave(node);
      return fn(null);
    }
    const lock = this.line.hold(node);
    try {
      return await fn(lock);
    } finally {
      await lock.release();
    }
  }
}

/** A handle for a held ephemeral node: released (deleted) once, lost when the session ends. */
export function holdNode(client: Client, node: string): LockHandle {
  const controller = new AbortController();
  let released = false;
  const stop = onSessionEnd(client, () => controller.abort(sessionEndedError(`lost with the session: ${node}`)));
  return {
    node,
    get lost() {
      return controller.signal.aborted && !released;
    },
    signal: controller.signal,
    release: async () => {
      if (released) return;
      released = true;
      stop();
      await deleteOwn(client, node);
    },
  };
}

/** Calls `fn` when `signal` aborts (at once if it has); returns the unsubscribe. */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (signal === undefined) return () => undefined;
  if (signal.aborted) {
    fn();
    return () => undefined;
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}
