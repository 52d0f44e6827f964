// How the recipes live with the session: a request that fails with CONNECTIONLOSS has an unknown
// outcome, so it is retried only once the client is connected again, and only when retrying is safe
// (reads, deletes of our own nodes, versioned writes; creates go through protected.ts). A recipe
// that waits on a watch also wakes when the client reconnects (to look again rather than trust that
// every watch survived the move) and, with SESSIONEXPIRED, when the session ends: an expired or
// closed session never delivers the watch it was waiting for.

import { Code, isKeeperError, KeeperError } from '../core/errors.ts';
import type { Client, Watcher } from '../client/client.ts';

/** Retries of one request across connection losses before giving up with the last CONNECTIONLOSS. */
export const loss_retries_max = 100;

/** True once the session is gone for good (its ephemerals are deleted, its watches will never fire). */
export function sessionEnded(client: Client): boolean {
  const state: string = client.state;
  return state === 'expired' || state === 'closed';
}

export const sessionEndedError = (what: string): KeeperError => new KeeperError(Code.SESSIONEXPIRED, what);

/**
 * Calls `onEnd` once when the session expires or closes (at once if it already has); returns the
 * unsubscribe. The recipes' handles use it to learn that their lock, lease or leadership is gone.
 */
export function onSessionEnd(client: Client, onEnd: () => void): () => void {
  let fired = false;
  let stop: (() => void) | undefined;
  const listener = (state: string): void => {
    if (fired || (state !== 'expired' && state !== 'closed')) return;
    fired = true;
    stop?.();
    onEnd();
  };
  const unsubscribe = client.on('state', listener);
  stop = () => void unsubscribe();
  if (fired) stop();
  return stop;
}

/** Resolves when the client is connected; rejects with SESSIONEXPIRED if the session ends first. */
export function whenConnected(client: Client): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let stop: (() => void) | undefined;
    const listener = (state: string): void => {
      if (settled) return;
      if (state !== 'connected' && state !== 'expired' && state !== 'closed') return;
      settled = true;
      stop?.();
      if (state === 'connected') resolve();
      else reject(sessionEndedError(`session ${state}`));
    };
    const unsubscribe = client.on('state', listener);
    stop = () => void unsubscribe();
    if (settled) stop();
  });
}

/** Runs `fn`, and again after each CONNECTIONLOSS once reconnected. Only for requests safe to repeat. */
export async function retryOnLoss<T>(client: Client, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isKeeperError(e, Code.CONNECTIONLOSS) || attempt >= loss_retries_max) throw e;
      await whenConnected(client);
    }
  }
}

/** Deletes a node of our own; a node already gone (a retried delete, an expired session) is fine. */
export async function deleteOwn(client: Client, path: string): Promise<void> {
  if (sessionEnded(client)) return;
  try {
    await retryOnLoss(client, () => client.delete(path));
  } catch (e) {
    if (isKeeperError(e, Code.NONODE) || isKeeperError(e, Code.SESSIONEXPIRED)) return;
    throw e;
  }
}

/**
 * Calls `fn` each time the client is connected again after a disconnect; returns the unsubscribe.
 * Waiters re-check their condition then (as Curator's recipes do on RECONNECTED) instead of trusting
 * that every watch was carried across the reconnect.
 */
export function onReconnect(client: Client, fn: () => void): () => void {
  let lost = false;
  return client.on('state', (state: string) => {
    if (state === 'disconnected') lost = true;
    else if (state === 'connected' && lost) {
      lost = false;
      fn();
    }
  });
}

export interface WakeUp {
  /** Hand this to a read as its watch. */
  readonly watcher: Watcher;
  /** Resolves when the watch fires or the client reconnects; rejects with SESSIONEXPIRED when the session ends first. */
  wait(): Promise<void>;
  /** Wakes the waiter now (an abort, a resignation). */
  wake(): void;
}

export function wakeUp(client: Client): WakeUp {
  let resolveWait: () => void = () => undefined;
  let rejectWait: (e: unknown) => void = () => undefined;
  const fired = new Promise<void>((resolve, reject) => {
    resolveWait = resolve;
    rejectWait = reject;
  });
  // Unhandled until someone waits: a watch set for a read that found nothing to wait on.
  fired.catch(() => undefined);
  let stopEnd: () => void = () => undefined;
  let stopReconnect: () => void = () => undefined;
  const done = (): void => {
    stopEnd();
    stopReconnect();
  };
  return {
    watcher: () => {
      done();
      resolveWait();
    },
    wake: () => {
      done();
      resolveWait();
    },
    wait: () => {
      stopEnd = onSessionEnd(client, () => rejectWait(sessionEndedError('session ended while waiting')));
      // A reconnect wakes the waiter to look again: a change while away must not be slept through.
      stopReconnect = onReconnect(client, () => resolveWait());
      return fired.finally(done);
    },
  };
}
