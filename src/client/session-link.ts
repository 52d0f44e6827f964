// The seam between the Client and one peer: a SessionLink is one connection to one peer carrying
// the client's session, opened by a LinkOpener for an endpoint. The Client owns the session
// (id, password, lastZxidSeen, watches) and moves it from link to link when one is lost; a link
// only carries it. LocalLink (local-link.ts) reaches a Peer in the same process; a wire link
// (ZooKeeper's jute over TCP or WebSocket) implements the same contract:
//
// - connect() first, exactly once: ZooKeeper's ConnectRequest -> ConnectResponse. A refusal
//   (ok: false) leaves the link useless; the Client closes it. CONNECTIONLOSS means "try another
//   peer" (this one is not serving, or is behind the client's lastZxidSeen); SESSIONEXPIRED means
//   the session is gone (or the password is wrong).
// - send() never rejects: it resolves with the reply (an error reply is a value) and the zxid the
//   reply carried (ZooKeeper's ReplyHeader.zxid), or with CONNECTIONLOSS once the link is lost
//   (outcome unknown). Replies come back in the order sent (FIFO). A watch event is delivered to
//   the onWatch listener before the reply of the request whose txn triggered it. A setWatches reply
//   may carry the events that fired at once in `reply.events` or deliver them through onWatch
//   before the reply; the Client handles both.
// - ping() resolves when the peer answered the heartbeat; it rejects (or never resolves) once the
//   link is lost. Anything heard from the peer counts as life (the Client tracks it).
// - onLost fires once when the link breaks (socket closed, peer stopped or stopped serving) or
//   when the peer learns that the session was closed or expired (`expired: true`: ZooKeeper's
//   server closes such a connection; a wire link that cannot tell the cases apart reports a plain
//   loss and the next connect answers SESSIONEXPIRED). Not fired by close().
// - closeSession() closes the session on the ensemble (its ephemerals go) and then the link.
// - close() drops the link only; the session lives on (until its timeout) for another link.

import type { Reply } from '../core/requests/reply.ts';
import type { Request } from '../core/requests/request.ts';
import type { ConnectAnswer, ConnectRequest } from '../core/sessions/connect.ts';
import type { WatchedEvent } from '../core/watches/events.ts';
import type { Zxid } from '../core/zxid.ts';

export interface LinkReply {
  readonly reply: Reply;
  /** ReplyHeader.zxid (a write's txn zxid, else the peer's last applied zxid); absent when unknown. */
  readonly zxid?: Zxid | undefined;
}

export interface LinkLoss {
  /** The session itself is gone (closed or expired), not just this link. */
  readonly expired: boolean;
  readonly reason: string;
}

export interface SessionLink {
  connect(request: ConnectRequest): Promise<ConnectAnswer>;
  send(cxid: number, request: Request): Promise<LinkReply>;
  ping(): Promise<void>;
  closeSession(cxid: number): Promise<LinkReply>;
  close(): void;
  /** One listener each, set by the Client right after the link opens. */
  onWatch(listener: (event: WatchedEvent) => void): void;
  onLost(listener: (loss: LinkLoss) => void): void;
}

/** Opens a link to `endpoint` (a peer's address); rejects when the peer cannot be reached. */
export type LinkOpener<E> = (endpoint: E) => Promise<SessionLink>;
