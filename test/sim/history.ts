// Client histories the simulator records (one entry per request, invocation and response in
// ticks), and their translation for the linearizability checker (linearizability.ts).

import type { HistoryEntry, OpResult, ZnodeOp } from './linearizability.ts';

export type HistoryKind = 'write' | 'read' | 'sync';

export interface HistoryOp {
  readonly client: number;
  readonly session: number;
  /**
   * The client's connection: it changes when the client moves to another peer. The checker's
   * session order holds per connection: ZooKeeper orders a session's writes across a move
   * (SESSIONMOVED), but a read at the new peer may not yet see a write left in flight at the old
   * one, whose outcome the client never learned.
   */
  readonly connection: number;
  readonly cxid: number;
  readonly kind: HistoryKind;
  readonly path: string;
  /** The value a write wrote. */
  readonly value?: string;
  /** The operation as the linearizability checker models it (absent: not checked, e.g. ephemerals). */
  readonly op?: ZnodeOp;
  readonly invokedAt: number;
  returnedAt?: number;
  /** ok: took effect and answered; fail: answered with an error; unknown: may or may not have. */
  outcome: 'pending' | 'ok' | 'fail' | 'unknown';
  /** What a read returned (null: no such node). */
  result?: string | null;
  /** The answer as the checker reads it. */
  answer?: OpResult;
  /** The zxid a successful write got. */
  zxid?: number;
}

/**
 * The entries the linearizability checker takes; ops still pending count as unknown. `zxidOf`
 * tells where a write took effect (undefined: it never did), which the checker uses only to order
 * its search.
 */
export function toCheckerHistory(
  history: readonly HistoryOp[],
  zxidOf?: (session: number, cxid: number) => number | undefined,
): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const h of history) {
    if (h.op === undefined) continue;
    const { answer, returnedAt } = h;
    const answered = (h.outcome === 'ok' || h.outcome === 'fail') && answer !== undefined && returnedAt !== undefined;
    const hint = zxidOf === undefined || h.kind !== 'write' ? {} : { hint: zxidOf(h.session, h.cxid) ?? Infinity };
    entries.push(
      answered
        ? { session: h.connection, op: h.op, invokeTick: h.invokedAt, responseTick: returnedAt, result: answer, ...hint }
        : { session: h.connection, op: h.op, invokeTick: h.invokedAt, responseTick: undefined, ...hint },
    );
  }
  return entries;
}
