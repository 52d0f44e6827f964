// ZooKeeper's client protocol served by a Peer: a gateway turns each client connection (a stream of
// length-prefixed jute packets in both directions, over TCP or a WebSocket) into calls on the Peer.
// Platform-free: a listener (src/server/zk-server.ts, ws-client-server.ts) hands it a ClientSocket
// and the bytes it receives.
//
// One connection, in order: a ConnectRequest -> peer.connect -> a ConnectResponse (packets that
// arrive meanwhile wait, as Java clients send SetWatches and auth right behind the handshake); then
// each packet is a request (peer.call with a cxid the gateway picks: client xids repeat, -4 and -8
// are shared), a ping (xid -2), a SetWatches (xid -8, its immediate events sent as notifications
// first) or closeSession. Replies leave in the order the requests came (Java clients check xid
// order), each with its zxid. Watch events are written the moment the peer delivers them, which is
// before the reply of the request whose txn triggered them: the peer delivers a Ready's events
// synchronously and resolves its replies after, and a reply is written from the promise's own
// reaction, so it never falls behind an event of a later Ready. What one turn of the event loop
// writes to a connection leaves as one send (write-coalescer.ts): a WebSocket message may hold
// several packets, each with its length.
//
// The gateway closes a connection, never the peer, when: a packet is malformed (logged), the
// client is silent for its session timeout, an auth fails (after its AUTHFAILED reply, as
// ZooKeeper does), the session is closed or expired (peer.onClosed),
// the handshake is refused (SESSIONEXPIRED gets ZooKeeper's "expired" ConnectResponse first), or
// the peer stops serving (ZooKeeper closes every client connection when it leaves the quorum; the
// client reconnects elsewhere). Closing a connection leaves its session alone.

import { CodecError } from '../codec/codec-error.ts';
import { PacketSplitter } from '../codec/jute/frames.ts';
import { OpCode, PROTOCOL_VERSION, SESSION_PASSWD_BYTES } from '../codec/jute/opcodes.ts';
import {
  decodeClientPacket, decodeConnectRequest, encodeConnectResponse, encodeHeaderOnly, encodeNotification,
  encodeReplyPacket, type ClientPacket,
} from '../codec/jute/packets.ts';
import type { ReplyShape } from '../codec/jute/requests.ts';
import { Code, codeName } from '../core/errors.ts';
import type { Reply } from '../core/requests/reply.ts';
import type { ConnectAnswer } from '../core/sessions/connect.ts';
import { asSessionId, type SessionId } from '../core/util/ids.ts';
import { limits } from '../core/util/limits.ts';
import type { Zxid } from '../core/zxid.ts';
import type { Clock } from './clock.ts';
import { codeMapFor, type ErrorCodeMode } from './gateway-codes.ts';
import type { Peer } from './peer.ts';
import { WriteCoalescer } from './write-coalescer.ts';

/** What a listener gives the gateway for one connection. */
export interface ClientSocket {
  /** Sends framed packets (one or more, each with its length prefix). */
  send(bytes: Uint8Array): void;
  /** Closes the connection once what was sent has gone out; `reason` is for the client's eyes
   * where the transport can carry it (a WebSocket close reason). */
  close(reason: string): void;
  /** False where the medium batches on its own (a peer link): each packet is sent at once. */
  readonly coalesce?: boolean;
}

export interface ClientGatewayOptions {
  readonly peer: Peer;
  readonly clock: Clock;
  /** The ensemble's tick: silence is checked every half tick, a handshake may take 20 (maxSessionTimeout). */
  readonly tickMs: number;
  /** 'legacy' rewrites error codes old clients do not know (gateway-codes.ts); default 'legacy'
   * (per connection, see accept). */
  readonly errorCodes?: ErrorCodeMode;
  /** One line per connection closed for cause (a malformed packet, silence); default console.warn. */
  readonly log?: (line: string) => void;
}

/** What `cons` and `stat` report of one connection. */
export interface ConnectionInfo {
  readonly remote: string;
  readonly session: SessionId | undefined;
  readonly timeoutMs: number;
  readonly received: number;
  readonly sent: number;
  readonly outstanding: number;
}

export class ClientGateway {
  private readonly open = new Set<GatewayConnection>();
  private cxid = 0;
  private readonly offEvents: () => void;
  private closed = false;

  constructor(readonly options: ClientGatewayOptions) {
    const { peer } = options;
    this.offEvents = peer.events.on((event) => {
      if (event.type === 'stopped' || event.type === 'failed') this.closeAll('the peer stopped');
      else if (event.type === 'role' && event.role === 'LOOKING') this.closeAll('the peer left the quorum');
    });
  }

  get peer(): Peer {
    return this.options.peer;
  }

  /**
   * A new client connection; feed it bytes with receive(), tell it the socket closed with hangUp().
   * `errorCodes` overrides the gateway's mode for this connection (a listener that serves only
   * meshkeeper's own client asks for 'exact').
   */
  accept(socket: ClientSocket, remote: string, errorCodes: ErrorCodeMode = this.options.errorCodes ?? 'legacy'): GatewayConnection {
    const connection = new GatewayConnection(this, socket, remote, errorCodes);
    if (this.closed) connection.close('the gateway is closed');
    else this.open.add(connection);
    return connection;
  }

