// prep: a write request made deterministic (ZooKeeper's PrepRequestProcessor). The leader preps
// against PendingChanges (the tree plus txns proposed but not yet applied) and records the result at
// the zxid it assigns:  body = prep(view, session, request, time); view.record(zxid, body, sessionId).
// A failed write becomes an ErrorTxn carrying ZooKeeper's code: it still takes a zxid, so the
// session's replies stay in order. A multi is all or nothing, with ZooKeeper's result codes: ops
// before the failed one report OK (0), the failed one its code, the rest RUNTIMEINCONSISTENCY.
// A KeeperError is bad input and becomes an ErrorTxn; any other exception is a bug and propagates.

import { Code, isKeeperError, KeeperError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { NO_SESSION } from '../util/ids.ts';
import { limits } from '../util/limits.ts';
import type { NodeView, PendingChanges } from './pending-changes.ts';
import { ScratchLayer } from './pending-changes.ts';
import { prepCheck, prepCreate, prepDelete, prepDeleteContainer, prepSetAcl, prepSetData } from './prep-ops.ts';
import type { MultiOp, MultiRequest, WriteRequest } from './request.ts';
import type { SessionContext } from './session-context.ts';
import type {
  CloseSessionTxn,
  CreateSessionTxn,
  DeleteContainerTxn,
  ErrorTxn,
  MultiSubTxn,
  MultiTxn,
  TxnBody,
} from './txn.ts';

/** The txn for a write request, or an ErrorTxn with ZooKeeper's code. `time` is the header's; no
 * body needs it (ctime, mtime and TTL expiry come from the header), it is taken for symmetry. */
export function prep(view: NodeView, session: SessionContext, request: WriteRequest, time: number): TxnBody {
  void time;
  try {
    return request.type === 'multi' ? prepMulti(view, session, request) : prepSingle(view, session, request);
  } catch (e) {
    return { type: 'error', code: codeOf(e) };
  }
}

/** Closing or expiring a session: the tree deletes its ephemerals when it applies the txn, and
 * recording the txn shows those deletions to later preps. */
export function prepCloseSession(): CloseSessionTxn {
  return { type: 'closeSession' };
}

export function prepCreateSession(timeoutMs: number): CreateSessionTxn {
  return { type: 'createSession', timeoutMs };
}

/** The leader's sweep: deleteContainer txns for the tree's candidates (containerCandidates() and
 * expiredTtlNodes(now)) that are still deletable in the projected view. A candidate that a pending
 * txn touches (a child being created, its data being set) waits for a later sweep. The caller gives
 * each txn a zxid and records it, in order. */
export function prepSweep(view: PendingChanges, candidates: readonly string[]): DeleteContainerTxn[] {
  const scratch = view.scratch();
  const txns: DeleteContainerTxn[] = [];
  for (const path of new Set(candidates)) {
    if (view.isPending(path)) continue;
    try {
      const txn = prepDeleteContainer(scratch, path);
      scratch.apply(txn, NO_SESSION);
      txns.push(txn);
    } catch (e) {
      if (!isKeeperError(e)) throw e;
    }
  }
  return txns;
}

function prepSingle(view: NodeView, session: SessionContext, request: Exclude<WriteRequest, MultiRequest>): TxnBody {
  if (request.type === 'setACL') return prepSetAcl(view, session, request);
  return prepMultiOp(view, session, request);
}

function prepMultiOp(view: NodeView, session: SessionContext, op: MultiOp): MultiSubTxn {
  switch (op.type) {
    case 'create':
      return prepCreate(view, session, op);
    case 'delete':
      return prepDelete(view, session, op);
    case 'setData':
      return prepSetData(view, session, op);
    case 'check':
      return prepCheck(view, session, op);
    default:
      // Unreachable through the types: a malformed request from a codec or a peer lands here.
      throw new KeeperError(Code.UNIMPLEMENTED, `not a write: ${String((op as { type: unknown }).type)}`);
  }
}

function prepMulti(view: NodeView, session: SessionContext, request: MultiRequest): MultiTxn | ErrorTxn {
  const { ops } = request;
  if (!Array.isArray(ops) || ops.length > limits.multi_ops_max) return { type: 'error', code: Code.BADARGUMENTS };
  // Each op sees the earlier ops' effects; on a failure the scratch layer is simply dropped.
  const scratch = new ScratchLayer(view);
  const txns: MultiSubTxn[] = [];
  for (const [index, op] of ops.entries()) {
    let txn: MultiSubTxn;
    try {
      txn = prepMultiOp(scratch, session, op);
    } catch (e) {
      return { type: 'multi', txns: failedMulti(ops.length, index, codeOf(e)) };
    }
    scratch.apply(txn, session.sessionId);
    txns.push(txn);
  }
  return { type: 'multi', txns };
}

/** ZooKeeper's failed multi, as DataTree.processTxn leaves it: every sub-txn an ErrorTxn. */
function failedMulti(count: number, failed: number, code: ErrorCode): ErrorTxn[] {
  return Array.from({ length: count }, (_, i): ErrorTxn => ({
    type: 'error',
    code: i < failed ? Code.OK : i === failed ? code : Code.RUNTIMEINCONSISTENCY,
  }));
}

function codeOf(e: unknown): ErrorCode {
  if (isKeeperError(e)) return e.code;
  throw e;
}
