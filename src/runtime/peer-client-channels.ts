// Client connections carried on the links peers already share: a Client in a process that runs a
// peer (a browser tab above all, which can serve no socket) reaches any other peer of the ensemble
// over their authenticated WebRTC link, speaking ZooKeeper's protocol exactly as over a WebSocket.
// The bytes travel in `client-data` peer messages and a `client-close` ends a channel; the core never
// sees either. Each end names a channel by the opener's stream number and the direction, so two
// peers may open channels to each other at once. Platform-free.
//
// Channels live and die with their link: when it goes down (or comes back as a new generation),
// every channel over it closes, so the client's session moves on as after any lost connection.

import type { ClientChannelMessage, PeerMessage } from '../core/messages.ts';
import { Code, KeeperError } from '../core/errors.ts';
import type { PeerId } from '../core/util/ids.ts';
import { limits } from '../core/util/limits.ts';
import type { Transport } from '../transport/transport.ts';
import type { ClientGateway, ClientSocket, GatewayConnection } from './client-gateway.ts';

/** An ordered byte channel to a peer's client gateway (the shape WireLink takes). */
export interface PeerChannel {
  send(bytes: Uint8Array): void;
  close(): void;
  onData(listener: (bytes: Uint8Array) => void): void;
  onClose(listener: (reason: string) => void): void;
}

interface Opened {
  readonly peer: PeerId;
  readonly generation: number;
  onData: (bytes: Uint8Array) => void;
  onClose: (reason: string) => void;
}

export function isClientChannelMessage(message: PeerMessage): message is ClientChannelMessage {
  return message.type === 'client-data' || message.type === 'client-close';
}

export class PeerClientChannels {
  /** Channels this peer opened, by stream. */
  private readonly opened = new Map<number, Opened>();
  /** Connections this peer's gateway serves, by `${peer}/${stream}`. */
  private readonly served = new Map<string, { readonly peer: PeerId; readonly generation: number; readonly connection: GatewayConnection }>();
  private nextStream = 1;
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly transport: Transport,
    /** Undefined: this peer opens channels but serves none. */
    private readonly gateway: ClientGateway | undefined,
  ) {
    this.unsubscribe = [
      transport.onMessage((from, message, generation) => {
        if (isClientChannelMessage(message)) this.receive(from, message, generation);
      }),
      transport.onLink((link) => this.closeOver(link.peer, link.state === 'up' ? link.generation : undefined, `the link to peer ${link.peer} changed`)),
    ];
  }

  /** Opens a channel to `peer`'s gateway; rejects CONNECTIONLOSS when no link to it is up. */
  open(peer: PeerId): Promise<PeerChannel> {
    if (peer === this.transport.self) return Promise.reject(new KeeperError(Code.BADARGUMENTS, 'a channel to oneself: use the local peer'));
    const link = this.transport.links().find((l) => l.peer === peer && l.state === 'up');
    if (link === undefined) return Promise.reject(new KeeperError(Code.CONNECTIONLOSS, `no link to peer ${peer}`));
    if (this.opened.size >= limits.client_channels_max) return Promise.reject(new KeeperError(Code.THROTTLEDOP, 'too many client channels'));
    const stream = this.nextStream;
    this.nextStream = this.nextStream >= 0x7fffffff ? 1 : this.nextStream + 1;
    const entry: Opened = { peer, generation: link.generation, onData: () => undefined, onClose: () => undefined };
    this.opened.set(stream, entry);
    return Promise.resolve({
      send: (data) => this.transport.send(peer, { type: 'client-data', stream, toServer: true, data }),
      close: () => {
        if (this.opened.delete(stream)) this.transport.send(peer, { type: 'client-close', stream, toServer: true, reason: 'closed by the client' });
      },
      onData: (listener) => {
        entry.onData = listener;
      },
      onClose: (listener) => {
        entry.onClose = listener;
      },
    });
  }

  /** Closes every channel, both ways, and stops listening. */
  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    for (const peer of new Set([...this.opened.values()].map((o) => o.peer).concat([...this.served.values()].map((s) => s.peer)))) {
      this.closeOver(peer, undefined, 'the peer is closing');
    }
  }

  private receive(from: PeerId, message: ClientChannelMessage, generation: number): void {
    if (message.toServer) this.toServer(from, message, generation);
    else this.toClient(from, message, generation);
  }

  private toServer(from: PeerId, message: ClientChannelMessage, generation: number): void {
    const key = `${from}/${message.stream}`;
    let existing = this.served.get(key);
    if (existing !== undefined && existing.generation !== generation) {
      this.served.delete(key);
      existing.connection.hangUp();
      existing = undefined;
    }
    if (message.type === 'client-close') {
      if (existing === undefined) return;
      this.served.delete(key);
      existing.connection.hangUp();
      return;
    }
    if (existing !== undefined) {
      existing.connection.receive(message.data);
      return;
    }
    if (this.gateway === undefined || this.served.size >= limits.client_channels_max) {
      this.transport.send(from, { type: 'client-close', stream: message.stream, toServer: false, reason: 'this peer serves no client channels' });
      return;
    }
    const socket: ClientSocket = {
      coalesce: false,
      send: (data) => this.transport.send(from, { type: 'client-data', stream: message.stream, toServer: false, data }),
      close: (reason) => {
        if (this.served.delete(key)) this.transport.send(from, { type: 'client-close', stream: message.stream, toServer: false, reason });
      },
    };
    const connection = this.gateway.accept(socket, `peer ${from} stream ${message.stream}`, 'exact');
    this.served.set(key, { peer: from, generation, connection });
    connection.receive(message.data);
  }

  private toClient(from: PeerId, message: ClientChannelMessage, generation: number): void {
    const entry = this.opened.get(message.stream);
    if (entry === undefined || entry.peer !== from || entry.generation !== generation) return;
    if (message.type === 'client-data') {
      entry.onData(message.data);
      return;
    }
    this.opened.delete(message.stream);
    entry.onClose(message.reason);
  }

  /** Closes the channels over `peer`'s link except those of generation `keep` (the link still up). */
  private closeOver(peer: PeerId, keep: number | undefined, reason: string): void {
    for (const [stream, entry] of [...this.opened]) {
      if (entry.peer !== peer || entry.generation === keep) continue;
      this.opened.delete(stream);
      entry.onClose(reason);
    }
    for (const [key, served] of [...this.served]) {
      if (served.peer !== peer || served.generation === keep) continue;
      this.served.delete(key);
      served.connection.hangUp();
    }
  }
}