  connections(): ConnectionInfo[] {
    return [...this.open].map((c) => c.info());
  }

  /** Closes every connection and accepts no more. */
  close(): void {
    this.closed = true;
    this.offEvents();
    this.closeAll('the gateway closed');
  }

  /** @internal A cxid for the peer: unique among every connection's requests in flight here. */
  nextCxid(): number {
    this.cxid = this.cxid >= 0x7fffffff ? 1 : this.cxid + 1;
    return this.cxid;
  }

  /** @internal */
  forget(connection: GatewayConnection): void {
    this.open.delete(connection);
  }

  /** A line for the operator (listeners use it too): a connection closed for cause. */
  log(line: string): void {
    (this.options.log ?? console.warn)(line);
  }

  private closeAll(reason: string): void {
    for (const c of [...this.open]) c.close(reason);
  }
}

/** A reply waiting its turn: written once it and everything before it is settled. */
interface Outgoing {
  readonly xid: number;
  readonly opcode: number;
  readonly shape: ReplyShape | undefined;
  /** `reply` undefined: an empty success (a ping's answer). */
  answer: { readonly reply: Reply | undefined; readonly zxid: Zxid | undefined } | undefined;
}

type State = 'handshake' | 'connecting' | 'open' | 'closed';

export class GatewayConnection {
  private state: State = 'handshake';
  private readonly splitter = new PacketSplitter();
  /** Packets that arrived while the handshake was in flight. */
  private readonly early: Uint8Array[] = [];
  private readonly out: Outgoing[] = [];
  private readonly outbox: WriteCoalescer;
  private session: SessionId | undefined;
  private timeoutMs: number;
  private lastHeard: number;
  private closeWhenFlushed = false;
  private readonly cleanups: (() => void)[] = [];
  private received = 0;
  private sent = 0;

  constructor(
    private readonly gateway: ClientGateway,
    private readonly socket: ClientSocket,
    readonly remote: string,
    private readonly mode: ErrorCodeMode,
  ) {
    const { clock, tickMs } = gateway.options;
    this.outbox = new WriteCoalescer((bytes) => socket.send(bytes), socket.coalesce === false ? 0 : undefined);
    this.lastHeard = clock.now();
    // Until the handshake says otherwise, a client gets the longest timeout the ensemble allows.
    this.timeoutMs = 20 * tickMs;
    this.watchSilence();
  }

  info(): ConnectionInfo {
    return {
      remote: this.remote,
      session: this.session,
      timeoutMs: this.timeoutMs,
      received: this.received,
      sent: this.sent,
      outstanding: this.out.length,
    };
  }

