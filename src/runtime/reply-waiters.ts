// The promises local clients wait on, matched to the core's replies: requests by (session, cxid),
// connects by the runtime's token (the core answers a connect with cxid = token and `connect` set).
// A reply nobody waits for (a request of a client that gave up) is dropped.

import { Code, KeeperError, type ErrorCode } from '../core/errors.ts';
import type { Reply } from '../core/requests/reply.ts';
import { refused, type ConnectAnswer } from '../core/sessions/connect.ts';
import type { SessionId } from '../core/util/ids.ts';
import type { ClientReply } from '../core/zab/ready.ts';
import type { Zxid } from '../core/zxid.ts';

type Resolve<T> = (value: T) => void;

/** A reply with the zxid it carried (ZooKeeper's ReplyHeader.zxid), when the peer gave one. */
export interface ZxidReply {
  readonly reply: Reply;
  readonly zxid: Zxid | undefined;
}

export class ReplyWaiters {
  /** By session, then cxid (no string key to build per request: this runs for every one). */
  private readonly requests = new Map<SessionId, Map<number, Resolve<ZxidReply>>>();
  private readonly connects = new Map<number, Resolve<ConnectAnswer>>();

  forRequest(session: SessionId, cxid: number): Promise<ZxidReply> {
    let bySession = this.requests.get(session);
    if (bySession === undefined) this.requests.set(session, (bySession = new Map()));
    if (bySession.has(cxid)) {
      return Promise.reject(new KeeperError(Code.BADARGUMENTS, `cxid ${cxid} of session ${session} is already in flight`));
    }
    const waiting = bySession;
    return new Promise((resolve) => waiting.set(cxid, resolve));
  }

  forConnect(token: number): Promise<ConnectAnswer> {
    return new Promise((resolve) => this.connects.set(token, resolve));
  }

  resolve(r: ClientReply): void {
    if (r.connect !== undefined) {
      this.settleConnect(r.cxid, r.connect);
      return;
    }
    const bySession = this.requests.get(r.session);
    const done = bySession?.get(r.cxid);
    if (bySession === undefined || done === undefined) return;
    bySession.delete(r.cxid);
    if (bySession.size === 0) this.requests.delete(r.session);
    done({ reply: r.reply, zxid: r.zxid });
  }

  /** An input that will never reach the core (the peer stopped): answer it now. */
  failInput(input: { readonly kind: string; readonly session?: SessionId; readonly cxid?: number; readonly token?: number }): void {
    if (input.token !== undefined) this.settleConnect(input.token, refused(Code.CONNECTIONLOSS, 'the peer is stopped'));
    else if (input.session !== undefined && input.cxid !== undefined) {
      this.resolve({ session: input.session, cxid: input.cxid, reply: { type: 'error', code: Code.CONNECTIONLOSS } });
    }
  }

  failAll(code: ErrorCode): void {
    const error: Reply = { type: 'error', code };
    const all = [...this.requests.values()];
    this.requests.clear();
    for (const bySession of all) for (const done of bySession.values()) done({ reply: error, zxid: undefined });
    for (const [token] of this.connects) this.settleConnect(token, refused(code, 'the peer stopped'));
  }

  private settleConnect(token: number, answer: ConnectAnswer): void {
    const done = this.connects.get(token);
    if (done === undefined) return;
    this.connects.delete(token);
    done(answer);
  }
}
