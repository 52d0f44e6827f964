// Histories for the checker's property tests, built from a sequential execution of the znode model:
// step k takes effect at tick 10(k+1), inside an interval of random width around it, so intervals
// overlap at random. With `stale`, a read returns the state after some earlier write, as a lagging
// peer would, but never older than what its session has already seen or done (the guarantees the
// checker enforces). Writes may also lose their answer (took effect, outcome unknown), be answered
// CONNECTIONLOSS (took effect), or be phantoms (never took effect, no answer).

import { Code } from '../../src/core/errors.ts';
import type { HistoryEntry, OpResult, ZnodeOp, ZnodeWrite } from './linearizability.ts';
import type { ZState } from './linearizability-model.ts';
import { ABSENT, applyWrite } from './linearizability-model.ts';

export const GEN_PATHS = ['/a', '/b', '/c'] as const;

export interface GenStep {
  readonly session: number;
  readonly kind: 'create' | 'delete' | 'setData' | 'check' | 'getData' | 'exists' | 'sync' | 'multi';
  readonly path: number;
  /** any: version -1; current: the node's version; wrong: another version (BADVERSION). */
  readonly version: 'any' | 'current' | 'wrong';
  /** Ticks between invocation and the moment the op takes effect, and from then to the answer. */
  readonly lead: number;
  readonly lag: number;
  /** For stale reads: how far back between the session's horizon (0) and the present (1). */
  readonly recency: number;
  readonly fate: 'answered' | 'lost' | 'connectionLoss' | 'phantom';
}

type Snapshot = ReadonlyMap<string, ZState>;

export interface Generated {
  readonly history: HistoryEntry[];
  /** The state of every path after each write, oldest first. */
  readonly snapshots: readonly Snapshot[];
}

export function historyFromSteps(steps: readonly GenStep[], stale: boolean): Generated {
  const snapshots: Snapshot[] = [new Map(GEN_PATHS.map((p) => [p, ABSENT]))];
  const seen = new Map<number, number>();
  const lastInvoke = new Map<number, number>();
  const timed: { entry: HistoryEntry; at: number }[] = [];
  steps.forEach((step, k) => {
    const at = 10 * (k + 1);
    const invokeTick = Math.max(lastInvoke.get(step.session) ?? -Infinity, at - step.lead);
    lastInvoke.set(step.session, invokeTick);
    const present = snapshots.length - 1;
    const current = snapshots[present]!;
    const path = GEN_PATHS[step.path % GEN_PATHS.length]!;
    const emit = (op: ZnodeOp, result: OpResult | undefined): void => {
      const responseTick = result === undefined ? undefined : at + step.lag;
      timed.push({ entry: result === undefined ? { session: step.session, op, invokeTick, responseTick } : { session: step.session, op, invokeTick, responseTick, result }, at });
    };
    if (step.kind === 'getData' || step.kind === 'exists') {
      const horizon = seen.get(step.session) ?? 0;
      const j = stale ? Math.min(present, horizon + Math.floor(step.recency * (present - horizon + 1))) : present;
      seen.set(step.session, j);
      const s = snapshots[j]!.get(path)!;
      const result: OpResult = !s.exists
        ? { code: Code.NONODE }
        : step.kind === 'getData'
          ? { code: Code.OK, data: s.data, version: s.version }
          : { code: Code.OK, version: s.version };
      emit({ type: step.kind, path }, step.fate === 'answered' ? result : undefined);
      return;
    }
    if (step.kind === 'sync') {
      seen.set(step.session, present);
      emit({ type: 'sync', path }, step.fate === 'answered' ? { code: Code.OK } : undefined);
      return;
    }
    const writes = writesOf(step, path, current, `v${k}`);
    const op: ZnodeOp = step.kind === 'multi' ? { type: 'multi', ops: writes } : writes[0]!;
    if (step.fate === 'phantom') {
      emit(op, undefined);
      return;
    }
    const { code, next } = applyAtomically(current, writes);
    snapshots.push(next);
    seen.set(step.session, snapshots.length - 1);
    const newVersion = op.type === 'setData' && code === Code.OK ? next.get(path)!.version : undefined;
    const answer: OpResult = newVersion === undefined ? { code } : { code, version: newVersion };
    emit(op, step.fate === 'answered' ? answer : step.fate === 'connectionLoss' ? { code: Code.CONNECTIONLOSS } : undefined);
  });
  timed.sort((x, y) => x.entry.invokeTick - y.entry.invokeTick || x.at - y.at);
  return { history: timed.map((t) => t.entry), snapshots };
}

function writesOf(step: GenStep, path: string, current: Snapshot, data: string): ZnodeWrite[] {
  const node = current.get(path)!;
  const version = step.version === 'any' ? -1 : step.version === 'current' ? node.version : node.version + 1;
  switch (step.kind) {
    case 'create':
      return [{ type: 'create', path, data }];
    case 'delete':
      return [{ type: 'delete', path, version }];
    case 'setData':
      return [{ type: 'setData', path, data, version }];
    case 'check':
      return [{ type: 'check', path, version }];
    default: {
      const other = GEN_PATHS[(GEN_PATHS.indexOf(path as (typeof GEN_PATHS)[number]) + 1) % GEN_PATHS.length]!;
      return [{ type: 'setData', path, data, version }, { type: 'create', path: other, data }];
    }
  }
}

/** All writes apply, or none (a multi's rule); the code is the first failure's. */
function applyAtomically(current: Snapshot, writes: readonly ZnodeWrite[]): { code: number; next: Snapshot } {
  const next = new Map(current);
  for (const w of writes) {
    const r = applyWrite(next.get(w.path)!, w);
    if (r.code !== Code.OK) return { code: r.code, next: current };
    next.set(w.path, r.next);
  }
  return { code: Code.OK, next };
}
