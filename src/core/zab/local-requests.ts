// Requests that clients submitted at this peer and that still await an answer, per session, in the
// order sent: ZooKeeper's per-session FIFO. A read waits behind the session's earlier writes and
// syncs; a write is answered when its txn is applied here; a sync once the leader's zxid is applied.
// Every answer carries the zxid this peer had applied (a write's: its txn's), ZooKeeper's
// ReplyHeader.zxid, from which clients keep lastZxidSeen.
//
// Connects are answered here too, to the runtime's token: a new session when its createSession txn
// applies; a reattached session (see ZabPeer.connect) like a sync, in the session's FIFO, once this
// peer has applied what the leader had logged when it revalidated the session. The session is then
// checked on this replica: by that point it holds every closeSession the leader had decided on.

import { Code } from '../errors.ts';
import type { Request } from '../requests/request.ts';
import type { Txn } from '../requests/txn.ts';
import type { Reply } from '../requests/reply.ts';
import { refused, type ConnectAnswer } from '../sessions/connect.ts';
import { sessionPassword } from '../sessions/password.ts';
import { NO_SESSION, type SessionId } from '../util/ids.ts';
import type { Zxid } from '../zxid.ts';
import type { ClientReply } from './ready.ts';
import type { StateMachine } from './machine.ts';

interface Pending {
  readonly cxid: number;
  readonly kind: 'write' | 'read' | 'sync';
  /** Absent for a closeSession and a reattach, which are no Requests. */
  readonly request?: Request;
  /** A reattaching connect (kind 'sync'): answered to this runtime token. */
  readonly reattach?: number;
  syncZxid?: Zxid;
}

/** What LocalRequests needs of the core: the replica to read from and a place to put replies. */
export interface ReplySink {
  readonly machine: StateMachine;
  readonly config: { readonly sessionSecret: string };
  reply(r: ClientReply): void;
}

export class LocalRequests {
  private readonly queues = new Map<SessionId, Pending[]>();
  /** Connecting clients without a session yet: txn cxid -> the runtime's token. */
  private readonly connects = new Map<number, number>();

  /** Requests and connects awaiting an answer. */
  get size(): number {
    return this.count + this.connects.size;
  }
  private count = 0;

  add(session: SessionId, cxid: number, kind: Pending['kind'], request?: Request): void {
    this.push(session, request === undefined ? { cxid, kind } : { cxid, kind, request });
  }

  /** A connect whose createSession txn will carry `cxid`; answered to `token`. */
  addConnect(cxid: number, token: number): void {
    this.connects.set(cxid, token);
  }

  /** A connect that reattaches `session`: a sync named `cxid` (set its zxid once known), answered
   * to `token` with the session's terms or SESSIONEXPIRED. */
  addReattach(session: SessionId, cxid: number, token: number): void {
    this.push(session, { cxid, kind: 'sync', reattach: token });
  }

  /** The leader's answer to a sync: it may be answered once `zxid` is applied here. */
  setSyncZxid(session: SessionId, cxid: number, zxid: Zxid): boolean {
    const entry = this.queues.get(session)?.find((p) => p.kind === 'sync' && p.cxid === cxid);
    if (entry === undefined) return false;
    entry.syncZxid = zxid;
    return true;
  }

  onApplied(sink: ReplySink, txn: Txn, reply: Reply): void {
    // Connect cxids are this peer's own (negative, see CoreState.connectCxid): match any body, so
    // an ErrorTxn for a refused connect is answered too.
    const token = txn.header.cxid < 0 ? this.connects.get(txn.header.cxid) : undefined;
    if (token !== undefined) {
      this.connects.delete(txn.header.cxid);
      sink.reply({ session: txn.header.sessionId, cxid: token, reply, zxid: txn.header.zxid, connect: created(sink, txn, reply) });
      return;
    }
    const queue = this.queues.get(txn.header.sessionId);
    if (queue === undefined) return;
    const i = queue.findIndex((p) => p.kind === 'write' && p.cxid === txn.header.cxid);
    if (i < 0) return;
    // Earlier reads and syncs of this session go first; the txn's reply then keeps FIFO order.
    this.drainQueue(sink, txn.header.sessionId, queue);
    const j = queue.findIndex((p) => p.kind === 'write' && p.cxid === txn.header.cxid);
    if (j < 0) return;
    queue.splice(j, 1);
    this.count--;
    sink.reply({ session: txn.header.sessionId, cxid: txn.header.cxid, reply, zxid: txn.header.zxid });
    // Reads sent after this write are answered now, before a later txn of the same run applies:
    // they must see this write and nothing their session sent after them.
    this.drainQueue(sink, txn.header.sessionId, queue);
  }

