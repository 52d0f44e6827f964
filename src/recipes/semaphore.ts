// A counting semaphore with leases (Curator's InterProcessSemaphoreV2): at most `maxLeases` leases
// are out at once. A lease is a protected ephemeral-sequential node under `${path}/leases`; it ends
// with close() or with its session. Acquirers queue on a fair lock at `${path}/locks`; only the one
// at the head of that queue creates its lease nodes and, while too many are out, watches the lease
// list. So a closed lease wakes exactly one waiter (the head), never the herd, and leases go out in
// arrival order. acquire(n) takes its n leases under one hold of the lock: two acquirers can never
// each sit on part of what the other needs.

import { Code, isKeeperError, KeeperError } from '../core/errors.ts';
import type { Client } from '../client/client.ts';
import { DistributedLock } from './lock.ts';
import { holdNode, onAbort, type AcquireOptions } from './lock-line.ts';
import { protectedCreate } from './protected.ts';
import { deleteOwn, retryOnLoss, wakeUp } from './retry.ts';
import { childPath, sortedBySequence, withParents } from './sequence.ts';

const prefix = 'lease-';
const empty = new Uint8Array(0);

export interface Lease {
  /** The lease's node, `${path}/leases/_c_<id>-lease-NNNNNNNNNN`. */
  readonly node: string;
  /** True once the session ended while the lease was out: it no longer counts. */
  readonly lost: boolean;
  /** Aborted when the lease is lost. */
  readonly signal: AbortSignal;
  /** Gives the lease back (once; later calls do nothing). */
  close(): Promise<void>;
}

export class Semaphore {
  private readonly mutex: DistributedLock;
  private readonly leases: string;

  constructor(
    private readonly client: Client,
    readonly path: string,
    readonly maxLeases: number,
  ) {
    if (!Number.isInteger(maxLeases) || maxLeases < 1) throw new KeeperError(Code.BADARGUMENTS, `maxLeases must be a positive integer: ${maxLeases}`, path);
    this.mutex = new DistributedLock(client, childPath(path, 'locks'));
    this.leases = childPath(path, 'leases');
  }

  /** Waits for one lease. */
  acquire(): Promise<Lease>;
  /** Waits for `n` leases, taken together. */
  acquire(n: number, options?: AcquireOptions): Promise<Lease[]>;
  async acquire(n?: number, options: AcquireOptions = {}): Promise<Lease | Lease[]> {
    const count = n ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > this.maxLeases) {
      throw new KeeperError(Code.BADARGUMENTS, `cannot acquire ${count} of ${this.maxLeases} leases`, this.path);
    }
    const leases = await this.mutex.withLock(() => this.takeLeases(count, options), options);
    return n === undefined ? (leases[0] as Lease) : leases;
  }

  /** Runs `fn` with one lease, closing it afterwards (also when fn throws). */
  async withLease<T>(fn: (lease: Lease) => T | Promise<T>, options: AcquireOptions = {}): Promise<T> {
    const [lease] = await this.acquire(1, options);
    if (lease === undefined) throw new KeeperError(Code.SYSTEMERROR, 'no lease', this.path);
    try {
      return await fn(lease);
    } finally {
      await lease.close();
    }
  }

  /** The leases out now (lease nodes, as the peer answering sees them). */
  async leaseNodes(): Promise<string[]> {
    try {
      return sortedBySequence(await retryOnLoss(this.client, () => this.client.getChildren(this.leases)), prefix);
    } catch (e) {
      if (isKeeperError(e, Code.NONODE)) return [];
      throw e;
    }
  }

  /** Under the mutex: create our lease nodes, then wait until no more than maxLeases are out. */
  private async takeLeases(n: number, options: AcquireOptions): Promise<Lease[]> {
    const nodes: string[] = [];
    const create = (): Promise<string> => protectedCreate(this.client, childPath(this.leases, prefix), empty);
    try {
      for (let i = 0; i < n; i++) nodes.push(await withParents(this.client, this.leases, create));
      for (;;) {
        options.signal?.throwIfAborted();
        if ((await this.leaseNodes()).length <= this.maxLeases) break;
        // Watch only when we must wait, so that a holder leaves no watch behind to be woken later.
        const wake = wakeUp(this.client);
        const children = await retryOnLoss(this.client, () => this.client.getChildren(this.leases, { watch: wake.watcher }));
        if (sortedBySequence(children, prefix).length <= this.maxLeases) break;
        const stopAbort = onAbort(options.signal, () => wake.wake());
        try {
          await wake.wait();
        } finally {
          stopAbort();
        }
      }
    } catch (e) {
      for (const node of nodes) await deleteOwn(this.client, node).catch(() => undefined);
      throw e;
    }
    return nodes.map((node) => {
      const held = holdNode(this.client, node);
      return {
        node,
        get lost() {
          return held.lost;
        },
        signal: held.signal,
        close: () => held.release(),
      };
    });
  }
}
