// Session timeout negotiation, ZooKeeper's rule: the timeout a client asks for is clamped to
// [minSessionTimeout, maxSessionTimeout], by default [2 × tickMs, 20 × tickMs]. The core counts time
// in ticks, so a negotiated timeout is kept both in ms (what the client is told) and in whole ticks
// (what the expiry queue counts), rounded up so that a session never lives shorter than it was told.

import { Code, KeeperError } from '../errors.ts';

/** The ensemble's settings that bound a session's timeout (names as in the ensemble config). */
export interface SessionTimeoutConfig {
  readonly tickMs: number;
  /** ms; undefined or -1 (ZooKeeper's "unset") means 2 × tickMs. */
  readonly minSessionTimeout?: number | undefined;
  /** ms; undefined or -1 means 20 × tickMs. */
  readonly maxSessionTimeout?: number | undefined;
}

/** Validated bounds, all in ms. */
export interface SessionTimeoutBounds {
  readonly tickMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface NegotiatedTimeout {
  readonly timeoutMs: number;
  readonly timeoutTicks: number;
}

/** The wire carries timeouts as a signed 32-bit int (ConnectRequest/ConnectResponse.timeOut). */
const INT32_MAX = 2 ** 31 - 1;

const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= INT32_MAX;

/** Validates the configured bounds; a bad configuration is outside input: BADARGUMENTS. */
export function sessionTimeoutBounds(config: SessionTimeoutConfig): SessionTimeoutBounds {
  const { tickMs } = config;
  if (!isPositiveInt(tickMs)) throw new KeeperError(Code.BADARGUMENTS, `tickMs must be a positive integer, got ${tickMs}`);
  const minMs = unsetToDefault(config.minSessionTimeout, 2 * tickMs);
  const maxMs = unsetToDefault(config.maxSessionTimeout, 20 * tickMs);
  if (!isPositiveInt(minMs) || !isPositiveInt(maxMs)) {
    throw new KeeperError(Code.BADARGUMENTS, `session timeouts must be positive 32-bit integers, got [${minMs}, ${maxMs}]`);
  }
  if (minMs > maxMs) {
    throw new KeeperError(Code.BADARGUMENTS, `minSessionTimeout ${minMs} must not be larger than maxSessionTimeout ${maxMs}`);
  }
  return { tickMs, minMs, maxMs };
}

function unsetToDefault(value: number | undefined, fallback: number): number {
  return value === undefined || value === -1 ? fallback : value;
}

/** Whole ticks covering `timeoutMs`, rounded up (never shorter than promised), at least 1. */
export function ticksFor(timeoutMs: number, tickMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / tickMs));
}

/** Clamps a client's requested timeout (any 32-bit int, even 0 or negative) to the bounds. */
export function negotiateTimeout(requestedMs: number, bounds: SessionTimeoutBounds): NegotiatedTimeout {
  if (!Number.isInteger(requestedMs)) {
    throw new KeeperError(Code.BADARGUMENTS, `session timeout must be an integer, got ${requestedMs}`);
  }
  const timeoutMs = Math.min(bounds.maxMs, Math.max(bounds.minMs, requestedMs));
  return { timeoutMs, timeoutTicks: ticksFor(timeoutMs, bounds.tickMs) };
}