  /** Bytes from the client (a TCP chunk, or one WebSocket message). */
  receive(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    this.lastHeard = this.gateway.options.clock.now();
    try {
      for (const packet of this.splitter.push(bytes)) {
        this.received++;
        this.handle(packet);
        if (this.isClosed) return;
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** The client hung up (or the socket broke): forget the connection, keep the session. */
  hangUp(): void {
    this.outbox.discard();
    this.shutDown();
  }

  /** Closes the connection (after the replies already written). */
  close(reason: string): void {
    if (this.state === 'closed') return;
    this.outbox.flush();
    this.shutDown();
    this.socket.close(reason);
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  private handle(packet: Uint8Array): void {
    switch (this.state) {
      case 'handshake':
        return this.handshake(packet);
      case 'connecting':
        if (this.early.length >= limits.client_early_packets_max) {
          throw new CodecError(`more than ${limits.client_early_packets_max} packets before the handshake was answered`, 0);
        }
        this.early.push(packet);
        return;
      case 'open':
        return this.dispatch(decodeClientPacket(packet));
      case 'closed':
        return;
    }
  }

  private handshake(packet: Uint8Array): void {
    const request = decodeConnectRequest(packet);
    this.state = 'connecting';
    const ask = {
      timeoutMs: request.timeOut,
      lastZxidSeen: request.lastZxidSeen as Zxid,
      ...(request.sessionId === 0 ? {} : { session: asSessionId(request.sessionId), password: request.passwd }),
    };
    void this.gateway.peer.connect(ask).then(
      (answer) => this.connected(answer),
      (error: unknown) => this.fail(error),
    );
  }

  private connected(answer: ConnectAnswer): void {
    if (this.state === 'closed') return;
    if (!answer.ok) {
      if (answer.code === Code.SESSIONEXPIRED) {
        // ZooKeeper's way of saying "expired": a ConnectResponse with no session and timeout 0.
        this.write(encodeConnectResponse({
          protocolVersion: PROTOCOL_VERSION, timeOut: 0, sessionId: 0, passwd: new Uint8Array(SESSION_PASSWD_BYTES), readOnly: false,
        }));
      }
      this.gateway.log(`client ${this.remote}: connect refused (${codeName(answer.code) ?? answer.code}): ${answer.reason}`);
      return this.close(`connect refused: ${answer.reason}`);
    }
    const { peer } = this.gateway;
    this.session = answer.session;
    this.timeoutMs = answer.timeoutMs;
    this.state = 'open';
    this.cleanups.push(
      peer.onWatch(answer.session, (event) => this.write(encodeNotification(event))),
      peer.onClosed(answer.session, () => this.closeAfterReplies()),
    );
    this.write(encodeConnectResponse({
      protocolVersion: PROTOCOL_VERSION, timeOut: answer.timeoutMs, sessionId: answer.session, passwd: answer.password, readOnly: false,
    }));
    try {
      for (const packet of this.early.splice(0)) {
        this.dispatch(decodeClientPacket(packet));
        if (this.state !== 'open') return;
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private dispatch(packet: ClientPacket): void {
    const session = this.session;
    if (session === undefined) return;
    const { peer } = this.gateway;
    switch (packet.kind) {
      case 'ping':
        peer.ping(session);
        return this.answerNow(packet, undefined);
      case 'refused':
        return this.answerNow(packet, { type: 'error', code: packet.code });
      case 'closeSession': {
        const entry = this.enqueue(packet, undefined);
        void peer.closeSession(session, this.gateway.nextCxid()).then(
          (reply) => this.settle(entry, reply, undefined),
          () => this.settle(entry, { type: 'error', code: Code.CONNECTIONLOSS }, undefined),
        );
        return;
      }
      case 'request': {
        const entry = this.enqueue(packet, packet.shape);
        void peer.call(session, this.gateway.nextCxid(), packet.request).then(
          (r) => this.settle(entry, r.reply, r.zxid),
          () => this.settle(entry, { type: 'error', code: Code.CONNECTIONLOSS }, undefined),
        );
        return;
      }
    }
  }

  private enqueue(packet: ClientPacket, shape: ReplyShape | undefined): Outgoing {
    const entry: Outgoing = { xid: packet.xid, opcode: packet.opcode, shape, answer: undefined };
    this.out.push(entry);
    return entry;
  }

  private answerNow(packet: ClientPacket, reply: Reply | undefined): void {
    this.settle(this.enqueue(packet, undefined), reply, undefined);
  }

  private settle(entry: Outgoing, reply: Reply | undefined, zxid: Zxid | undefined): void {
    entry.answer = { reply, zxid };
    this.flush();
  }

  /** Writes every settled reply at the head of the queue, in request order. */
  private flush(): void {
    try {
      for (let head = this.out[0]; head?.answer !== undefined; head = this.out[0]) {
        this.out.shift();
        if (this.state === 'closed') continue;
        const { reply } = head.answer;
        this.writeReply(head, reply, head.answer.zxid ?? this.gateway.peer.zab.machine.lastZxid);
        if (head.opcode === OpCode.closeSession) this.closeWhenFlushed = true;
        // ZooKeeper closes the connection after a failed auth (the session lives on).
        if (head.opcode === OpCode.auth && reply?.type === 'error' && reply.code === Code.AUTHFAILED) {
          this.close('auth failed');
          return;
        }
      }
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.closeWhenFlushed && this.out.length === 0) this.close('session closed');
  }

  private writeReply(entry: Outgoing, reply: Reply | undefined, zxid: Zxid): void {
    const { xid, opcode, shape } = entry;
    if (reply?.type === 'setWatches') {
      for (const event of reply.events) this.write(encodeNotification(event));
    }
    if (reply === undefined || shape === undefined || reply.type === 'setWatches') {
      // ping, closeSession, setWatches and refusals: a header, no body.
      const err = reply?.type === 'error' ? codeMapFor(this.mode, opcode)(reply.code) : 0;
      this.write(encodeHeaderOnly(xid, zxid, err));
      return;
    }
    this.write(encodeReplyPacket(xid, zxid, shape, reply, codeMapFor(this.mode, opcode)));
  }

  /** The session was closed or expired at the peer: send what is owed, then hang up. */
  private closeAfterReplies(): void {
    this.closeWhenFlushed = true;
    if (this.out.length === 0) this.close('session closed');
  }

  private write(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    this.sent++;
    this.outbox.write(bytes);
  }

  private watchSilence(): void {
    const { clock } = this.gateway.options;
    const period = Math.max(1, Math.floor(this.gateway.options.tickMs / 2));
    this.cleanups.push(clock.every(period, () => {
      if (clock.now() - this.lastHeard <= this.timeoutMs) return;
      this.gateway.log(`client ${this.remote}: silent for ${this.timeoutMs} ms, connection closed`);
      this.close('silent client');
    }));
  }

  private fail(error: unknown): void {
    const what = error instanceof CodecError ? 'malformed packet' : 'internal error';
    const detail = error instanceof Error ? error.message : String(error);
    this.gateway.log(`client ${this.remote}: ${what}: ${detail}; connection closed`);
    this.close(what);
  }

  private shutDown(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const off of this.cleanups.splice(0)) off();
    this.early.length = 0;
    this.gateway.forget(this);
  }
}
