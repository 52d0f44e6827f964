// Per-call limits: a timeout and an AbortSignal on every Client call. Either one rejects the call
// at once with a KeeperError of code REQUESTTIMEOUT (-122, ZooKeeper's client-side "request not
// completed within max allowed time"); an abort's error is an AbortedError carrying the signal's
// reason. Like CONNECTIONLOSS, the outcome is unknown: a write may still take effect, because the
// request has left; its late reply is dropped.

import { Code, KeeperError } from '../core/errors.ts';
import type { Clock } from '../runtime/clock.ts';
import { after } from './timers.ts';

export interface CallOptions {
  /** Reject with REQUESTTIMEOUT if no reply within this many ms (the Client's default otherwise). */
  readonly timeoutMs?: number;
  /** Reject with an AbortedError (code REQUESTTIMEOUT) once aborted. */
  readonly signal?: AbortSignal;
}

export class AbortedError extends KeeperError {
  constructor(
    readonly reason: unknown,
    path?: string,
  ) {
    super(Code.REQUESTTIMEOUT, `aborted${reason instanceof Error ? `: ${reason.message}` : ''}`, path);
  }
}

/** `work`, unless the timeout passes or the signal aborts first. */
export function withDeadline<T>(work: () => Promise<T>, options: CallOptions, clock: Clock, defaultTimeoutMs: number | undefined, what: string, path?: string): Promise<T> {
  const { signal } = options;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    return Promise.reject(new KeeperError(Code.BADARGUMENTS, `timeoutMs must be positive, got ${timeoutMs}`, path));
  }
  if (signal?.aborted === true) return Promise.reject(new AbortedError(signal.reason, path));
  const promise = work();
  if (timeoutMs === undefined && signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    let cancelTimer = (): void => undefined;
    const onAbort = (): void => {
      cleanup();
      reject(new AbortedError(signal?.reason, path));
    };
    const cleanup = (): void => {
      cancelTimer();
      signal?.removeEventListener('abort', onAbort);
    };
    if (timeoutMs !== undefined) {
      cancelTimer = after(clock, timeoutMs, () => {
        cleanup();
        reject(new KeeperError(Code.REQUESTTIMEOUT, `${what} got no reply within ${timeoutMs} ms`, path));
      });
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (e: unknown) => {
        cleanup();
        reject(e);
      },
    );
  });
}
