// What a request carries about its session: who it is and which ids it has proven. Prep and read
// check ACLs against `ids`; `world:anyone` is implied (an ACL entry for it matches everyone), so it
// need not be listed. The ids include `ip:<address>` (added by the runtime from the connection) and
// one `digest:user:hash` per successful `auth` request.

import type { Id } from '../acl/types.ts';
import type { SessionId } from '../util/ids.ts';

export interface SessionContext {
  readonly sessionId: SessionId;
  readonly ids: readonly Id[];
}

export function sessionContext(sessionId: SessionId, ids: readonly Id[] = []): SessionContext {
  return { sessionId, ids };
}

/** The session with one more authenticated id (kept once, in the order added). */
export function withId(session: SessionContext, id: Id): SessionContext {
  const known = session.ids.some((own) => own.scheme === id.scheme && own.id === id.id);
  return known ? session : { sessionId: session.sessionId, ids: [...session.ids, id] };
}
