// The real replicated state machine: the DataTree driven by the request pipeline, plus the session
// table. The leader preps writes against PendingChanges (the tree plus proposals not yet applied)
// after checking the session (SESSIONEXPIRED becomes an ErrorTxn, as in ZooKeeper's prep); every
// replica runs final in zxid order, applies createSession/closeSession to its session table, and
// retires what it applied. Reads, watches and session requests are answered from the local tree
// and watch registry. A snapshot is the tree's bytes followed by the session table's.
// Authenticated ids are known where the client is connected; a forwarded write carries them to the
// leader, which preps it with them (ZooKeeper's QuorumPacket.authinfo).

import type { Id } from '../acl/types.ts';
import { Code, isKeeperError } from '../errors.ts';
import { final } from '../requests/final.ts';
import { PendingChanges } from '../requests/pending-changes.ts';
import { prep, prepSweep } from '../requests/prep.ts';
import { read } from '../requests/read.ts';
import type { Reply } from '../requests/reply.ts';
import { isWriteRequest, type Request, type WriteRequest } from '../requests/request.ts';
import { sessionContext, type SessionContext } from '../requests/session-context.ts';
import { sessionOp } from '../requests/session-ops.ts';
import { setWatches } from '../requests/set-watches.ts';
import type { Txn, TxnBody, TxnHeader } from '../requests/txn.ts';
import type { SessionTimeoutConfig } from '../sessions/negotiate.ts';
import { SessionTable } from '../sessions/session-table.ts';
import { DataTree } from '../tree/data-tree.ts';
import { deserializeTree, serializeTree } from '../tree/snapshot.ts';
import type { PeerId, SessionId } from '../util/ids.ts';
import { WatchRegistry } from '../watches/registry.ts';
import type { Zxid } from '../zxid.ts';
import type { ApplyResult, SessionPort, StateMachine, StateMachineFactory } from './machine.ts';

/** A factory for tree machines whose sessions follow `config`'s timeout bounds. */
export function treeMachineFactory(config: SessionTimeoutConfig): StateMachineFactory {
  return (snapshot) => new TreeMachine(config, snapshot?.bytes);
}

export class TreeMachine implements StateMachine {
  readonly tree: DataTree;
  readonly watches = new WatchRegistry();
  readonly table: SessionTable;
  readonly sessions: SessionPort;
  private readonly pending: PendingChanges;
  private readonly contexts = new Map<SessionId, SessionContext>();

  constructor(config: SessionTimeoutConfig, snapshot?: Uint8Array) {
    if (snapshot === undefined) {
      this.tree = new DataTree();
      this.table = new SessionTable(config);
    } else {
      const [treeBytes, sessionBytes] = unframe(snapshot);
      this.tree = deserializeTree(treeBytes);
      this.table = SessionTable.deserialize(sessionBytes, config, 0);
    }
    this.pending = new PendingChanges(this.tree);
    this.sessions = sessionPort(this.table);
  }

  get lastZxid(): Zxid {
    return this.tree.lastZxid;
  }

  apply(txn: Txn, nowTick: number): ApplyResult {
    const { reply, deliveries } = final(this.tree, this.watches, txn);
    this.pending.retire(txn.header.zxid);
    if (txn.body.type === 'createSession') this.table.applyCreate(txn.header.sessionId, txn.body.timeoutMs, nowTick);
    if (txn.body.type === 'closeSession') {
      this.table.applyClose(txn.header.sessionId);
      this.contexts.delete(txn.header.sessionId);
    }
    return { reply, deliveries };
  }

  prep(header: TxnHeader, request: WriteRequest, origin: PeerId, authIds?: readonly Id[]): TxnBody {
    const context = authIds === undefined ? this.context(header.sessionId) : sessionContext(header.sessionId, authIds);
    const body = this.checkSession(header.sessionId, origin) ?? prep(this.pending, context, request, header.time);
    this.pending.record(header.zxid, body, header.sessionId);
    return body;
  }

  authIds(session: SessionId): readonly Id[] {
    return this.context(session).ids;
  }

  /** Leader: records a txn the core built itself (createSession, closeSession). */
  record(header: TxnHeader, body: TxnBody): void {
    this.pending.record(header.zxid, body, header.sessionId);
  }

  clearPending(): void {
    this.pending.clear();
  }

  sweep(timeMs: number): readonly TxnBody[] {
    return prepSweep(this.pending, [...this.tree.containerCandidates(), ...this.tree.expiredTtlNodes(timeMs)]);
  }

  read(session: SessionId, request: Request): Reply {
    if (isWriteRequest(request) || request.type === 'sync') return { type: 'error', code: Code.BADARGUMENTS };
    const context = this.context(session);
    switch (request.type) {
      case 'setWatches':
        return setWatches(this.tree, this.watches, context, request);
      case 'addWatch':
      case 'removeWatches':
      case 'checkWatches':
      case 'auth':
      case 'whoAmI': {
        const result = sessionOp(this.watches, context, request);
        this.contexts.set(session, result.session);
        return result.reply;
      }
      default:
        return read(this.tree, this.watches, context, request);
    }
  }

  digest(): string {
    return String(this.tree.digest());
  }

  serialize(): Uint8Array {
    return frame(serializeTree(this.tree), this.table.serialize());
  }

  private checkSession(session: SessionId, origin: PeerId): TxnBody | undefined {
    try {
      this.table.checkSession(session, origin);
      return undefined;
    } catch (e) {
      if (isKeeperError(e)) return { type: 'error', code: e.code };
      throw e;
    }
  }

  private context(session: SessionId): SessionContext {
    return this.contexts.get(session) ?? sessionContext(session);
  }
}

function sessionPort(table: SessionTable): SessionPort {
  return {
    lead: (epoch, nowTick) => table.lead(epoch, nowTick),
    stopLeading: () => table.stopLeading(),
    create: (timeoutMs, nowTick, owner) => table.createSession(timeoutMs, nowTick, owner),
    revalidate: (session, owner) => {
      try {
        table.setOwner(session, owner);
        return true;
      } catch (e) {
        if (isKeeperError(e)) return false;
        throw e;
      }
    },
    lookup: (session) => {
      const s = table.get(session);
      return s === undefined ? undefined : { timeoutMs: s.timeoutMs, closing: s.closing };
    },
    touch: (session, nowTick) => table.touch(session, nowTick),
    markClosing: (session) => table.markClosing(session),
    expired: (nowTick) => table.expired(nowTick),
  };
}

/** Two byte strings as one: u32 length of the first, the first, the second. */
function frame(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + a.length + b.length);
  new DataView(out.buffer).setUint32(0, a.length);
  out.set(a, 4);
  out.set(b, 4 + a.length);
  return out;
}

function unframe(bytes: Uint8Array): [Uint8Array, Uint8Array] {
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  return [bytes.subarray(4, 4 + n), bytes.subarray(4 + n)];
}
