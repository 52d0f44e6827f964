// A bare TCP ZooKeeper client for gateway tests: writes packets as given, collects what comes back
// (split into packets), and tells when the server closed. No retries, no pings of its own.

import { connect, type Socket } from 'node:net';
import { PacketSplitter } from '../../src/codec/jute/frames.ts';
import { decodeConnectResponse, encodeConnectRequest, type ConnectResponse } from '../../src/codec/jute/index.ts';
import { waitFor } from './live-ensemble.ts';

export class RawClient {
  readonly packets: Uint8Array[] = [];
  text = '';
  closed = false;
  private readonly splitter = new PacketSplitter();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1');
      try {
        this.packets.push(...this.splitter.push(chunk));
      } catch {
        // a four-letter word's text answer is not packets
      }
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static async open(address: string): Promise<RawClient> {
    const at = address.lastIndexOf(':');
    const socket = connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Opens a connection and a session (or reattaches one). */
  static async session(address: string, timeOut = 4000, sessionId = 0, passwd: Uint8Array = new Uint8Array(16)): Promise<{ client: RawClient; response: ConnectResponse }> {
    const client = await RawClient.open(address);
    client.write(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0, timeOut, sessionId, passwd, readOnly: false }));
    await client.waitPackets(1);
    return { client, response: decodeConnectResponse(client.packets[0]!) };
  }

  /** Opens a connection and a new session without decoding the answer (ZooKeeper's session ids
   * use 64 bits, more than meshkeeper's codec takes). */
  static async anySession(address: string, timeOut = 4000): Promise<RawClient> {
    const client = await RawClient.open(address);
    client.write(encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0, timeOut, sessionId: 0, passwd: new Uint8Array(16), readOnly: false }));
    await client.waitPackets(1);
    return client;
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  async waitPackets(n: number, ms = 10_000): Promise<void> {
    await waitFor(`${n} packets`, () => this.packets.length >= n || this.closed, ms);
    if (this.packets.length < n) throw new Error(`the server closed after ${this.packets.length} packets`);
  }

  async waitClosed(ms = 10_000): Promise<void> {
    await waitFor('the server to close the connection', () => this.closed, ms);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
