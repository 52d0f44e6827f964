// A ClientConnection to a Peer in the same process (a test, or a tab that runs its own peer). It
// opens a session with peer.connect and keeps it alive with a ping every third of the session
// timeout on the given Clock (the ensemble's ManualClock in tests). A remote connection (WebSocket
// or WebRTC data channel to a peer elsewhere) is a later step; it will implement the same interface.

import { Code, KeeperError } from '../core/errors.ts';
import type { Reply } from '../core/requests/reply.ts';
import type { Request } from '../core/requests/request.ts';
import type { SessionId } from '../core/util/ids.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Peer } from '../runtime/peer.ts';
import type { ClientConnection, SessionState, SessionStateListener, WatchEventListener } from './connection.ts';

export interface LocalConnectionOptions {
  readonly peer: Peer;
  readonly clock: Clock;
  /** The timeout asked for; the ensemble clamps it to its [min, max] bounds. Default 2,000 ms. */
  readonly sessionTimeoutMs?: number;
}

const lost: Reply = { type: 'error', code: Code.CONNECTIONLOSS };

export class LocalConnection implements ClientConnection {
  private current: SessionState = 'connected';
  private watchListener: WatchEventListener | undefined;
  private readonly stateListeners = new Set<SessionStateListener>();
  private readonly stopPings: () => void;
  private readonly stopWatch: () => void;

  private constructor(
    private readonly peer: Peer,
    readonly session: SessionId,
    clock: Clock,
    timeoutMs: number,
  ) {
    this.stopWatch = peer.onWatch(session, (event) => this.watchListener?.(event));
    this.stopPings = clock.every(Math.max(1, Math.floor(timeoutMs / 3)), () => {
      if (this.current === 'connected') peer.ping(session);
    });
  }

  /** Opens a session on `peer`; rejects with the peer's KeeperError when it refuses. */
  static async open(options: LocalConnectionOptions): Promise<LocalConnection> {
    const timeoutMs = options.sessionTimeoutMs ?? 2_000;
    const answer = await options.peer.connect(timeoutMs);
    if (answer.reply.type !== 'createSession') {
      const code = answer.reply.type === 'error' ? answer.reply.code : Code.SYSTEMERROR;
      throw new KeeperError(code, 'connect refused');
    }
    return new LocalConnection(options.peer, answer.session, options.clock, timeoutMs);
  }

  get state(): SessionState {
    return this.current;
  }

  send(cxid: number, request: Request): Promise<Reply> {
    if (this.current === 'closed') return Promise.resolve(lost);
    return this.peer.submit(this.session, cxid, request);
  }

  async close(cxid: number): Promise<Reply> {
    if (this.current === 'closed') return lost;
    const reply = await this.peer.closeSession(this.session, cxid);
    this.shutDown();
    return reply;
  }

  onWatch(listener: WatchEventListener): () => void {
    this.watchListener = listener;
    return () => {
      if (this.watchListener === listener) this.watchListener = undefined;
    };
  }

  onState(listener: SessionStateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private shutDown(): void {
    this.current = 'closed';
    this.stopPings();
    this.stopWatch();
    for (const l of [...this.stateListeners]) l('closed');
  }
}
