// What the caches, membership, discovery and config share about a session's life, beside retry.ts
// (whose whenConnected they use): which errors leave a request's outcome unknown (CONNECTIONLOSS,
// and a timeout, which is a connection loss seen from the caller), a retry that can first ask
// whether the lost attempt landed, and following state changes. States are compared as strings so
// this works with a Client that reports 'disconnected' and 'expired' as well as one that does not.

import { Code, isKeeperError } from '../core/errors.ts';
import type { Client } from '../client/client.ts';
import { whenConnected } from './retry.ts';

/** A request failed without telling whether it took effect: look, then retry. */
export const isOutcomeUnknown = (e: unknown): boolean =>
  isKeeperError(e, Code.CONNECTIONLOSS) || isKeeperError(e, Code.OPERATIONTIMEOUT);

/** The session is gone for good (its ephemerals and watches with it). */
export const isSessionGone = (e: unknown): boolean =>
  isKeeperError(e, Code.SESSIONEXPIRED) || isKeeperError(e, Code.SESSIONMOVED);

/** The client's state, as a plain string ('connected', 'disconnected', 'expired', 'closed'). */
export const stateOf = (client: Client): string => client.state;

/**
 * Runs `op` until it answers, waiting for the connection after each CONNECTIONLOSS or timeout.
 * Only for idempotent steps (reads, or writes whose retry is made safe by the caller: `onUnknown`
 * is asked first whether the lost attempt took effect, and its non-undefined answer is returned).
 */
export async function retrying<T>(
  client: Client,
  attempts: number,
  op: () => Promise<T>,
  onUnknown?: () => Promise<T | undefined>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (e) {
      if (!isOutcomeUnknown(e) || attempt >= attempts) throw e;
      await whenConnected(client);
      if (onUnknown !== undefined) {
        const landed = await retrying(client, attempts - attempt, onUnknown);
        if (landed !== undefined) return landed;
      }
    }
  }
}

/**
 * Calls `listener(state, previous)` on each change of the client's state (not for the state it has
 * now). Returns the unsubscribe.
 */
export function onStateChange(client: Client, listener: (state: string, previous: string) => void): () => void {
  let previous: string | undefined;
  return client.on('state', (state) => {
    const before = previous;
    previous = state;
    if (before !== undefined && before !== state) listener(state, before);
  });
}
