// A SessionLink to a Peer in the same process (a test ensemble, or a tab that runs its own peer).
// It behaves as a socket to that peer would: it is lost when the peer stops or fails, when the
// peer stops serving (a peer that leaves BROADCAST drops its clients, as ZooKeeper's does), when
// the peer answers CONNECTIONLOSS, and when the session's closeSession applies at the peer
// (`expired: true`). break() stands in for a network failure while the peer keeps running.

import { Code, KeeperError } from '../core/errors.ts';
import type { Request } from '../core/requests/request.ts';
import { refused, type ConnectAnswer, type ConnectRequest } from '../core/sessions/connect.ts';
import type { PeerId, SessionId } from '../core/util/ids.ts';
import type { WatchedEvent } from '../core/watches/events.ts';
import type { Peer } from '../runtime/peer.ts';
import type { LinkLoss, LinkOpener, LinkReply, SessionLink } from './session-link.ts';

const LOST: LinkReply = { reply: { type: 'error', code: Code.CONNECTIONLOSS } };

export class LocalLink implements SessionLink {
  private session: SessionId | undefined;
  private gone = false;
  private watchListener: ((event: WatchedEvent) => void) | undefined;
  private lostListener: ((loss: LinkLoss) => void) | undefined;
  private readonly pending = new Map<number, (r: LinkReply) => void>();
  private readonly offs: (() => void)[] = [];

  constructor(readonly peer: Peer) {
    this.offs.push(
      peer.events.on((e) => {
        if (e.type === 'stopped' || e.type === 'failed') this.drop({ expired: false, reason: `peer ${peer.id} ${e.type}` });
        else if (e.type === 'role' && e.role === 'LOOKING') this.drop({ expired: false, reason: `peer ${peer.id} stopped serving` });
      }),
    );
  }

  /** True once the link is lost or closed. */
  get closed(): boolean {
    return this.gone;
  }

  async connect(request: ConnectRequest): Promise<ConnectAnswer> {
    if (this.gone || !this.peer.running) return refused(Code.CONNECTIONLOSS, `peer ${this.peer.id} is not reachable`);
    const answer = await this.peer.connect(request);
    if (!answer.ok || this.gone) return answer;
    const session = answer.session;
    this.session = session;
    this.offs.push(
      this.peer.onWatch(session, (event) => {
        if (!this.gone) this.watchListener?.(event);
      }),
      this.peer.onClosed(session, () => this.drop({ expired: true, reason: 'the session was closed or expired' })),
    );
    return answer;
  }

  send(cxid: number, request: Request): Promise<LinkReply> {
    const session = this.session;
    if (this.gone || session === undefined) return Promise.resolve(LOST);
    return new Promise((resolve) => {
      this.pending.set(cxid, resolve);
      void this.peer.call(session, cxid, request).then(
        (r) => this.settle(cxid, resolve, { reply: r.reply, zxid: r.zxid }),
        () => this.settle(cxid, resolve, LOST),
      );
    });
  }

  async ping(): Promise<void> {
    const session = this.session;
    if (this.gone || session === undefined || !this.peer.running) throw new KeeperError(Code.CONNECTIONLOSS, 'the link is lost');
    this.peer.ping(session);
  }

  async closeSession(cxid: number): Promise<LinkReply> {
    const session = this.session;
    if (this.gone || session === undefined) return LOST;
    const reply = await this.peer.closeSession(session, cxid);
    this.close();
    return { reply };
  }

  close(): void {
    if (this.gone) return;
    this.gone = true;
    for (const off of this.offs.splice(0)) off();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of pending) resolve(LOST);
  }

  onWatch(listener: (event: WatchedEvent) => void): void {
    this.watchListener = listener;
  }

  onLost(listener: (loss: LinkLoss) => void): void {
    this.lostListener = listener;
  }

  /** The network between client and peer fails (the peer keeps running). */
  break(reason = 'the link broke'): void {
    this.drop({ expired: false, reason });
  }

  private settle(cxid: number, resolve: (r: LinkReply) => void, r: LinkReply): void {
    if (this.pending.get(cxid) !== resolve) return; // lost meanwhile: answered CONNECTIONLOSS already
    this.pending.delete(cxid);
    resolve(r);
    if (r.reply.type === 'error' && r.reply.code === Code.CONNECTIONLOSS) this.drop({ expired: false, reason: 'the peer dropped the connection' });
  }

  private drop(loss: LinkLoss): void {
    if (this.gone) return;
    this.close();
    this.lostListener?.(loss);
  }
}

/**
 * Opens LocalLinks to the peers `lookup` finds by id; a missing or stopped peer is unreachable
 * (CONNECTIONLOSS). `onOpen` sees every link opened (tests break them).
 */
export function localOpener(lookup: (id: PeerId) => Peer | undefined, onOpen?: (link: LocalLink) => void): LinkOpener<PeerId> {
  return async (id) => {
    const peer = lookup(id);
    if (peer === undefined || !peer.running) throw new KeeperError(Code.CONNECTIONLOSS, `peer ${id} is not reachable`);
    const link = new LocalLink(peer);
    onOpen?.(link);
    return link;
  };
}
