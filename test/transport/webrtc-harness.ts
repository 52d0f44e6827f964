// Builds real WebRtcTransports (node-datachannel) meeting through a real signal server on loopback,
// and waits on their link and message events (no sleeps: every wait is an event with a bound).

import { WebSocket } from 'ws';
import type { PeerMessage } from '../../src/core/messages.ts';
import { asPeerId, type PeerId } from '../../src/core/util/ids.ts';
import { startSignalServer, type SignalServer } from '../../src/server/signal-server.ts';
import { WebSocketSignaling, type WebSocketLike } from '../../src/transport/signaling/websocket-signaling.ts';
import type { LinkInfo } from '../../src/transport/transport.ts';
import { deriveEnsembleKeys, type EnsembleKeys } from '../../src/transport/webrtc/keys.ts';
import { GatedSignaling } from './webrtc-gate.ts';
import { nodeWrtc } from '../../src/transport/webrtc/node-wrtc.ts';
import { WebRtcTransport, type WebRtcTiming } from '../../src/transport/webrtc/webrtc-transport.ts';

export const fastTiming: Partial<WebRtcTiming> = { connectTimeoutMs: 8_000, backoffBaseMs: 50, backoffMaxMs: 500 };

export interface Node {
  readonly id: PeerId;
  readonly transport: WebRtcTransport;
  readonly signaling: GatedSignaling;
  readonly received: { from: PeerId; message: PeerMessage; generation: number }[];
  readonly linkLog: LinkInfo[];
}

export interface Mesh {
  readonly server: SignalServer;
  readonly nodes: Node[];
  add(id: number, options?: { secret?: string; signalSecret?: string; members?: number[] }): Promise<Node>;
  close(): Promise<void>;
}

const keyCache = new Map<string, Promise<EnsembleKeys>>();
const keysFor = (secret: string): Promise<EnsembleKeys> => {
  let keys = keyCache.get(secret);
  if (!keys) keyCache.set(secret, (keys = deriveEnsembleKeys(secret, 'test')));
  return keys;
};

export async function startMesh(members: number[]): Promise<Mesh> {
  const server = await startSignalServer({ port: 0, host: '127.0.0.1', path: '/signal' });
  const nodes: Node[] = [];
  const wrtc = nodeWrtc();
  return {
    server,
    nodes,
    async add(id, options = {}) {
      const secret = options.secret ?? 'ensemble-secret';
      const keys = await keysFor(secret);
      const signalKeys = options.signalSecret ? await keysFor(options.signalSecret) : keys;
      const signaling = new GatedSignaling(new WebSocketSignaling({
        url: server.url,
        ensemble: 'test',
        self: asPeerId(id),
        key: signalKeys.signal,
        connect: (url) => new WebSocket(url) as unknown as WebSocketLike,
      }));
      const transport = new WebRtcTransport({
        self: asPeerId(id),
        peers: (options.members ?? members).map(asPeerId),
        keys,
        signaling,
        wrtc,
        timing: fastTiming,
      });
      const node: Node = { id: asPeerId(id), transport, signaling, received: [], linkLog: [] };
      transport.onMessage((from, message, generation) => node.received.push({ from, message, generation }));
      transport.onLink((link) => node.linkLog.push(link));
      nodes.push(node);
      return node;
    },
    async close() {
      for (const n of nodes) {
        await n.transport.close();
        await n.signaling.close();
      }
      await server.close();
    },
  };
}

/** Resolves once `cond` holds, re-checked on every link or message event of the node. */
export function until(node: Node, cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!cond()) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`peer ${node.id}: timed out waiting for ${what}; links ${JSON.stringify(node.transport.links())}`));
    }, ms);
    const offs = [node.transport.onLink(check), node.transport.onMessage(check)];
    const done = (): void => {
      clearTimeout(timer);
      for (const off of offs) off();
    };
    check();
  });
}

export const linkTo = (node: Node, peer: number): LinkInfo | undefined => node.transport.links().find((l) => l.peer === peer);

export const isUp = (node: Node, peer: number, generation = 1): boolean => {
  const link = linkTo(node, peer);
  return link?.state === 'up' && link.generation >= generation;
};
