// A SessionLink over ZooKeeper's wire protocol (jute packets with a length prefix): what a Client
// uses to reach a peer in another process, through a WebSocket (ws-opener.ts) or any channel that
// carries bytes both ways in order. It speaks exactly what kazoo or the Java client speak. (Not to
// an Apache ZooKeeper server, though: its session ids use all 64 bits, beyond the 2^53 that
// meshkeeper's ids keep exact, and the codec refuses them with a CodecError.)
//
// Replies come back in request order, so the link keeps one FIFO of what it is owed (requests,
// pings, closeSession) and matches each reply to its head, checking the xid; a notification
// (xid -1) goes to the watch listener at once, which is before the reply of the request whose txn
// triggered it, as the server writes them in that order. xids: a request's cxid, except auth (-4)
// and setWatches (-8), which ZooKeeper's servers single out, and pings (-2).
//
// The link is lost (onLost, once) when the channel closes or a packet from the server does not
// parse or does not match; everything owed is then answered CONNECTIONLOSS. A server closes the
// connection of an expired session without saying so, which reads as a plain loss here; the next
// connect learns the session expired (ZooKeeper's ConnectResponse with timeOut 0).

import { PacketSplitter } from '../codec/jute/frames.ts';
import { PROTOCOL_VERSION, Xid } from '../codec/jute/opcodes.ts';
import {
  decodeConnectResponse, decodeServerPacket, encodeCloseSession, encodeConnectRequest, encodePing,
  encodeRequestPacket,
} from '../codec/jute/packets.ts';
import type { ConnectResponse } from '../codec/jute/records.ts';
import type { ReplyShape } from '../codec/jute/requests.ts';
import { Code, codeName, KeeperError, type ErrorCode } from '../core/errors.ts';
import type { Reply } from '../core/requests/reply.ts';
import type { Request } from '../core/requests/request.ts';
import { refused, type ConnectAnswer, type ConnectRequest } from '../core/sessions/connect.ts';
import { asSessionId } from '../core/util/ids.ts';
import type { WatchedEvent } from '../core/watches/events.ts';
import { ZXID_ZERO, type Zxid } from '../core/zxid.ts';
import type { LinkLoss, LinkReply, SessionLink } from './session-link.ts';

/** An ordered, reliable byte channel to a server (a WebSocket, a TCP socket). */
export interface PacketChannel {
  /** Sends bytes (whole framed packets). */
  send(bytes: Uint8Array): void;
  /** Closes the channel; the onClose listener is not called for a close asked for here. */
  close(): void;
  onData(listener: (bytes: Uint8Array) => void): void;
  /** The channel closed or failed on its own. */
  onClose(listener: (reason: string) => void): void;
}

const LOST: LinkReply = { reply: { type: 'error', code: Code.CONNECTIONLOSS } };

/** What the link is owed, in the order the server answers. */
type Owed =
  | { readonly kind: 'reply'; readonly xid: number; readonly shape: ReplyShape; readonly resolve: (r: LinkReply) => void }
  | { readonly kind: 'ping'; readonly resolve: () => void; readonly reject: (e: Error) => void }
  | { readonly kind: 'close'; readonly xid: number; readonly resolve: (r: LinkReply) => void };

export class WireLink implements SessionLink {
  private readonly splitter = new PacketSplitter();
  private readonly owed: Owed[] = [];
  private state: 'new' | 'connecting' | 'open' | 'gone' = 'new';
  private handshake: ((packet: Uint8Array | undefined, reason: string) => void) | undefined;
  private watchListener: ((event: WatchedEvent) => void) | undefined;
  private lostListener: ((loss: LinkLoss) => void) | undefined;

  constructor(private readonly channel: PacketChannel) {
    channel.onData((bytes) => this.receive(bytes));
    channel.onClose((reason) => this.drop(`the connection closed: ${reason}`));
  }

  /** True once the link is lost or closed. */
  get closed(): boolean {
    return this.state === 'gone';
  }

