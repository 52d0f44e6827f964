// Applying one txn to the tree: ZooKeeper's DataTree.processTxn. Deterministic, and total: a txn
// that cannot apply (a replay, or a bug upstream) changes nothing and is answered with ZooKeeper's
// error code, the same on every replica. Events are returned in the order the changes happen.

import { Code, type ErrorCode } from '../errors.ts';
import type { MultiOpResult, Reply } from '../requests/reply.ts';
import type {
  CreateTxn,
  DeleteContainerTxn,
  DeleteTxn,
  MultiSubTxn,
  MultiTxn,
  SetAclTxn,
  SetDataTxn,
  Txn,
  TxnHeader,
} from '../requests/txn.ts';
import { assert, unreachable } from '../util/assert.ts';
import { EventType, type TreeEvent } from '../watches/events.ts';
import { zxidToString } from '../zxid.ts';
import { isEphemeralMode, isTtlMode } from './create-mode.ts';
import { parentOf } from './path.ts';
import { CVERSION } from './node-table.ts';
import type { TreeState } from './tree-state.ts';
import {
  createProblem,
  deleteContainerProblem,
  deleteProblem,
  type NodeLookup,
  PendingLookup,
  presenceProblem,
} from './txn-rules.ts';
import type { Znode } from './znode.ts';

export interface ApplyResult {
  readonly reply: Reply;
  readonly events: readonly TreeEvent[];
}

const NO_EVENTS: readonly TreeEvent[] = Object.freeze([]);

export function applyTxn(state: TreeState, txn: Txn): ApplyResult {
  const { header, body } = txn;
  // Messages are built only on failure: this runs for every txn.
  if (!(header.zxid > state.lastZxid)) {
    assert(false, `txn zxid ${zxidToString(header.zxid)} not above last applied ${zxidToString(state.lastZxid)}`);
  }
  if (!Number.isFinite(header.time)) assert(false, `txn time ${header.time}`);
  const events: TreeEvent[] = [];
  let reply: Reply;
  switch (body.type) {
    case 'create':
    case 'delete':
    case 'setData':
    case 'check':
    case 'error':
      reply = applyOp(state, header, body, events);
      break;
    case 'deleteContainer':
      reply = applyDeleteContainer(state, header, body, events);
      break;
    case 'setACL':
      reply = applySetAcl(state, body);
      break;
    case 'multi':
      reply = applyMulti(state, header, body, events);
      break;
    case 'createSession':
      reply = { type: 'createSession' };
      break;
    case 'closeSession':
      // Ephemerals never have children, so any order works; sorted keeps replicas and events alike.
      for (const node of state.ephemeralsOf(header.sessionId)) remove(state, node, header, events);
      reply = { type: 'closeSession' };
      break;
    default:
      unreachable(body, 'unknown txn type');
  }
  state.lastZxid = header.zxid;
  return { reply, events: events.length === 0 ? NO_EVENTS : events };
}

/** One op that may also appear inside a multi. */
function applyOp(state: TreeState, header: TxnHeader, op: MultiSubTxn, events: TreeEvent[]): MultiOpResult {
  switch (op.type) {
    case 'create':
      return applyCreate(state, header, op, events);
    case 'delete':
      return applyDelete(state, header, op, events);
    case 'setData':
      return applySetData(state, header, op, events);
    case 'check': {
      const problem = presenceProblem(state.find(op.path));
      return problem === undefined ? { type: 'check' } : error(problem);
    }
    case 'error':
      return error(op.code);
    default:
      return unreachable(op, 'unknown multi op type');
  }
}

function applyCreate(state: TreeState, header: TxnHeader, txn: CreateTxn, events: TreeEvent[]): MultiOpResult {
  const parentPath = parentOf(txn.path);
  const parent = state.find(parentPath);
  const problem = createProblem(txn.path, txn.mode, txn.ttl, parent, state.find(txn.path));
  if (problem !== undefined || parent === undefined) return error(problem ?? Code.NONODE);
  const owner = isEphemeralMode(txn.mode) ? header.sessionId : isTtlMode(txn.mode) ? txn.ttl : 0;
  const node = state.addNode(
    parent,
    txn.path,
    txn.mode,
    owner,
    state.acls.intern(txn.acl),
    txn.data,
    header.zxid,
    header.time,
  );
  // ZooKeeper's createNode: -1 means "one more than now"; Java int arithmetic.
  const cversion = txn.parentCversion === -1 ? state.table.getI32(parent.slot, CVERSION) + 1 : txn.parentCversion | 0;
  state.bumpChildVersion(parent, cversion, header.zxid);
  events.push({ type: EventType.NodeCreated, path: txn.path }, { type: EventType.NodeChildrenChanged, path: parentPath });
  return { type: 'create', path: txn.path, stat: state.table.stat(node.slot, 0, isEphemeralMode(txn.mode)) };
}

