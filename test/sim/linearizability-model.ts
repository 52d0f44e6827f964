// The per-path model of the linearizability checker: one znode as {exists, data, version}, and how
// each recorded client operation turns into search ops on the paths it touches. Results are judged
// only where the code means the same thing on one path as in the whole tree:
//   - OK, NONODE, NODEEXISTS and BADVERSION are checked against the state;
//   - create → NONODE (no parent) only says the node was absent (no parent, no child);
//   - delete → NOTEMPTY only says the node existed with a matching version (children are other paths);
//   - any other code (CONNECTIONLOSS, OPERATIONTIMEOUT, SESSIONEXPIRED, NOAUTH, …) and a missing
//     response make the outcome unknown: the write may or may not have taken effect; such a read
//     tells nothing and is dropped.
// A multi is projected onto each path it touches: on success its ops there apply in order and must
// each succeed; on a known failure it changes nothing and its per-op errors are not checked; with
// an unknown outcome each path may independently see it or not. Cross-path atomicity of a multi is
// therefore not checked (conservative: never a false alarm).

import { Code, codeName } from '../../src/core/errors.ts';
import type { HistoryEntry, OpResult, ZnodeOp, ZnodeWrite } from './linearizability.ts';
import type { SearchModel, SearchOp, StepResult } from './linearizability-search.ts';

export interface ZState {
  readonly exists: boolean;
  readonly data: string;
  readonly version: number;
}

export const ABSENT: ZState = { exists: false, data: '', version: 0 };

export function znodeModel(init: ZState): SearchModel<ZState> {
  return {
    init,
    key: (s) => (s.exists ? `+${s.version}:${s.data}` : '-'),
    describe,
  };
}

/** A write's effect as ZooKeeper's prep and final decide it: the result code and the next state. */
export function applyWrite(s: ZState, w: ZnodeWrite): { code: number; next: ZState } {
  const versionOk = (v: number): boolean => v === -1 || v === s.version;
  switch (w.type) {
    case 'create':
      return s.exists ? { code: Code.NODEEXISTS, next: s } : { code: Code.OK, next: { exists: true, data: w.data, version: 0 } };
    case 'delete':
      if (!s.exists) return { code: Code.NONODE, next: s };
      return versionOk(w.version) ? { code: Code.OK, next: ABSENT } : { code: Code.BADVERSION, next: s };
    case 'setData':
      if (!s.exists) return { code: Code.NONODE, next: s };
      if (!versionOk(w.version)) return { code: Code.BADVERSION, next: s };
      return { code: Code.OK, next: { exists: true, data: w.data, version: s.version + 1 } };
    case 'check':
      if (!s.exists) return { code: Code.NONODE, next: s };
      return { code: versionOk(w.version) ? Code.OK : Code.BADVERSION, next: s };
  }
}

/** A search op without its history fields: what one entry does on one path. */
export type Part = Omit<SearchOp<ZState>, 'index' | 'session' | 'invoke' | 'response' | 'label'>;

/** The search ops an entry contributes, per path, and whether it is a barrier for its session's
 * later reads elsewhere: it went through the leader (its reply proves it), so the session's peer
 * had applied everything the leader had committed before it. */
export interface Compiled {
  readonly parts: ReadonlyMap<string, Part>;
  readonly barrier: boolean;
}

const CHECKED_WRITE_CODES: ReadonlySet<number> = new Set([Code.OK, Code.NONODE, Code.NODEEXISTS, Code.BADVERSION, Code.NOTEMPTY]);

const ok = (state: ZState): StepResult<ZState> => ({ ok: true, state });
const no = (why: string): StepResult<ZState> => ({ ok: false, why });
const unchanged: Part['step'] = ok;

export function compileEntry(entry: HistoryEntry): Compiled {
  const { op } = entry;
  const result = entry.responseTick === undefined ? undefined : entry.result;
  switch (op.type) {
    case 'getData':
    case 'exists': {
      if (result === undefined || (result.code !== Code.OK && result.code !== Code.NONODE)) return none();
      return { parts: new Map([[op.path, { ordered: false, kind: 'pure', step: readStep(op.type, result) }]]), barrier: false };
    }
    case 'sync':
      return { parts: new Map(), barrier: result?.code === Code.OK };
    case 'multi':
      return compileMulti(op.ops, result);
    default:
      return compileWrite(op, result);
  }
}

function none(): Compiled {
  return { parts: new Map(), barrier: false };
}

