// Error codes for clients that do not know them. ZooKeeper has added codes over the years, and
// older clients fail on a code they cannot name (kazoo 2.8 raises inside its reader thread and the
// call hangs; node-zookeeper-client 1.x knows even fewer). A gateway in 'legacy' mode (the TCP
// port, where any ZooKeeper client may connect) rewrites codes newer than ZooKeeper 3.4 to the
// nearest old one, and everything else meshkeeper cannot express to UNIMPLEMENTED, as
// ZOOKEEPER.md prescribes; 'exact' mode (meshkeeper's own client) passes every code through.
// Replies to operations only newer clients send (removeWatches, checkWatches) keep their codes:
// a client that sends them knows NOWATCHER.

import { Code, type ErrorCode } from '../core/errors.ts';
import { OpCode } from '../codec/jute/opcodes.ts';

export type ErrorCodeMode = 'legacy' | 'exact';

/** The codes kazoo 2.8 names (ZooKeeper 3.4's list plus the reconfig ones). */
const LEGACY_CODES: ReadonlySet<number> = new Set([
  Code.OK, Code.SYSTEMERROR, Code.RUNTIMEINCONSISTENCY, Code.DATAINCONSISTENCY, Code.CONNECTIONLOSS,
  Code.MARSHALLINGERROR, Code.UNIMPLEMENTED, Code.OPERATIONTIMEOUT, Code.BADARGUMENTS, Code.NEWCONFIGNOQUORUM,
  Code.RECONFIGINPROGRESS, Code.APIERROR, Code.NONODE, Code.NOAUTH, Code.BADVERSION, Code.NOCHILDRENFOREPHEMERALS,
  Code.NODEEXISTS, Code.NOTEMPTY, Code.SESSIONEXPIRED, Code.INVALIDCALLBACK, Code.INVALIDACL, Code.AUTHFAILED,
  Code.SESSIONMOVED, Code.NOTREADONLY,
]);

/** Newer codes with an old one that means nearly the same to a client. */
const NEAREST: ReadonlyMap<number, ErrorCode> = new Map<number, ErrorCode>([
  [Code.UNKNOWNSESSION, Code.SESSIONEXPIRED],
  [Code.REQUESTTIMEOUT, Code.OPERATIONTIMEOUT],
]);

const NEWER_CLIENT_OPS: ReadonlySet<number> = new Set([OpCode.removeWatches, OpCode.checkWatches]);

/** The code map for replies to `opcode` (see replies.ts CodeMap). */
export function codeMapFor(mode: ErrorCodeMode, opcode: number): (code: ErrorCode) => number {
  if (mode === 'exact' || NEWER_CLIENT_OPS.has(opcode)) return (code) => code;
  return legacyCode;
}

export function legacyCode(code: ErrorCode): number {
  if (LEGACY_CODES.has(code)) return code;
  return NEAREST.get(code) ?? Code.UNIMPLEMENTED;
}