  /** Answers every head-of-queue read and ready sync. */
  drain(sink: ReplySink): void {
    for (const [session, queue] of this.queues) this.drainQueue(sink, session, queue);
  }

  /** Fails every pending request (the peer stopped serving: ZooKeeper closes the connections). */
  failAll(sink: ReplySink): void {
    const error: Reply = { type: 'error', code: Code.CONNECTIONLOSS };
    const connect = refused(Code.CONNECTIONLOSS, 'the peer stopped serving');
    for (const [session, queue] of this.queues) {
      for (const p of queue) {
        if (p.reattach !== undefined) sink.reply({ session, cxid: p.reattach, reply: error, connect });
        else sink.reply({ session, cxid: p.cxid, reply: error });
      }
    }
    this.queues.clear();
    this.count = 0;
    for (const token of this.connects.values()) sink.reply({ session: NO_SESSION, cxid: token, reply: error, connect });
    this.connects.clear();
  }

  private push(session: SessionId, pending: Pending): void {
    const queue = this.queues.get(session) ?? [];
    queue.push(pending);
    this.queues.set(session, queue);
    this.count++;
  }

  private drainQueue(sink: ReplySink, session: SessionId, queue: Pending[]): void {
    while (queue.length > 0) {
      const head = queue[0];
      if (head === undefined) break;
      const zxid = sink.machine.lastZxid;
      if (head.kind === 'read') {
        if (head.request !== undefined) sink.reply({ session, cxid: head.cxid, reply: sink.machine.read(session, head.request), zxid });
      } else if (head.kind === 'sync' && head.syncZxid !== undefined && zxid >= head.syncZxid) {
        if (head.reattach !== undefined) {
          const connect = reattached(sink, session);
          const reply: Reply = connect.ok ? { type: 'reconnect' } : { type: 'error', code: connect.code };
          sink.reply({ session, cxid: head.reattach, reply, zxid, connect });
        } else {
          const path = head.request?.type === 'sync' ? head.request.path : '/';
          sink.reply({ session, cxid: head.cxid, reply: { type: 'sync', path }, zxid });
        }
      } else {
        break;
      }
      queue.shift();
      this.count--;
    }
    if (queue.length === 0) this.queues.delete(session);
  }
}

/** The answer to a new session's connect, from its applied createSession txn (or ErrorTxn). */
function created(sink: ReplySink, txn: Txn, reply: Reply): ConnectAnswer {
  if (txn.body.type !== 'createSession') {
    return refused(reply.type === 'error' ? reply.code : Code.SYSTEMERROR, 'the leader refused a new session');
  }
  const session = txn.header.sessionId;
  return {
    ok: true,
    session,
    password: sessionPassword(sink.config.sessionSecret, session),
    timeoutMs: txn.body.timeoutMs,
    zxid: txn.header.zxid,
    reattached: false,
  };
}

/** The answer to a reattach, from this replica once it is as new as the leader's revalidation. */
function reattached(sink: ReplySink, session: SessionId): ConnectAnswer {
  const known = sink.machine.sessions?.lookup(session);
  if (known === undefined || known.closing) return refused(Code.SESSIONEXPIRED, 'the session expired or was closed');
  return {
    ok: true,
    session,
    password: sessionPassword(sink.config.sessionSecret, session),
    timeoutMs: known.timeoutMs,
    zxid: sink.machine.lastZxid,
    reattached: true,
  };
}