function applyDelete(state: TreeState, header: TxnHeader, txn: DeleteTxn, events: TreeEvent[]): MultiOpResult {
  const node = state.find(txn.path);
  const problem = deleteProblem(txn.path, node);
  if (problem !== undefined || node === undefined) return error(problem ?? Code.NONODE);
  remove(state, node, header, events);
  return { type: 'delete' };
}

function applyDeleteContainer(
  state: TreeState,
  header: TxnHeader,
  txn: DeleteContainerTxn,
  events: TreeEvent[],
): Reply {
  const node = state.find(txn.path);
  const problem = deleteContainerProblem(txn.path, node);
  if (problem !== undefined || node === undefined) return error(problem ?? Code.NONODE);
  remove(state, node, header, events);
  return { type: 'delete' };
}

function remove(state: TreeState, node: Znode, header: TxnHeader, events: TreeEvent[]): void {
  state.removeNode(node, header.zxid);
  events.push(
    { type: EventType.NodeDeleted, path: node.path },
    { type: EventType.NodeChildrenChanged, path: parentOf(node.path) },
  );
}

function applySetData(state: TreeState, header: TxnHeader, txn: SetDataTxn, events: TreeEvent[]): MultiOpResult {
  const node = state.find(txn.path);
  if (node === undefined) return error(Code.NONODE);
  state.setData(node, txn.data, txn.version, header.zxid, header.time);
  events.push({ type: EventType.NodeDataChanged, path: txn.path });
  return { type: 'setData', stat: state.table.stat(node.slot, node.childCount, isEphemeralMode(node.mode)) };
}

function applySetAcl(state: TreeState, txn: SetAclTxn): Reply {
  const node = state.find(txn.path);
  if (node === undefined) return error(Code.NONODE);
  state.setAcl(node, txn.acl, txn.version);
  return { type: 'setACL', stat: state.table.stat(node.slot, node.childCount, isEphemeralMode(node.mode)) };
}

/** All or nothing. With an ErrorTxn among the ops (prep refused the multi), nothing changes and
 * the results are those of ZooKeeper's DataTree.processTxn (case OpCode.multi): an ErrorTxn keeps
 * its own code; any other op gets OK before the first ErrorTxn and RUNTIMEINCONSISTENCY after it
 * (ZooKeeper turns it into ErrorTxn(post_failed ? RUNTIMEINCONSISTENCY : OK)). When every op is
 * real but one cannot apply here, a dry run finds it first and the results take the same shape,
 * with that op's code in its place. */
function applyMulti(state: TreeState, header: TxnHeader, txn: MultiTxn, events: TreeEvent[]): Reply {
  const ops = txn.txns;
  if (ops.some((op) => op.type === 'error')) {
    let postFailed = false;
    const results = ops.map((op): MultiOpResult => {
      if (op.type === 'error') {
        postFailed = true;
        return error(op.code);
      }
      return error(postFailed ? Code.RUNTIMEINCONSISTENCY : Code.OK);
    });
    return { type: 'multi', results };
  }
  const failure = dryRun(state, ops);
  if (failure !== undefined) {
    const results = ops.map((_, i): MultiOpResult =>
      error(i < failure.index ? Code.OK : i === failure.index ? failure.code : Code.RUNTIMEINCONSISTENCY),
    );
    return { type: 'multi', results };
  }
  const results = ops.map((op): MultiOpResult => {
    const result = applyOp(state, header, op, events);
    if (result.type === 'error') assert(false, `multi op failed after its dry run passed: ${op.type}`);
    return result;
  });
  return { type: 'multi', results };
}

function dryRun(state: TreeState, ops: readonly MultiSubTxn[]): { index: number; code: ErrorCode } | undefined {
  const plan = new PendingLookup(state);
  for (let index = 0; index < ops.length; index++) {
    const op = ops[index]!;
    const code = opProblem(plan, op);
    if (code !== undefined) return { index, code };
    if (op.type === 'create') plan.noteCreate(op.path, op.mode);
    else if (op.type === 'delete') plan.noteDelete(op.path);
  }
  return undefined;
}

function opProblem(tree: NodeLookup, op: MultiSubTxn): ErrorCode | undefined {
  switch (op.type) {
    case 'create':
      return createProblem(op.path, op.mode, op.ttl, tree.find(parentOf(op.path)), tree.find(op.path));
    case 'delete':
      return deleteProblem(op.path, tree.find(op.path));
    case 'setData':
    case 'check':
      return presenceProblem(tree.find(op.path));
    case 'error':
      return op.code;
    default:
      return unreachable(op, 'unknown multi op type');
  }
}

function error(code: ErrorCode): { readonly type: 'error'; readonly code: ErrorCode } {
  return { type: 'error', code };
}
