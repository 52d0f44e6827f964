// Requests about the session rather than the tree, answered by the peer the client is connected to
// (ZooKeeper's FinalRequestProcessor for addWatch, removeWatches and checkWatches, and its
// ServerCnxn for addAuth and whoAmI). None goes through consensus. `auth` changes the session's ids:
// the caller keeps the returned SessionContext. removeWatches hands back the removal events the
// session itself receives (DataWatchRemoved, ChildWatchRemoved, PersistentWatchRemoved).

import { authenticate } from '../acl/auth.ts';
import { Code, isKeeperError, KeeperError } from '../errors.ts';
import { validatePath } from '../tree/path.ts';
import { limits } from '../util/limits.ts';
import type { WatcherType } from '../watches/events.ts';
import { AddWatchMode } from '../watches/events.ts';
import type { Delivery, WatchPort } from './ports.ts';
import type { Reply } from './reply.ts';
import type { SessionRequest } from './request.ts';
import type { SessionContext } from './session-context.ts';
import { withId } from './session-context.ts';

export interface SessionOpResult {
  readonly reply: Reply;
  /** The session after the request (new ids after a successful `auth`). */
  readonly session: SessionContext;
  /** Events for the session itself (watch removal). */
  readonly deliveries: Delivery[];
}

export function sessionOp(watches: WatchPort, session: SessionContext, request: SessionRequest): SessionOpResult {
  try {
    return handle(watches, session, request);
  } catch (e) {
    if (!isKeeperError(e)) throw e;
    return { reply: { type: 'error', code: e.code }, session, deliveries: [] };
  }
}

function handle(watches: WatchPort, session: SessionContext, request: SessionRequest): SessionOpResult {
  const done = (reply: Reply, next = session, deliveries: Delivery[] = []): SessionOpResult => ({
    reply,
    session: next,
    deliveries,
  });
  switch (request.type) {
    case 'addWatch': {
      validatePath(request.path);
      if (request.mode !== AddWatchMode.PERSISTENT && request.mode !== AddWatchMode.PERSISTENT_RECURSIVE) {
        throw new KeeperError(Code.BADARGUMENTS, `unknown addWatch mode ${String(request.mode)}`, request.path);
      }
      watches.addPersistentWatch(request.path, session.sessionId, request.mode === AddWatchMode.PERSISTENT_RECURSIVE);
      return done({ type: 'addWatch' });
    }
    case 'removeWatches': {
      validatePath(request.path);
      checkWatcherType(request.watcherType, request.path);
      const events = watches.removeWatches(request.path, session.sessionId, request.watcherType);
      return done(
        { type: 'removeWatches' },
        session,
        events.map((event) => ({ session: session.sessionId, event })),
      );
    }
    case 'checkWatches':
      validatePath(request.path);
      checkWatcherType(request.watcherType, request.path);
      watches.checkWatches(request.path, session.sessionId, request.watcherType);
      return done({ type: 'checkWatches' });
    case 'auth': {
      const id = authenticate(request.scheme, request.auth);
      const next = withId(session, id);
      if (next.ids.length > limits.auth_ids_per_session_max) {
        throw new KeeperError(Code.AUTHFAILED, `more than ${limits.auth_ids_per_session_max} auth ids`);
      }
      return done({ type: 'auth' }, next);
    }
    case 'whoAmI':
      return done({ type: 'whoAmI', ids: session.ids });
    default:
      throw new KeeperError(Code.UNIMPLEMENTED, `not a session request: ${String((request as { type: unknown }).type)}`);
  }
}

function checkWatcherType(type: WatcherType, path: string): void {
  if (!Number.isInteger(type) || type < 1 || type > 5) {
    throw new KeeperError(Code.BADARGUMENTS, `unknown watcher type ${String(type)}`, path);
  }
}
