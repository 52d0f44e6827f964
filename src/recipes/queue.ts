// A distributed FIFO queue (ZooKeeper's queue recipe): an item is a persistent-sequential child
// `qn-NNNNNNNNNN` of the queue path; consumers take the lowest. Taking is deleting, in one multi with
// a tombstone `${path}/_taken/<item>` that holds the taker's claim id: a delete can succeed only
// once, so an item is delivered at most once, and after a lost reply (CONNECTIONLOSS) the taker
// reads its tombstone to learn whether the item is its own. Offers are protected creates
// (protected.ts): after a lost reply the producer looks for its id among the items and the
// tombstones, so a retried offer never adds the item twice. Tombstones are TTL nodes (gone once no
// producer can still be asking; where the ensemble reaps TTL nodes). take() blocks on a child watch.
// A priority variant (priority-queue.ts) only changes the item's name.

import { Code, isKeeperError } from '../core/errors.ts';
import { CreateMode } from '../core/tree/create-mode.ts';
import { basenameOf } from '../core/tree/path.ts';
import type { Client } from '../client/client.ts';
import { MultiError } from '../client/client.ts';
import { onAbort } from './lock-line.ts';
import { newProtectedId, protectedCreate, protectedIdOf, unprotected } from './protected.ts';
import { retryOnLoss, whenConnected, wakeUp } from './retry.ts';
import { childPath, ensurePath } from './sequence.ts';

export const itemPrefix = 'qn-';
const takenDir = '_taken';
const encoder = new TextEncoder();

export interface QueueOptions {
  /** How long a tombstone outlives its item (ms): longer than any session timeout. Default 10 minutes. */
  readonly tombstoneTtlMs?: number;
}

export interface TakeOptions {
  readonly signal?: AbortSignal;
}

export class DistributedQueue {
  private readonly taken: string;
  private readonly tombstoneTtlMs: number;
  private ready = false;

  constructor(
    protected readonly client: Client,
    readonly path: string,
    options: QueueOptions = {},
  ) {
    this.taken = childPath(path, takenDir);
    this.tombstoneTtlMs = options.tombstoneTtlMs ?? 600_000;
  }

  /** Adds an item at the tail; resolves with its node's path. */
  offer(data: Uint8Array): Promise<string> {
    return this.offerNamed(itemPrefix, data);
  }

  /** The head item's data without taking it, or null when the queue is empty. */
  async peek(): Promise<Uint8Array | null> {
    for (const item of await this.items()) {
      try {
        return (await retryOnLoss(this.client, () => this.client.getData(childPath(this.path, item)))).data;
      } catch (e) {
        if (!isKeeperError(e, Code.NONODE)) throw e;
      }
    }
    return null;
  }

  /** Takes the head item, or resolves null when the queue is empty. */
  async poll(): Promise<Uint8Array | null> {
    for (const item of await this.items()) {
      const data = await this.takeItem(item);
      if (data !== null) return data;
    }
    return null;
  }

  /** Takes the head item, waiting for one when the queue is empty. */
  async take(options: TakeOptions = {}): Promise<Uint8Array> {
    for (;;) {
      options.signal?.throwIfAborted();
      const data = await this.poll();
      if (data !== null) return data;
      const wake = wakeUp(this.client);
      const children = await retryOnLoss(this.client, () => this.client.getChildren(this.path, { watch: wake.watcher }));
      if (this.order(children).length > 0) continue;
      const stopAbort = onAbort(options.signal, () => wake.wake());
      try {
        await wake.wait();
      } finally {
        stopAbort();
      }
    }
  }

  /** Items waiting now. */
  async size(): Promise<number> {
    return (await this.items()).length;
  }

  /** Item children, head first: fixed-width names, so their order is the order of their names. */
  protected order(children: readonly string[]): string[] {
    return children.filter((c) => unprotected(c).startsWith(itemPrefix)).sort((a, b) => compare(unprotected(a), unprotected(b)));
  }

  protected async offerNamed(name: string, data: Uint8Array): Promise<string> {
    await this.ensure();
    return protectedCreate(this.client, childPath(this.path, name), data, {
      mode: CreateMode.PERSISTENT_SEQUENTIAL,
      alsoFound: (id) => this.tombstoneOf(id),
    });
  }

  private async items(): Promise<string[]> {
    await this.ensure();
    return this.order(await retryOnLoss(this.client, () => this.client.getChildren(this.path)));
  }

  /** Deletes `item` with its tombstone in one multi; its data if we took it, null if someone else did. */
  private async takeItem(item: string): Promise<Uint8Array | null> {
    const path = childPath(this.path, item);
    const tombstone = childPath(this.taken, item);
    const claim = encoder.encode(newProtectedId());
    for (;;) {
      let read: { data: Uint8Array; stat: { version: number } };
      try {
        read = await retryOnLoss(this.client, () => this.client.getData(path));
      } catch (e) {
        if (isKeeperError(e, Code.NONODE)) return null;
        throw e;
      }
      try {
        await this.client
          .transaction()
          .delete(path, read.stat.version)
          .create(tombstone, claim, { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: this.tombstoneTtlMs })
          .commit();
        return read.data;
      } catch (e) {
        // Taken already: by someone else, or by an earlier attempt of ours whose reply was lost.
        if (e instanceof MultiError && (e.code === Code.NONODE || e.code === Code.NODEEXISTS)) return this.ownTake(tombstone, claim, read.data);
        if (e instanceof MultiError && e.code === Code.BADVERSION) continue;
        if (!isKeeperError(e, Code.CONNECTIONLOSS)) throw e;
      }
      // The reply was lost: the tombstone says whether the take happened, and whose it was.
      await whenConnected(this.client);
      await retryOnLoss(this.client, () => this.client.sync(this.path));
      const mark = await this.tombstoneClaim(tombstone);
      if (mark !== null) return sameBytes(mark, claim) ? read.data : null;
    }
  }

  private async ownTake(tombstone: string, claim: Uint8Array, data: Uint8Array): Promise<Uint8Array | null> {
    const mark = await this.tombstoneClaim(tombstone);
    return mark !== null && sameBytes(mark, claim) ? data : null;
  }

  private async tombstoneClaim(tombstone: string): Promise<Uint8Array | null> {
    try {
      return (await retryOnLoss(this.client, () => this.client.getData(tombstone))).data;
    } catch (e) {
      if (isKeeperError(e, Code.NONODE)) return null;
      throw e;
    }
  }

  /** An offer whose item was taken before its producer could look: found by its tombstone. */
  private async tombstoneOf(id: string): Promise<string | undefined> {
    const stones = await retryOnLoss(this.client, () => this.client.getChildren(this.taken));
    const stone = stones.find((s) => protectedIdOf(s) === id);
    return stone === undefined ? undefined : childPath(this.path, basenameOf(stone));
  }

  private async ensure(): Promise<void> {
    if (this.ready) return;
    await ensurePath(this.client, this.taken);
    this.ready = true;
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
