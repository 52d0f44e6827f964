// The leader's part in sessions (ZooKeeper's SessionTracker on the leader): a connecting client gets
// a freshly minted session through a createSession txn, a closing one a closeSession txn, and
// sessions whose deadline (in ticks) passes are expired by a closeSession txn. A request that
// cannot be honoured still becomes an ErrorTxn, so the peer the client waits on answers it in order.

import { Code, isKeeperError } from '../errors.ts';
import { NO_SESSION, type PeerId, type SessionId } from '../util/ids.ts';
import { proposeWith } from './broadcast.ts';
import type { CoreState } from './core-state.ts';
import type { LeaderState } from './leading.ts';

export function leaderConnect(core: CoreState, state: LeaderState, cxid: number, timeoutMs: number, origin: PeerId): void {
  const port = core.machine.sessions;
  if (port === undefined) {
    proposeWith(core, state, NO_SESSION, cxid, () => ({ type: 'error', code: Code.UNIMPLEMENTED }));
    return;
  }
  let minted: ReturnType<typeof port.create>;
  try {
    minted = port.create(timeoutMs, core.now, origin);
  } catch (e) {
    if (!isKeeperError(e)) throw e;
    proposeWith(core, state, NO_SESSION, cxid, () => ({ type: 'error', code: e.code }));
    return;
  }
  proposeWith(core, state, minted.sessionId, cxid, (header) => {
    core.machine.record(header, minted.body);
    return minted.body;
  });
}

/**
 * The client of `session` reattached through `owner` (ZooKeeper's revalidateSession): the session
 * is touched and `owner` becomes its owner, so requests it left at another peer fail with
 * SESSIONMOVED. False when the session is unknown or closing.
 */
export function leaderRevalidate(core: CoreState, session: SessionId, owner: PeerId): boolean {
  const port = core.machine.sessions;
  if (port === undefined || !port.revalidate(session, owner)) return false;
  port.touch(session, core.now);
  return true;
}

export function leaderClose(core: CoreState, state: LeaderState, session: SessionId, cxid: number): void {
  const closing = core.machine.sessions?.markClosing(session) ?? false;
  proposeWith(core, state, session, cxid, (header) => {
    if (!closing) return { type: 'error', code: Code.SESSIONEXPIRED };
    const body = { type: 'closeSession' } as const;
    core.machine.record(header, body);
    return body;
  });
}

/** Every tick in broadcast: close the sessions whose clients went silent. */
export function expireSessions(core: CoreState, state: LeaderState): void {
  const port = core.machine.sessions;
  if (port === undefined) return;
  for (const session of port.expired(core.now)) {
    const ok = proposeWith(core, state, session, 0, (header) => {
      const body = { type: 'closeSession' } as const;
      core.machine.record(header, body);
      return body;
    });
    if (!ok) return;
  }
}
