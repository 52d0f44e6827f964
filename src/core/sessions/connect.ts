// The session handshake as a peer sees it: ZooKeeper's ConnectRequest {protocolVersion,
// lastZxidSeen, timeOut, sessionId, passwd, readOnly} and ConnectResponse {timeOut, sessionId,
// passwd}. Without a session the client gets a new one (a createSession txn); with one, it
// reattaches the session at this peer (revalidation at the leader). A request is client input:
// checkConnect answers bad fields with BADARGUMENTS instead of asserting.

import { Code, type ErrorCode } from '../errors.ts';
import type { SessionId } from '../util/ids.ts';
import type { Zxid } from '../zxid.ts';
import { isSessionId } from './session-id.ts';

export interface ConnectRequest {
  /** The session timeout asked for, ms; the ensemble clamps a new session's to its bounds. */
  readonly timeoutMs: number;
  /** The session to reattach; absent (or 0, as ZooKeeper's wire says "none") for a new one. */
  readonly session?: SessionId;
  /** The session's password, as the answer that created it gave it. */
  readonly password?: Uint8Array;
  /** The newest zxid the client has seen: a peer that has applied less refuses the client. */
  readonly lastZxidSeen?: Zxid;
}

export type ConnectAnswer = ConnectAccepted | ConnectRefused;

export interface ConnectAccepted {
  readonly ok: true;
  readonly session: SessionId;
  readonly password: Uint8Array;
  /** The session's timeout as negotiated when it was created (ConnectResponse.timeOut). */
  readonly timeoutMs: number;
  /** The zxid this peer had applied when it answered (the client's new lastZxidSeen floor). */
  readonly zxid: Zxid;
  /** True when an existing session was reattached, false when a new one was created. */
  readonly reattached: boolean;
}

export interface ConnectRefused {
  readonly ok: false;
  /**
   * CONNECTIONLOSS: try another peer (this one is not serving, or has applied less than the client
   * has seen); SESSIONEXPIRED: the session is gone, or the password is wrong (ZooKeeper answers a
   * wrong password as an expired session); BADARGUMENTS: a malformed request; THROTTLEDOP: too many
   * sessions or pending requests.
   */
  readonly code: ErrorCode;
  readonly reason: string;
}

export const refused = (code: ErrorCode, reason: string): ConnectRefused => ({ ok: false, code, reason });

/** The session to reattach, undefined for a new one, or a refusal for malformed input. */
export function checkConnect(request: ConnectRequest): { readonly session: SessionId | undefined } | ConnectRefused {
  if (!Number.isInteger(request.timeoutMs)) return refused(Code.BADARGUMENTS, `session timeout must be an integer, got ${request.timeoutMs}`);
  const seen = request.lastZxidSeen;
  if (seen !== undefined && (!Number.isSafeInteger(seen) || seen < 0)) return refused(Code.BADARGUMENTS, `bad lastZxidSeen ${seen}`);
  const session = request.session;
  if (session === undefined || session === 0) return { session: undefined };
  if (!isSessionId(session)) return refused(Code.BADARGUMENTS, `bad session id ${session}`);
  return { session };
}
