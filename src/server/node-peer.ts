// A peer as a Node process runs it: the runtime Peer over a file store in `dataDir`, WebRTC data
// channels (node-datachannel) found through the WebSocket signaling server, the platform clock, and
// the admin endpoint. The prng seed mixes the id with the start time (outside the core: fine); the
// txn time base is the clock at start. stop() shuts down in reverse order of start and is idempotent.

import { WebSocket } from 'ws';
import { asPeerId, type PeerId } from '../core/util/ids.ts';
import { createPrng } from '../core/util/prng.ts';
import { makeZabConfig } from '../core/zab/config.ts';
import { realClock } from '../runtime/clock.ts';
import { PeerEvents } from '../runtime/events.ts';
import { Peer } from '../runtime/peer.ts';
import { openFileStore } from '../storage/file/index.ts';
import { WebSocketSignaling, type WebSocketLike } from '../transport/signaling/websocket-signaling.ts';
import { deriveEnsembleKeys } from '../transport/webrtc/keys.ts';
import { nodeWrtc } from '../transport/webrtc/node-wrtc.ts';
import { WebRtcTransport, type WebRtcTiming } from '../transport/webrtc/webrtc-transport.ts';
import { startAdminServer, type AdminServer } from './admin-server.ts';

export interface NodePeerOptions {
  readonly ensemble: string;
  readonly id: number;
  /** Every voter of the ensemble, this peer included. */
  readonly peers: readonly number[];
  readonly dataDir: string;
  /** ws://host:port/path of the signaling server. */
  readonly signalUrl: string;
  readonly secret: string;
  /** 0 picks a free port; undefined runs no admin endpoint. */
  readonly adminPort?: number;
  readonly adminHost?: string;
  readonly tickMs: number;
  readonly timing?: Partial<WebRtcTiming>;
  /** Receives the peer's events (role changes, links) as soon as it starts. */
  readonly events?: PeerEvents;
}

export interface NodePeer {
  readonly id: PeerId;
  readonly peer: Peer;
  readonly transport: WebRtcTransport;
  /** Undefined when no admin port was given. */
  readonly admin: AdminServer | undefined;
  stop(): Promise<void>;
}

export async function startNodePeer(options: NodePeerOptions): Promise<NodePeer> {
  const id = asPeerId(options.id);
  const clock = realClock();
  // Validates the ensemble (a KeeperError BADARGUMENTS) before anything is opened.
  const config = makeZabConfig({ voters: options.peers.map(asPeerId), tickMs: options.tickMs, timeBaseMs: clock.now() });
  const keys = await deriveEnsembleKeys(options.secret, options.ensemble);
  const store = await openFileStore(options.dataDir);
  const signaling = new WebSocketSignaling({
    url: options.signalUrl,
    ensemble: options.ensemble,
    self: id,
    key: keys.signal,
    connect: (url) => new WebSocket(url) as unknown as WebSocketLike,
  });
  const transport = new WebRtcTransport({
    self: id,
    peers: config.voters,
    keys,
    signaling,
    wrtc: nodeWrtc(),
    ...(options.timing === undefined ? {} : { timing: options.timing }),
  });
  let peer: Peer;
  try {
    peer = await Peer.start({
      id,
      config,
      store,
      transport,
      clock,
      prng: createPrng((options.id * 0x9e3779b1) ^ clock.now()),
      events: options.events ?? new PeerEvents(),
    });
  } catch (error) {
    await transport.close();
    await signaling.close();
    await store.close();
    throw error;
  }
  const admin =
    options.adminPort === undefined
      ? undefined
      : await startAdminServer({
          port: options.adminPort,
          ...(options.adminHost === undefined ? {} : { host: options.adminHost }),
          source: { ensemble: options.ensemble, peer, transport },
        }).catch(async (error: unknown) => {
          await peer.stop();
          await signaling.close();
          throw error;
        });

  let stopping: Promise<void> | undefined;
  return {
    id,
    peer,
    transport,
    admin,
    // The peer closes the transport and the store; signaling is shared, so it goes after.
    stop: () =>
      (stopping ??= (async () => {
        await admin?.close();
        await peer.stop();
        await signaling.close();
      })()),
  };
}
