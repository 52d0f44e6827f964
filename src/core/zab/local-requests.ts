// Requests that clients submitted at this peer and that still await an answer, per session, in the
// order sent: ZooKeeper's per-session FIFO. A read waits behind the session's earlier writes and
// syncs; a write is answered when its txn is applied here; a sync once the leader's zxid is applied.

import { Code } from '../errors.ts';
import type { Request } from '../requests/request.ts';
import type { Txn } from '../requests/txn.ts';
import type { Reply } from '../requests/reply.ts';
import { NO_SESSION, type SessionId } from '../util/ids.ts';
import type { Zxid } from '../zxid.ts';
import type { ClientReply } from './ready.ts';
import type { StateMachine } from './machine.ts';

interface Pending {
  readonly cxid: number;
  readonly kind: 'write' | 'read' | 'sync';
  /** Absent for a closeSession, which is no Request. */
  readonly request?: Request;
  syncZxid?: Zxid;
}

/** What LocalRequests needs of the core: the replica to read from and a place to put replies. */
export interface ReplySink {
  readonly machine: StateMachine;
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
    const queue = this.queues.get(session) ?? [];
    queue.push(request === undefined ? { cxid, kind } : { cxid, kind, request });
    this.queues.set(session, queue);
    this.count++;
  }

  /** A connect whose createSession txn will carry `cxid`; answered to `token`. */
  addConnect(cxid: number, token: number): void {
    this.connects.set(cxid, token);
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
      sink.reply({ session: txn.header.sessionId, cxid: token, reply, zxid: txn.header.zxid });
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
  }

  /** Answers every head-of-queue read and ready sync. */
  drain(sink: ReplySink): void {
    for (const [session, queue] of this.queues) this.drainQueue(sink, session, queue);
  }

  /** Fails every pending request (the peer stopped serving: ZooKeeper closes the connections). */
  failAll(sink: ReplySink): void {
    for (const [session, queue] of this.queues) {
      for (const p of queue) sink.reply({ session, cxid: p.cxid, reply: { type: 'error', code: Code.CONNECTIONLOSS } });
    }
    this.queues.clear();
    this.count = 0;
    for (const token of this.connects.values()) {
      sink.reply({ session: NO_SESSION, cxid: token, reply: { type: 'error', code: Code.CONNECTIONLOSS } });
    }
    this.connects.clear();
  }

  private drainQueue(sink: ReplySink, session: SessionId, queue: Pending[]): void {
    while (queue.length > 0) {
      const head = queue[0];
      if (head === undefined) break;
      if (head.kind === 'read') {
        if (head.request !== undefined) sink.reply({ session, cxid: head.cxid, reply: sink.machine.read(session, head.request) });
      } else if (head.kind === 'sync' && head.syncZxid !== undefined && sink.machine.lastZxid >= head.syncZxid) {
        const path = head.request?.type === 'sync' ? head.request.path : '/';
        sink.reply({ session, cxid: head.cxid, reply: { type: 'sync', path } });
      } else {
        break;
      }
      queue.shift();
      this.count--;
    }
    if (queue.length === 0) this.queues.delete(session);
  }
}