  connect(request: ConnectRequest): Promise<ConnectAnswer> {
    if (this.state !== 'new') return Promise.resolve(refused(Code.CONNECTIONLOSS, 'the link was used already'));
    this.state = 'connecting';
    const session = request.session ?? 0;
    const seen = request.lastZxidSeen ?? ZXID_ZERO;
    return new Promise<ConnectAnswer>((resolve) => {
      this.handshake = (packet, reason) => {
        this.handshake = undefined;
        if (packet === undefined) return resolve(refused(Code.CONNECTIONLOSS, reason));
        let r: ConnectResponse;
        try {
          r = decodeConnectResponse(packet);
        } catch (error) {
          resolve(refused(Code.CONNECTIONLOSS, 'a malformed ConnectResponse'));
          throw error; // receive() drops the link
        }
        // ZooKeeper answers an expired (or unknown, or wrongly passworded) session with timeOut 0.
        if (r.timeOut <= 0 || r.sessionId === 0) {
          this.close();
          return resolve(refused(Code.SESSIONEXPIRED, 'the server says the session expired'));
        }
        this.state = 'open';
        resolve({
          ok: true,
          session: asSessionId(r.sessionId),
          password: r.passwd,
          timeoutMs: r.timeOut,
          // The handshake carries no zxid: the first reply's header brings the peer's.
          zxid: seen,
          reattached: session !== 0,
        });
      };
      this.channel.send(encodeConnectRequest({
        protocolVersion: PROTOCOL_VERSION,
        lastZxidSeen: seen,
        timeOut: request.timeoutMs,
        sessionId: session,
        passwd: request.password ?? new Uint8Array(16),
        readOnly: false,
      }));
    });
  }

  send(cxid: number, request: Request): Promise<LinkReply> {
    if (this.state !== 'open') return Promise.resolve(LOST);
    const xid = request.type === 'auth' ? Xid.auth : request.type === 'setWatches' ? Xid.setWatches : cxid;
    const { bytes, shape } = encodeRequestPacket(xid, request);
    return new Promise((resolve) => {
      this.owed.push({ kind: 'reply', xid, shape, resolve });
      this.channel.send(bytes);
    });
  }

  ping(): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new KeeperError(Code.CONNECTIONLOSS, 'the link is lost'));
    return new Promise((resolve, reject) => {
      this.owed.push({ kind: 'ping', resolve, reject });
      this.channel.send(encodePing());
    });
  }

  async closeSession(cxid: number): Promise<LinkReply> {
    if (this.state !== 'open') return LOST;
    const reply = await new Promise<LinkReply>((resolve) => {
      this.owed.push({ kind: 'close', xid: cxid, resolve });
      this.channel.send(encodeCloseSession(cxid));
    });
    this.close();
    return reply;
  }

  close(): void {
    if (this.state === 'gone') return;
    this.state = 'gone';
    this.channel.close();
    this.handshake?.(undefined, 'the link was closed');
    for (const o of this.owed.splice(0)) {
      if (o.kind === 'ping') o.reject(new KeeperError(Code.CONNECTIONLOSS, 'the link is lost'));
      else o.resolve(LOST);
    }
  }

  onWatch(listener: (event: WatchedEvent) => void): void {
    this.watchListener = listener;
  }

  onLost(listener: (loss: LinkLoss) => void): void {
    this.lostListener = listener;
  }

  private receive(bytes: Uint8Array): void {
    if (this.state === 'gone') return;
    try {
      for (const packet of this.splitter.push(bytes)) {
        if (this.handshake !== undefined) this.handshake(packet, '');
        else this.packet(packet);
        if (this.closed) return;
      }
    } catch (error) {
      this.drop(`a bad packet from the server: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private packet(payload: Uint8Array): void {
    const packet = decodeServerPacket(payload);
    if (packet.kind === 'notification') {
      this.watchListener?.(packet.event);
      return;
    }
    const head = this.owed.shift();
    if (head === undefined) throw new Error(`a reply (xid ${packet.xid}) to nothing asked`);
    const zxid = packet.zxid >= 0 ? (packet.zxid as Zxid) : undefined;
    switch (head.kind) {
      case 'ping':
        if (packet.xid !== Xid.ping) throw new Error(`xid ${packet.xid} where a ping's answer was due`);
        head.resolve();
        return;
      case 'close':
        if (packet.xid !== head.xid) throw new Error(`xid ${packet.xid} where closeSession's ${head.xid} was due`);
        head.resolve({ reply: closeReply(packet.err), zxid });
        return;
      case 'reply':
        if (packet.xid !== head.xid) throw new Error(`xid ${packet.xid} where ${head.xid} was due`);
        head.resolve({ reply: packet.body.read(head.shape), zxid });
        return;
    }
  }

  private drop(reason: string): void {
    if (this.state === 'gone') return;
    this.close();
    this.lostListener?.({ expired: false, reason });
  }
}

function closeReply(err: number): Reply {
  if (err === 0) return { type: 'closeSession' };
  return { type: 'error', code: codeName(err) === undefined ? Code.SYSTEMERROR : (err as ErrorCode) };
}