function compileWrite(w: ZnodeWrite, result: OpResult | undefined): Compiled {
  if (result === undefined || !CHECKED_WRITE_CODES.has(result.code)) {
    const part: Part = { ordered: true, kind: 'maybe', step: (s) => ok(applyWrite(s, w).next) };
    return { parts: new Map([[w.path, part]]), barrier: false };
  }
  const code = result.code;
  const step: Part['step'] = (s) => {
    const actual = applyWrite(s, w);
    if (w.type === 'create' && code === Code.NONODE) return s.exists ? no(`its parent was missing, but the node is ${describe(s)}`) : ok(s);
    if (w.type === 'delete' && code === Code.NOTEMPTY) return actual.code === Code.OK ? ok(s) : no(expected(actual.code, code, s));
    if (actual.code !== code) return no(expected(actual.code, code, s));
    if (w.type === 'setData' && code === Code.OK && result.version !== undefined && result.version !== actual.next.version) {
      return no(`it answered version ${result.version}, but the write would make version ${actual.next.version}`);
    }
    return ok(actual.next);
  };
  const changes = code === Code.OK && w.type !== 'check';
  return { parts: new Map([[w.path, { ordered: true, kind: changes ? 'effect' : 'pure', step }]]), barrier: true };
}

function compileMulti(ops: readonly ZnodeWrite[], result: OpResult | undefined): Compiled {
  const byPath = new Map<string, ZnodeWrite[]>();
  for (const w of ops) byPath.set(w.path, [...(byPath.get(w.path) ?? []), w]);
  const known = result !== undefined && CHECKED_WRITE_CODES.has(result.code);
  const parts = new Map<string, Part>();
  for (const [path, writes] of byPath) {
    if (known && result.code !== Code.OK) {
      parts.set(path, { ordered: true, kind: 'pure', step: unchanged });
    } else if (known) {
      const pure = writes.every((w) => w.type === 'check');
      parts.set(path, { ordered: true, kind: pure ? 'pure' : 'effect', step: (s) => applyAll(s, writes) });
    } else {
      parts.set(path, { ordered: true, kind: 'maybe', step: (s) => { const r = applyAll(s, writes); return r.ok ? r : ok(s); } });
    }
  }
  return { parts, barrier: known };
}

function applyAll(s: ZState, writes: readonly ZnodeWrite[]): StepResult<ZState> {
  let state = s;
  for (const w of writes) {
    const r = applyWrite(state, w);
    if (r.code !== Code.OK) return no(`the multi succeeded, but its ${w.type} would fail with ${name(r.code)} on a node ${describe(state)}`);
    state = r.next;
  }
  return ok(state);
}

function readStep(type: 'getData' | 'exists', result: OpResult): Part['step'] {
  return (s) => {
    if (result.code === Code.NONODE) return s.exists ? no(`it saw no node, but the node is ${describe(s)}`) : ok(s);
    if (!s.exists) return no(`it saw ${seen(type, result)}, but the node is absent`);
    const dataOk = type === 'exists' || result.data === undefined || result.data === s.data;
    const versionOk = result.version === undefined || result.version === s.version;
    return dataOk && versionOk ? ok(s) : no(`it saw ${seen(type, result)}, but the node is ${describe(s)}`);
  };
}

function seen(type: 'getData' | 'exists', r: OpResult): string {
  const data = type === 'getData' && r.data !== undefined ? ` ${quote(r.data)}` : '';
  return `a node${data}${r.version === undefined ? '' : ` at version ${r.version}`}`;
}

function expected(actual: number, recorded: number, s: ZState): string {
  return `it answered ${name(recorded)}, but on a node ${describe(s)} it would answer ${name(actual)}`;
}

function describe(s: ZState): string {
  return s.exists ? `holding ${quote(s.data)} at version ${s.version}` : 'absent';
}

const name = (code: number): string => codeName(code) ?? String(code);

export function quote(data: string): string {
  const q = JSON.stringify(data);
  return q.length > 24 ? `${q.slice(0, 20)}…"` : q;
}

/** A one-line label for messages: `#4 s2 setData /x "b" v0 → OK v1 [3, 6]`. */
export function labelOf(entry: HistoryEntry, index: number): string {
  const r = entry.responseTick === undefined ? undefined : entry.result;
  const outcome = r === undefined ? '?' : `${name(r.code)}${r.data === undefined ? '' : ` ${quote(r.data)}`}${r.version === undefined ? '' : ` v${r.version}`}`;
  return `#${index} s${entry.session} ${opText(entry.op)} → ${outcome} [${entry.invokeTick}, ${entry.responseTick ?? '?'}]`;
}

function opText(op: ZnodeOp): string {
  switch (op.type) {
    case 'create':
      return `create ${op.path} ${quote(op.data)}`;
    case 'delete':
    case 'check':
      return `${op.type} ${op.path} v${op.version}`;
    case 'setData':
      return `setData ${op.path} ${quote(op.data)} v${op.version}`;
    case 'getData':
    case 'exists':
      return `${op.type} ${op.path}`;
    case 'sync':
      return `sync${op.path === undefined ? '' : ` ${op.path}`}`;
    case 'multi':
      return `multi[${op.ops.map(opText).join('; ')}]`;
  }
}
