// The promises local clients wait on, matched to the core's replies: requests by (session, cxid),
// connects by the runtime's token (the core answers a connect with cxid = token and the new
// session). A reply nobody waits for (a request of a client that gave up) is dropped.

import { Code, KeeperError, type ErrorCode } from '../core/errors.ts';
import type { Reply } from '../core/requests/reply.ts';
import type { SessionId } from '../core/util/ids.ts';
import type { ClientReply } from '../core/zab/ready.ts';

type Resolve<T> = (value: T) => void;
export interface ConnectAnswer {
  readonly session: SessionId;
  readonly reply: Reply;
}

const key = (session: SessionId, cxid: number): string => `${session}/${cxid}`;

export class ReplyWaiters {
  private readonly requests = new Map<string, Resolve<Reply>>();
  private readonly connects = new Map<number, Resolve<ConnectAnswer>>();

  forRequest(session: SessionId, cxid: number): Promise<Reply> {
    const k = key(session, cxid);
    if (this.requests.has(k)) {
      return Promise.reject(new KeeperError(Code.BADARGUMENTS, `cxid ${cxid} of session ${session} is already in flight`));
    }
    return new Promise((resolve) => this.requests.set(k, resolve));
  }

  forConnect(token: number): Promise<ConnectAnswer> {
    return new Promise((resolve) => this.connects.set(token, resolve));
  }

  resolve(r: ClientReply): void {
    // A connect's answer carries the token as cxid; a session's own cxids never collide with it
    // because connect answers come from createSession txns the core matched to the token.
    if (r.reply.type === 'createSession' || (this.connects.has(r.cxid) && !this.requests.has(key(r.session, r.cxid)))) {
      const done = this.connects.get(r.cxid);
      if (done !== undefined) {
        this.connects.delete(r.cxid);
        done({ session: r.session, reply: r.reply });
        return;
      }
    }
    const k = key(r.session, r.cxid);
    const done = this.requests.get(k);
    if (done === undefined) return;
    this.requests.delete(k);
    done(r.reply);
  }

  /** An input that will never reach the core (the peer stopped): answer it now. */
  failInput(input: { readonly kind: string; readonly session?: SessionId; readonly cxid?: number; readonly token?: number }): void {
    const error: Reply = { type: 'error', code: Code.CONNECTIONLOSS };
    if (input.token !== undefined) this.settleConnect(input.token, error);
    else if (input.session !== undefined && input.cxid !== undefined) this.resolve({ session: input.session, cxid: input.cxid, reply: error });
  }

  failAll(code: ErrorCode): void {
    const error: Reply = { type: 'error', code };
    for (const done of this.requests.values()) done(error);
    this.requests.clear();
    for (const [token] of this.connects) this.settleConnect(token, error);
  }

  private settleConnect(token: number, reply: Reply): void {
    const done = this.connects.get(token);
    if (done === undefined) return;
    this.connects.delete(token);
    done({ session: 0 as SessionId, reply });
  }
}
