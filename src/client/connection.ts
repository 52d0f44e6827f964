// The one seam a Client talks through: send a request with its cxid and get the reply, receive the
// session's watch events, learn when the session is gone. A LocalConnection (local-connection.ts)
// reaches a Peer in the same process; a remote one over WebSocket or a data channel comes later and
// must keep the same contract: replies to one connection arrive in cxid order (FIFO), watch events
// arrive before the reply of the request whose txn triggered them, and after close() every send
// answers CONNECTIONLOSS.

import type { Reply } from '../core/requests/reply.ts';
import type { Request } from '../core/requests/request.ts';
import type { SessionId } from '../core/util/ids.ts';
import type { WatchedEvent } from '../core/watches/events.ts';

export type SessionState = 'connected' | 'closed';

export type WatchEventListener = (event: WatchedEvent) => void;
export type SessionStateListener = (state: SessionState) => void;

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
}
