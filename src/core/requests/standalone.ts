// StandaloneTree: one in-process replica without consensus, for tests, the demo and benchmarks. It
// runs the real pipeline the leader runs (prep against pending changes, a zxid, final, retire) with
// every write committed at once, and answers reads, session requests and sync from its own tree.
// Deterministic: time comes in with each call, session ids and zxids are handed out in order, and
// watch events collect in `events` (drain them with takeEvents) in the order they fired.

import type { Id } from '../acl/types.ts';
import { Code } from '../errors.ts';
import { DataTree } from '../tree/data-tree.ts';
import { assert } from '../util/assert.ts';
import type { SessionId } from '../util/ids.ts';
import { asSessionId, NO_SESSION } from '../util/ids.ts';
import { limits } from '../util/limits.ts';
import { WatchRegistry } from '../watches/registry.ts';
import type { Zxid } from '../zxid.ts';
import { counterExhausted, makeZxid, nextZxid } from '../zxid.ts';
import { final } from './final.ts';
import { PendingChanges } from './pending-changes.ts';
import type { Delivery } from './ports.ts';
import { prep, prepCloseSession, prepCreateSession, prepSweep } from './prep.ts';
import { read } from './read.ts';
import type { Reply } from './reply.ts';
import type { Request } from './request.ts';
import { isWriteRequest } from './request.ts';
import type { SessionContext } from './session-context.ts';
import { sessionOp } from './session-ops.ts';
import { setWatches } from './set-watches.ts';
import type { TxnBody } from './txn.ts';

export interface OpenSessionOptions {
  /** Ids the connection proves by itself, e.g. `ip:127.0.0.1`. */
  readonly ids?: readonly Id[];
  readonly timeoutMs?: number;
}

export class StandaloneTree {
  readonly tree = new DataTree();
  readonly watches = new WatchRegistry();
  /** Watch events not yet taken, in firing order. */
  readonly events: Delivery[] = [];
  private readonly pending = new PendingChanges(this.tree);
  private readonly sessions = new Map<SessionId, SessionContext>();
  private lastSessionId = 0;
  private cxid = 0;
  private zxid: Zxid;

  constructor(epoch = 1) {
    this.zxid = makeZxid(epoch, 0);
  }

  get lastZxid(): Zxid {
    return this.zxid;
  }

  /** Opens a session through a createSession txn, as the leader would. */
  openSession(time: number, options: OpenSessionOptions = {}): SessionId {
    assert(this.sessions.size < limits.sessions_max, 'standalone tree: too many sessions');
    const sessionId = asSessionId(++this.lastSessionId);
    this.sessions.set(sessionId, { sessionId, ids: options.ids ?? [] });
    this.commit(sessionId, prepCreateSession(options.timeoutMs ?? 30_000), time);
    return sessionId;
  }

  /** Closes (or expires) a session: its ephemerals and watches go. */
  closeSession(session: SessionId, time: number): Reply {
    if (!this.sessions.has(session)) return { type: 'error', code: Code.SESSIONEXPIRED };
    const reply = this.commit(session, prepCloseSession(), time);
    this.sessions.delete(session);
    return reply;
  }

  /** The session's context (its authenticated ids), or undefined once closed. */
  session(session: SessionId): SessionContext | undefined {
    return this.sessions.get(session);
  }

  submit(session: SessionId, request: Request, time: number): Reply {
    const context = this.sessions.get(session);
    if (context === undefined) return { type: 'error', code: Code.SESSIONEXPIRED };
    if (isWriteRequest(request)) return this.commit(session, prep(this.pending, context, request, time), time);
    switch (request.type) {
      case 'sync':
        return { type: 'sync', path: request.path };
      case 'setWatches':
        // The events that fire at once travel in the reply (see SetWatchesReply).
        return setWatches(this.tree, this.watches, context, request);
      case 'addWatch':
      case 'removeWatches':
      case 'checkWatches':
      case 'auth':
      case 'whoAmI': {
        const result = sessionOp(this.watches, context, request);
        this.sessions.set(session, result.session);
        this.events.push(...result.deliveries);
        return result.reply;
      }
      default:
        return read(this.tree, this.watches, context, request);
    }
  }

  /** The leader's container and TTL sweep at `time`; returns how many nodes it deleted. */
  sweep(time: number): number {
    const candidates = [...this.tree.containerCandidates(), ...this.tree.expiredTtlNodes(time)];
    const txns = prepSweep(this.pending, candidates);
    for (const txn of txns) this.commit(NO_SESSION, txn, time);
    return txns.length;
  }

  takeEvents(): Delivery[] {
    return this.events.splice(0, this.events.length);
  }

  digest(): number {
    return this.tree.digest();
  }

  private commit(session: SessionId, body: TxnBody, time: number): Reply {
    this.pending.record(this.advance(), body, session);
    return this.apply(session, body, time);
  }

  private advance(): Zxid {
    assert(!counterExhausted(this.zxid), 'standalone tree: zxid counter exhausted');
    this.zxid = nextZxid(this.zxid);
    return this.zxid;
  }

  private apply(session: SessionId, body: TxnBody, time: number): Reply {
    const txn = { header: { sessionId: session, cxid: ++this.cxid, zxid: this.zxid, time }, body };
    const { reply, deliveries } = final(this.tree, this.watches, txn);
    // Nothing here is a replay: a txn that prep let through must apply (prep and tree agree).
    assert(succeeded(body) === succeeded(reply), `prepped ${body.type} did not apply: ${JSON.stringify(reply)}`);
    this.pending.retire(this.zxid);
    this.events.push(...deliveries);
    return reply;
  }
}

function succeeded(outcome: TxnBody | Reply): boolean {
  if (outcome.type === 'error') return false;
  if (outcome.type === 'multi') {
    const parts: readonly { type: string }[] = 'txns' in outcome ? outcome.txns : outcome.results;
    return parts.every((part) => part.type !== 'error');
  }
  return true;
}
