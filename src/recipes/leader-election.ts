// Leader election (ZooKeeper's recipe): a candidate creates an ephemeral-sequential child holding
// its id; the lowest child leads. A candidate watches only its predecessor, so a resignation wakes
// one candidate. Anyone (candidate or not) may observe the leader: the id in the lowest child,
// re-read when that child goes (or, with no candidates, when one joins).

import { Code, isKeeperError } from '../core/errors.ts';
import { CreateMode } from '../core/tree/create-mode.ts';
import { basenameOf } from '../core/tree/path.ts';
import type { Client } from '../client/client.ts';
import { childPath, ensurePath, sortedBySequence } from './sequence.ts';

const prefix = 'n_';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type LeaderListener = (leaderId: string | null) => void;

export class LeaderElection {
  private node: string | undefined;
  private leading = false;
  private stopped = false;
  private readonly leadListeners = new Set<(leading: boolean) => void>();

  constructor(
    private readonly client: Client,
    readonly path: string,
    readonly id: string,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Called with true when this candidate takes leadership, and false when it resigns. */
  onLeadership(listener: (leading: boolean) => void): () => void {
    this.leadListeners.add(listener);
    return () => this.leadListeners.delete(listener);
  }

  /** Joins the election; resolves once the candidate's node exists (not when it leads). */
  async join(): Promise<void> {
    if (this.node !== undefined) return;
    this.stopped = false;
    await ensurePath(this.client, this.path);
    this.node = await this.client.create(childPath(this.path, prefix), encoder.encode(this.id), {
      mode: CreateMode.EPHEMERAL_SEQUENTIAL,
    });
    await this.check();
  }

  /** Leaves the election; the next candidate takes over. */
  async resign(): Promise<void> {
    const node = this.node;
    this.stopped = true;
    this.node = undefined;
    this.setLeading(false);
    if (node === undefined) return;
    try {
      await this.client.delete(node);
    } catch (e) {
      if (!isKeeperError(e, Code.NONODE)) throw e;
    }
  }

  private async check(): Promise<void> {
    const node = this.node;
    if (this.stopped || node === undefined) return;
    const line = sortedBySequence(await this.client.getChildren(this.path), prefix);
    const mine = line.indexOf(basenameOf(node));
    if (mine < 0) return; // our session ended: nothing left to lead
    const predecessor = line[mine - 1];
    if (predecessor === undefined) return this.setLeading(true);
    const stat = await this.client.exists(childPath(this.path, predecessor), { watch: () => void this.check().catch(() => undefined) });
    if (stat === null) await this.check();
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    for (const l of [...this.leadListeners]) l(leading);
  }
}

/** The current leader's id (null when there are no candidates). */
export async function currentLeader(client: Client, path: string): Promise<string | null> {
  for (;;) {
    const line = sortedBySequence(await client.getChildren(path), prefix);
    const first = line[0];
    if (first === undefined) return null;
    try {
      return decoder.decode((await client.getData(childPath(path, first))).data);
    } catch (e) {
      if (!isKeeperError(e, Code.NONODE)) throw e;
    }
  }
}

/**
 * Calls `listener` with the leader's id now and whenever it changes, until the returned stop is
 * called. Watches the leader's node (or the candidate list when empty), never every candidate.
 */
export function observeLeader(client: Client, path: string, listener: LeaderListener): () => void {
  let stopped = false;
  let last: string | null | undefined;
  const look = async (): Promise<void> => {
    if (stopped) return;
    const again = (): void => void look().catch(() => undefined);
    const line = sortedBySequence(await client.getChildren(path, { watch: again }), prefix);
    const first = line[0];
    let leader: string | null = null;
    if (first !== undefined) {
      try {
        leader = decoder.decode((await client.getData(childPath(path, first), { watch: again })).data);
      } catch (e) {
        if (!isKeeperError(e, Code.NONODE)) throw e;
        return look();
      }
    }
    if (!stopped && leader !== last) {
      last = leader;
      listener(leader);
    }
  };
  void ensurePath(client, path).then(look).catch(() => undefined);
  return () => {
    stopped = true;
  };
}
