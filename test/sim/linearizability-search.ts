// The search behind the linearizability checker: Wing & Gong's depth-first search for a total order
// with Lowe's and Porcupine's memoization, over a partial order that encodes ZooKeeper's guarantees
// rather than plain real time (see linearizability.ts for why):
//   - session order: each session's ops take effect in the order sent (FIFO client order);
//   - an *ordered* op (one that goes through the leader: a write, check, sync or barrier) comes
//     after every op that was answered before it was invoked;
//   - a local read has only session order: it may be stale, but never comes after an ordered op
//     that was invoked after the read was answered (that op's own rule forbids it).
// Since every op waits for its session's earlier ops, the set of ops placed so far is one prefix
// per session: the memo key is the vector of prefix lengths plus the model state (the bitset of
// Porcupine, compressed by session order). Two reductions keep the search small:
//   - an op that never changes the state (a read, sync, check, a failed write) is placed as soon
//     as it fits the current state: moving it earlier can break no order that placing it later
//     keeps, so no branch is lost;
//   - an op with an unknown outcome is either applied (when its turn allows) or skipped (any time).
// Ops may carry an order hint (the simulator knows each txn's zxid): among the branches at a node,
// the search tries hinted ones first, in hint order, and skips an unknown op that never took effect
// before anything else. A hint only orders the branches, never removes one: the verdict is the same
// with or without it, but a correct history is found along the first path instead of after a long
// backtracking search that may exhaust the budget.
// The search is generic in the model state S; it stops after `budget` expanded nodes.

export type StepResult<S> = { readonly ok: true; readonly state: S } | { readonly ok: false; readonly why: string };

export interface SearchOp<S> {
  /** Position in the input history (for messages). */
  readonly index: number;
  readonly session: number;
  readonly invoke: number;
  /** Infinity when the outcome is unknown. */
  readonly response: number;
  /** Goes through the leader: ordered after every op answered before it was invoked. */
  readonly ordered: boolean;
  /** pure: never changes the state; effect: changes it; maybe: unknown outcome, apply or skip. */
  readonly kind: 'pure' | 'effect' | 'maybe';
  /** The state after the op, or why its recorded result cannot happen in `state`. */
  step(state: S): StepResult<S>;
  readonly label: string;
  /** Where the op took effect in the system's own order (a zxid), if known; Infinity: it never
   * did (for an unknown outcome) or it is not known. Only orders the search's branches. */
  readonly hint?: number;
}

export interface SearchModel<S> {
  readonly init: S;
  key(state: S): string;
  describe(state: S): string;
}

export type SearchOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly explanation: string }
  | { readonly ok: 'unknown'; readonly explanation: string };

interface Move<S> {
  readonly lane: number;
  readonly state: S;
  readonly skipped: boolean;
  /** Branch order: lower first. */
  readonly rank: number;
}

interface Frame<S> {
  readonly moves: Move<S>[];
  next: number;
}

/** How many of the best prefix's last moves an explanation lists. */
const PREFIX_SHOWN = 8;

