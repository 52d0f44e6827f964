// A double barrier (ZooKeeper's recipe, Curator's DistributedDoubleBarrier): `memberCount` members
// enter() together and leave() together. Entering, a member creates its ephemeral node under the
// path and waits for the `ready` node, which whoever sees the count reached creates: nobody passes
// enter() before all have entered. Leaving, the lowest member watches the highest and goes last;
// every other member deletes its node and watches the lowest: nobody passes leave() before all have
// called it. Each member's node is ephemeral, so a member whose session ends has left.

import { Code, isKeeperError, KeeperError } from '../core/errors.ts';
import type { Client } from '../client/client.ts';
import { newProtectedId } from './protected.ts';
import { deleteOwn, retryOnLoss, wakeUp } from './retry.ts';
import { childPath, ensurePath } from './sequence.ts';
import { CreateMode } from '../core/tree/create-mode.ts';

const ready = 'ready';
const empty = new Uint8Array(0);

export class DoubleBarrier {
  private readonly node: string;
  private readonly readyPath: string;

  constructor(
    private readonly client: Client,
    readonly path: string,
    readonly memberCount: number,
    /** This member's name under the path (unique among members; default a fresh id). */
    readonly id: string = newProtectedId(),
  ) {
    if (!Number.isInteger(memberCount) || memberCount < 1) throw new KeeperError(Code.BADARGUMENTS, `memberCount must be a positive integer: ${memberCount}`, path);
    if (id === ready) throw new KeeperError(Code.BADARGUMENTS, `a member may not be called ${ready}`, path);
    this.node = childPath(path, id);
    this.readyPath = childPath(path, ready);
  }

  /** Resolves once `memberCount` members have entered. */
  async enter(): Promise<void> {
    await ensurePath(this.client, this.path);
    const wake = wakeUp(this.client);
    const readyStat = await retryOnLoss(this.client, () => this.client.exists(this.readyPath, { watch: wake.watcher }));
    await this.createOwn(CreateMode.EPHEMERAL, this.node);
    if (readyStat !== null) return;
    if ((await this.members()).length >= this.memberCount) {
      await this.createOwn(CreateMode.PERSISTENT, this.readyPath);
      return;
    }
    await wake.wait();
  }

  /** Resolves once every member has called leave(). */
  async leave(): Promise<void> {
    let ourNodeExists = true;
    for (;;) {
      const members = await this.members();
      if (members.length === 0) break;
      const mine = members.indexOf(this.id);
      if (mine < 0 && ourNodeExists) throw new KeeperError(Code.SESSIONEXPIRED, 'our member node is gone (session ended?)', this.node);
      if (members.length === 1) {
        if (ourNodeExists) await deleteOwn(this.client, this.node);
        break;
      }
      const wake = wakeUp(this.client);
      const lowest = members[0] as string;
      const highest = members[members.length - 1] as string;
      // The lowest goes last (it waits for the highest); everyone else goes now and waits for the lowest.
      const watched = mine === 0 ? highest : lowest;
      const stat = await retryOnLoss(this.client, () => this.client.exists(childPath(this.path, watched), { watch: wake.watcher }));
      if (mine !== 0 && ourNodeExists) {
        await deleteOwn(this.client, this.node);
        ourNodeExists = false;
      }
      if (stat !== null) await wake.wait();
    }
    await deleteOwn(this.client, this.readyPath);
  }

  private async members(): Promise<string[]> {
    const children = await retryOnLoss(this.client, () => this.client.getChildren(this.path));
    return children.filter((c) => c !== ready).sort();
  }

  /** A create repeated after a lost reply finds its own node: NODEEXISTS is success here. */
  private async createOwn(mode: CreateMode, path: string): Promise<void> {
    try {
      await retryOnLoss(this.client, () => this.client.create(path, empty, { mode }));
    } catch (e) {
      if (!isKeeperError(e, Code.NODEEXISTS)) throw e;
    }
  }
}
