// A linearizability checker for client histories on ZooKeeper-like znodes (Wing & Gong's search
// with Porcupine's memoization; the search is in linearizability-search.ts, the znode model in
// linearizability-model.ts). It checks ZooKeeper's guarantees, not plain linearizability:
//   - writes (create, delete, setData, check, multi; failed ones too: the leader ordered them) are
//     linearizable: one order, consistent with real time;
//   - reads are sequentially consistent: a read may return state older than real time allows, but
//     each session's ops take effect in the order sent, so a session never goes back in time and
//     always sees its own writes;
//   - an op that reached the leader is a barrier for its session: a read after `sync`, or after any
//     acknowledged write, sees everything that was committed before that op was invoked.
// Formally: some total order of all ops is legal for every znode and respects (1) each session's
// send order, and (2) a ≺ b whenever a was answered before b was invoked and b goes through the
// leader. Reads have only (1); ordered ops have (1) and (2).
//
// The history is checked per path (linearizability is local: per-path checking is exact for the
// writes). For reads, per-path checking is a necessary condition only: a session that sees /a's new
// value and then /b's old one, where /b was written first, passes. Barriers carry across paths: a
// session's latest sync or acknowledged write on another path is kept, as a no-op, before each of
// its reads of this path. Ticks are any numbers; `a` precedes `b` in real time iff a.responseTick <
// b.invokeTick (equal ticks are concurrent). A missing responseTick is an unknown outcome.

import { Code } from '../../src/core/errors.ts';
import type { Compiled, Part, ZState } from './linearizability-model.ts';
import { ABSENT, compileEntry, labelOf, znodeModel } from './linearizability-model.ts';
import type { SearchOp } from './linearizability-search.ts';
import { searchLinearization } from './linearizability-search.ts';

export type ZnodeWrite =
  | { readonly type: 'create'; readonly path: string; readonly data: string }
  | { readonly type: 'delete'; readonly path: string; readonly version: number }
  | { readonly type: 'setData'; readonly path: string; readonly data: string; readonly version: number }
  | { readonly type: 'check'; readonly path: string; readonly version: number };

export type ZnodeOp =
  | ZnodeWrite
  | { readonly type: 'getData'; readonly path: string }
  | { readonly type: 'exists'; readonly path: string }
  /** sync makes the whole peer catch up, whatever its path. */
  | { readonly type: 'sync'; readonly path?: string }
  | { readonly type: 'multi'; readonly ops: readonly ZnodeWrite[] };

/** What the client was answered. `code` is 0 or a ZooKeeper error code (an `exists` that found no
 * node is NONODE). getData: `data` and `version` of the node; exists: its `version`; setData: the
 * new `version`. Omitted fields are not checked. */
export interface OpResult {
  readonly code: number;
  readonly data?: string;
  readonly version?: number;
}

export interface HistoryEntry {
  readonly session: number;
  readonly op: ZnodeOp;
  readonly invokeTick: number;
  /** undefined: no answer (timeout, CONNECTIONLOSS): the op may or may not have taken effect. */
  readonly responseTick: number | undefined;
  /** Required when responseTick is set. */
  readonly result?: OpResult;
  /**
   * Where the op took effect in the system's own order (e.g. its txn's zxid), when the harness
   * knows it; Infinity when it knows the op never took effect. The search tries this order first;
   * the verdict does not depend on it (see linearizability-search.ts).
   */
  readonly hint?: number;
}

export interface CheckOptions {
  /** Search nodes allowed per path before giving up (default 1,000,000). */
  readonly budget?: number;
  /** Znodes that exist before the history starts, with their data and version. */
  readonly initial?: ReadonlyMap<string, { readonly data: string; readonly version: number }>;
}

export type CheckResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly path: string; readonly explanation: string }
  /** The budget ran out on `path` before a verdict: treat as "not proven" (raise the budget). */
  | { readonly ok: 'unknown'; readonly path: string; readonly explanation: string };

