// The one seam a Client talks through: send a request with its cxid and get the reply, receive the
// session's watch events, learn when the session's state changes. A Session (session.ts) is the
// real one: it carries the session over SessionLinks and moves it to another peer when a link is
// lost. Contract: replies arrive in cxid order (FIFO), watch events arrive before the reply of the
// request whose txn triggered them, and after close() every send answers CONNECTIONLOSS.
//
// Session states are ZooKeeper's: `connecting` before the first link is up, `connected`,
// `disconnected` while a lost link is being replaced (calls wait, see Session), `expired` once the
// session is gone (calls fail SESSIONEXPIRED), `closed` after close().

import type { Reply } from '../core/requests/reply.ts';
import type { Request, SetWatchesRequest } from '../core/requests/request.ts';
import type { SessionId } from '../core/util/ids.ts';
import type { WatchedEvent } from '../core/watches/events.ts';

export type SessionState = 'connecting' | 'connected' | 'disconnected' | 'expired' | 'closed';

export type WatchEventListener = (event: WatchedEvent) => void;
export type SessionStateListener = (state: SessionState) => void;

/** The watches a client holds, by kind, as server paths (what setWatches re-registers). */
export type WatchSet = Omit<SetWatchesRequest, 'type' | 'relativeZxid'>;

export interface ClientConnection {
  /** The session this connection carries (established before the connection is handed out). */
  readonly session: SessionId;
  readonly state: SessionState;
  /** Sends one request; resolves with its reply (an error reply is a value too, never a rejection). */
  send(cxid: number, request: Request): Promise<Reply>;
  /** Closes the session on the ensemble (its ephemerals go) and then the connection itself. */
  close(cxid: number): Promise<Reply>;
  /** One listener for the session's watch events; returns the unsubscribe. */
  onWatch(listener: WatchEventListener): () => void;
  onState(listener: SessionStateListener): () => void;
  /** Where a reconnecting connection reads the watches to re-register (optional: a connection
   * that never reconnects has no use for it). */
  setWatchSource?(source: () => WatchSet): void;
}
