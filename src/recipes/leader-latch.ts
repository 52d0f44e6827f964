// Curator's LeaderLatch on the election recipe (leader-election.ts): start() joins, `await latch.await()`
// resolves once this latch leads, hasLeadership says whether it leads now, close() gives the
// leadership (or the place in line) away. Listeners hear isLeader() and notLeader(). A latch whose
// session ends loses leadership (notLeader) and is over: await() rejects with SESSIONEXPIRED; a new
// session needs a new latch.

import { Code, KeeperError } from '../core/errors.ts';
import type { Client } from '../client/client.ts';
import { LeaderElection } from './leader-election.ts';
import { onAbort } from './lock-line.ts';
import { onSessionEnd, sessionEndedError } from './retry.ts';

export interface LeaderLatchListener {
  isLeader(): void;
  notLeader(): void;
}

export type LatchState = 'latent' | 'started' | 'closed';

export class LeaderLatch {
  private readonly election: LeaderElection;
  private current: LatchState = 'latent';
  private readonly closers = new Set<(e: KeeperError) => void>();
  private stopSession: () => void = () => undefined;

  constructor(
    private readonly client: Client,
    readonly path: string,
    readonly id: string,
  ) {
    this.election = new LeaderElection(client, path, id);
  }

  get state(): LatchState {
    return this.current;
  }

  get hasLeadership(): boolean {
    return this.current === 'started' && this.election.isLeader;
  }

  addListener(listener: LeaderLatchListener): () => void {
    return this.election.onLeadership((leading) => (leading ? listener.isLeader() : listener.notLeader()));
  }

  async start(): Promise<void> {
    if (this.current !== 'latent') throw new KeeperError(Code.APIERROR, `a latch starts once (it is ${this.current})`, this.path);
    this.current = 'started';
    this.stopSession = onSessionEnd(this.client, () => this.end(sessionEndedError('the latch lost its session')));
    await this.election.join();
  }

  /** Resolves once this latch leads; rejects when it is closed, its session ends, or `signal` aborts. */
  await(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    if (this.hasLeadership) return Promise.resolve();
    if (this.current === 'closed') return Promise.reject(new KeeperError(Code.APIERROR, 'the latch is closed', this.path));
    if (options.signal?.aborted === true) return Promise.reject(options.signal.reason);
    return new Promise<void>((resolve, reject) => {
      const stop = (): void => {
        stopLead();
        stopAbort();
        this.closers.delete(fail);
      };
      const fail = (e: unknown): void => {
        stop();
        reject(e);
      };
      const stopLead = this.election.onLeadership((leading) => {
        if (!leading) return;
        stop();
        resolve();
      });
      const stopAbort = onAbort(options.signal, () => fail(options.signal?.reason));
      this.closers.add(fail);
    });
  }

  /** Leaves: the next latch in line leads (listeners here hear notLeader if this one led). */
  async close(): Promise<void> {
    if (this.current === 'closed') return;
    this.end(new KeeperError(Code.APIERROR, 'the latch was closed', this.path));
    await this.election.resign();
  }

  private end(reason: KeeperError): void {
    this.current = 'closed';
    this.stopSession();
    for (const fail of [...this.closers]) fail(reason);
  }
}