export function searchLinearization<S>(ops: readonly SearchOp<S>[], model: SearchModel<S>, budget: number): SearchOutcome {
  const lanes = groupBySession(ops);
  const heads = lanes.map(() => 0);
  const suffixMin = lanes.map(suffixMinResponse);
  const total = ops.length;
  if (total === 0) return { ok: true };

  const at = (lane: number): SearchOp<S> | undefined => lanes[lane]![heads[lane]!];
  const minResponse = (): number => heads.reduce((min, h, lane) => Math.min(min, suffixMin[lane]![h]!), Infinity);
  const keyOf = (state: S): string => `${heads.join(',')}|${model.key(state)}`;

  function movesAt(state: S): Move<S>[] {
    const bound = minResponse();
    for (let lane = 0; lane < lanes.length; lane++) {
      const op = at(lane);
      if (op === undefined || op.kind !== 'pure' || (op.ordered && op.invoke > bound)) continue;
      if (op.step(state).ok) return [{ lane, state, skipped: false, rank: 0 }];
    }
    const moves: Move<S>[] = [];
    for (let lane = 0; lane < lanes.length; lane++) {
      const op = at(lane);
      if (op === undefined || op.kind === 'pure') continue;
      const turn = !op.ordered || op.invoke <= bound;
      const result = turn ? op.step(state) : undefined;
      const hint = op.hint ?? Infinity;
      if (result?.ok === true) moves.push({ lane, state: result.state, skipped: false, rank: hint });
      if (op.kind === 'maybe' && (result?.ok !== true || model.key(result.state) !== model.key(state))) {
        // An unknown op with a known place is tried applied first; one that never took effect, skipped first.
        moves.push({ lane, state, skipped: true, rank: op.hint === Infinity ? -1 : Infinity });
      }
    }
    return moves.length > 1 ? moves.sort((a, b) => a.rank - b.rank) : moves;
  }

  const visited = new Set<string>([keyOf(model.init)]);
  const path: Move<S>[] = [];
  const stack: Frame<S>[] = [{ moves: movesAt(model.init), next: 0 }];
  let best: Move<S>[] = [];
  let steps = 0;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const move = frame.moves[frame.next++];
    if (move === undefined) {
      stack.pop();
      const undone = path.pop();
      if (undone !== undefined) heads[undone.lane]! -= 1;
      continue;
    }
    heads[move.lane]! += 1;
    const key = keyOf(move.state);
    if (visited.has(key)) {
      heads[move.lane]! -= 1;
      continue;
    }
    visited.add(key);
    path.push(move);
    if (path.length === total) return { ok: true };
    if (path.length > best.length) best = [...path];
    if (++steps > budget) {
      return { ok: 'unknown', explanation: `gave up after ${budget} steps; ${explain(best)}` };
    }
    stack.push({ moves: movesAt(move.state), next: 0 });
  }
  return { ok: false, explanation: `no order of its ${total} operations satisfies the guarantees. ${explain(best)}` };

  /** Replays the deepest prefix found and says why each session's next op cannot follow it. */
  function explain(prefix: readonly Move<S>[]): string {
    heads.fill(0);
    let state = model.init;
    for (const move of prefix) {
      heads[move.lane]! += 1;
      state = move.state;
    }
    const shown = listPrefix(prefix);
    const blocked: string[] = [];
    const bound = minResponse();
    for (let lane = 0; lane < lanes.length; lane++) {
      const op = at(lane);
      if (op === undefined) continue;
      if (op.ordered && op.invoke > bound) {
        const blocker = firstAnsweredBefore(op.invoke);
        blocked.push(`${op.label}: must come after ${blocker?.label ?? '?'} (answered before it was invoked)`);
        continue;
      }
      const result = op.step(state);
      blocked.push(`${op.label}: ${result.ok ? 'fits here, but every order after it fails' : result.why}`);
    }
    return (
      `The longest consistent order places ${prefix.length} of ${total}` +
      (shown.length > 0 ? `, ending ${shown}` : '') +
      `; then the node is ${model.describe(state)}, and no remaining operation can come next:\n  - ${blocked.join('\n  - ')}`
    );
  }

  function listPrefix(prefix: readonly Move<S>[]): string {
    const counts = lanes.map(() => 0);
    const labels = prefix.map((m) => {
      const op = lanes[m.lane]![counts[m.lane]!]!;
      counts[m.lane]! += 1;
      return m.skipped ? `${op.label} (not applied)` : op.label;
    });
    const tail = labels.slice(-PREFIX_SHOWN);
    return (labels.length > tail.length ? '… ' : '') + tail.join(', ');
  }

  function firstAnsweredBefore(tick: number): SearchOp<S> | undefined {
    let found: SearchOp<S> | undefined;
    lanes.forEach((lane, i) => {
      for (const op of lane.slice(heads[i])) {
        if (op.response < tick && (found === undefined || op.response < found.response)) found = op;
      }
    });
    return found;
  }
}

/** Ops grouped by session, each group in history order (the order the session sent them). */
function groupBySession<S>(ops: readonly SearchOp<S>[]): SearchOp<S>[][] {
  const lanes = new Map<number, SearchOp<S>[]>();
  for (const op of ops) {
    const lane = lanes.get(op.session);
    if (lane === undefined) lanes.set(op.session, [op]);
    else lane.push(op);
  }
  return [...lanes.values()];
}

/** suffix[i] = the earliest response among lane[i..]; suffix[lane.length] = Infinity. */
function suffixMinResponse<S>(lane: readonly SearchOp<S>[]): number[] {
  const suffix = new Array<number>(lane.length + 1).fill(Infinity);
  for (let i = lane.length - 1; i >= 0; i--) suffix[i] = Math.min(lane[i]!.response, suffix[i + 1]!);
  return suffix;
}
