// Leader election (ZooKeeper's recipe): a candidate creates a protected ephemeral-sequential child
// holding its id (protected.ts: a create whose reply was lost is found again, never doubled); the
// lowest child leads. A candidate watches only its predecessor, so a resignation wakes one
// candidate. When the candidate's session ends its node goes with it, so it stops leading at once
// (listeners hear false) and another candidate takes over. While disconnected a leader cannot know
// whether its session lives on, so isLeader stays true until expiry is known (ZooKeeper's guarantee
// is one leader among live sessions); code that must stop at once also listens for 'disconnected'.
// Anyone (candidate or not) may observe the leader: the id in the lowest child, re-read when that
// child goes (or, with no candidates, when one joins).

import { Code, isKeeperError } from '../core/errors.ts';
import { basenameOf } from '../core/tree/path.ts';
import type { Client } from '../client/client.ts';
import { protectedCreate } from './protected.ts';
import { deleteOwn, onReconnect, onSessionEnd, retryOnLoss } from './retry.ts';
import { childPath, ensurePath, sortedBySequence, withParents } from './sequence.ts';

const prefix = 'n_';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type LeaderListener = (leaderId: string | null) => void;

export class LeaderElection {
  private node: string | undefined;
  private leading = false;
  private stopped = false;
  private stopSessionWatch: () => void = () => undefined;
  private readonly leadListeners = new Set<(leading: boolean) => void>();

  constructor(
    private readonly client: Client,
    readonly path: string,
    readonly id: string,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** This candidate's node while it is a candidate. */
  get candidateNode(): string | undefined {
    return this.node;
  }

  /** Called with true when this candidate takes leadership, and false when it loses or resigns it. */
  onLeadership(listener: (leading: boolean) => void): () => void {
    this.leadListeners.add(listener);
    return () => this.leadListeners.delete(listener);
  }

  /** Joins the election; resolves once the candidate's node exists (not when it leads). */
  async join(): Promise<void> {
    if (this.node !== undefined) return;
    this.stopped = false;
    this.node = await withParents(this.client, this.path, () => protectedCreate(this.client, childPath(this.path, prefix), encoder.encode(this.id)));
    const stopEnd = onSessionEnd(this.client, () => this.lost());
    // After a reconnect look again: the predecessor may have gone while we were away.
    const stopReconnect = onReconnect(this.client, () => void this.check().catch(() => undefined));
    this.stopSessionWatch = () => {
      stopEnd();
      stopReconnect();
    };
    await this.check();
  }

  /** Leaves the election; the next candidate takes over. */
  async resign(): Promise<void> {
    const node = this.node;
    this.stopped = true;
    this.node = undefined;
    this.stopSessionWatch();
    this.setLeading(false);
    if (node !== undefined) await deleteOwn(this.client, node);
  }

  /** The session ended: the node is gone with it, and with it the candidacy. */
  private lost(): void {
    this.stopSessionWatch();
    this.stopped = true;
    this.node = undefined;
    this.setLeading(false);
  }

  private async check(): Promise<void> {
    const node = this.node;
    if (this.stopped || node === undefined) return;
    const line = sortedBySequence(await retryOnLoss(this.client, () => this.client.getChildren(this.path)), prefix);
    if (this.node !== node) return;
    const mine = line.indexOf(basenameOf(node));
    if (mine < 0) return this.lost(); // our node is gone: nothing left to lead
    const predecessor = line[mine - 1];
    if (predecessor === undefined) return this.setLeading(true);
    const again = (): void => void this.check().catch(() => undefined);
    const stat = await retryOnLoss(this.client, () => this.client.exists(childPath(this.path, predecessor), { watch: again }));
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
    const line = sortedBySequence(await retryOnLoss(client, () => client.getChildren(path)), prefix);
    const first = line[0];
    if (first === undefined) return null;
    try {
      return decoder.decode((await retryOnLoss(client, () => client.getData(childPath(path, first)))).data);
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
    let line = sortedBySequence(await retryOnLoss(client, () => client.getChildren(path)), prefix);
    // The candidate list is watched only while empty: a join or resignation behind the leader wakes no one.
    if (line.length === 0) line = sortedBySequence(await retryOnLoss(client, () => client.getChildren(path, { watch: again })), prefix);
    const first = line[0];
    let leader: string | null = null;
    if (first !== undefined) {
      try {
        leader = decoder.decode((await retryOnLoss(client, () => client.getData(childPath(path, first), { watch: again }))).data);
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
  const stopReconnect = onReconnect(client, () => void look().catch(() => undefined));
  return () => {
    stopped = true;
    stopReconnect();
  };
}