const DEFAULT_BUDGET = 1_000_000;

/** Entries of one session must be listed in the order the session sent them (any interleaving
 * across sessions); the first path with a violation is reported, paths in sorted order. */
export function checkHistory(history: readonly HistoryEntry[], options: CheckOptions = {}): CheckResult {
  validate(history);
  const budget = options.budget ?? DEFAULT_BUDGET;
  let unknown: CheckResult | undefined;
  for (const [path, ops] of partition(history)) {
    const given = options.initial?.get(path);
    const init: ZState = given === undefined ? ABSENT : { exists: true, ...given };
    const outcome = searchLinearization(ops, znodeModel(init), budget);
    if (outcome.ok === false) return { ok: false, path, explanation: `${path}: ${outcome.explanation}` };
    if (outcome.ok === 'unknown') unknown ??= { ok: 'unknown', path, explanation: `${path}: ${outcome.explanation}` };
  }
  return unknown ?? { ok: true };
}

/** The search ops of each path, by sorted path: the path's own ops plus barriers before reads. */
function partition(history: readonly HistoryEntry[]): [string, SearchOp<ZState>[]][] {
  const byPath = new Map<string, SearchOp<ZState>[]>();
  /** Per session, its latest barrier and the paths that op itself touches. */
  const lastBarrier = new Map<number, { op: SearchOp<ZState>; paths: ReadonlyMap<string, Part> }>();
  /** Per `session path`, the history index of the session's latest op there. */
  const lastOwn = new Map<string, number>();
  history.forEach((entry, index) => {
    const compiled: Compiled = compileEntry(entry);
    const common = {
      index,
      session: entry.session,
      invoke: entry.invokeTick,
      response: entry.responseTick ?? Infinity,
      label: labelOf(entry, index),
      ...(entry.hint === undefined ? {} : { hint: entry.hint }),
    };
    for (const [path, part] of compiled.parts) {
      const ops = byPath.get(path) ?? [];
      byPath.set(path, ops);
      const own = `${entry.session} ${path}`;
      const barrier = lastBarrier.get(entry.session);
      if (!part.ordered && barrier !== undefined && !barrier.paths.has(path) && barrier.op.index > (lastOwn.get(own) ?? -1)) {
        ops.push(barrier.op);
      }
      // An unknown outcome may take effect after the client gave up (the request was still queued).
      ops.push({ ...common, ...part, response: part.kind === 'maybe' ? Infinity : common.response });
      lastOwn.set(own, index);
    }
    if (compiled.barrier) {
      const op: SearchOp<ZState> = { ...common, ordered: true, kind: 'pure', step: (s) => ({ ok: true, state: s }), label: `${common.label} (as a barrier)` };
      lastBarrier.set(entry.session, { op, paths: compiled.parts });
    }
  });
  return [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A malformed history is a bug in the harness that recorded it. */
function validate(history: readonly HistoryEntry[]): void {
  const lastInvoke = new Map<number, number>();
  history.forEach((e, i) => {
    const fail = (why: string): never => {
      throw new Error(`history entry #${i}: ${why}`);
    };
    if (!Number.isFinite(e.invokeTick)) fail(`invokeTick ${e.invokeTick} is not a number`);
    if (e.responseTick !== undefined) {
      if (!(e.responseTick >= e.invokeTick)) fail(`answered at ${e.responseTick}, before it was invoked at ${e.invokeTick}`);
      if (e.result === undefined) fail('answered without a result');
      else if (e.result.code > Code.OK) fail(`result code ${e.result.code} is not a ZooKeeper code`);
    }
    if ((lastInvoke.get(e.session) ?? -Infinity) > e.invokeTick) {
      fail(`session ${e.session}'s entries are not in the order it sent them (invoked at ${e.invokeTick})`);
    }
    lastInvoke.set(e.session, e.invokeTick);
  });
}
