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
import { browserOffersToNode, WebRtcTransport, type WebRtcTiming } from '../transport/webrtc/webrtc-transport.ts';
import { ClientGateway } from '../runtime/client-gateway.ts';
import { PeerClientChannels } from '../runtime/peer-client-channels.ts';
import { startAdminServer, type AdminServer } from './admin-server.ts';
import { startWsClientServer, type WsClientServer } from './ws-client-server.ts';
import { startZkServer, type ZkServer } from './zk-server.ts';

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
  /** Committed txns between snapshots (ZooKeeper's snapCount); the core's default when undefined. */
  readonly snapCount?: number;
  readonly timing?: Partial<WebRtcTiming>;
  /**
   * The ids that run in Node (default: all of `peers`). Toward any other peer (a browser tab) this
   * peer answers and the tab offers: a Node offerer loses a DTLS race with Chromium about one in ten.
   */
  readonly nodePeers?: readonly number[];
  /** Receives the peer's events (role changes, links) as soon as it starts. */
  readonly events?: PeerEvents;
  /** ZooKeeper clients' TCP port (0 picks a free one); undefined serves none. WebSocket clients are
   * served on the admin port at /zookeeper whenever both run. */
  readonly clientPort?: number;
  /** Default: adminHost, else 127.0.0.1. */
  readonly clientHost?: string;
}

export interface NodePeer {
  readonly id: PeerId;
  readonly peer: Peer;
  readonly transport: WebRtcTransport;
  /** Undefined when no admin port was given. */
  readonly admin: AdminServer | undefined;
  /** The ZooKeeper client port; undefined when no client port was given. */
  readonly client: ZkServer | undefined;
  /** ws://…/zookeeper, when both the client and admin ports run. */
  readonly wsClientUrl: string | undefined;
  stop(): Promise<void>;
}

export async function startNodePeer(options: NodePeerOptions): Promise<NodePeer> {
  const id = asPeerId(options.id);
  const clock = realClock();
  // Validates the ensemble (a KeeperError BADARGUMENTS) before anything is opened.
  const config = makeZabConfig({
    voters: options.peers.map(asPeerId),
    tickMs: options.tickMs,
    timeBaseMs: clock.now(),
    // Session passwords are keyed by the ensemble secret, so every peer checks them alike.
    sessionSecret: `${options.ensemble}/${options.secret}`,
    ...(options.snapCount === undefined ? {} : { snapCount: options.snapCount }),
  });
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
    ...(options.nodePeers === undefined ? {} : { offers: browserOffersToNode(options.nodePeers.map(asPeerId)) }),
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

  const clients = options.clientPort === undefined ? undefined : await serveClients(options, peer, transport, admin).catch(async (error: unknown) => {
    await admin?.close();
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
    client: clients?.zk,
    wsClientUrl: clients?.ws?.url,
    // The peer closes the transport and the store; signaling is shared, so it goes after.
    stop: () =>
      (stopping ??= (async () => {
        await clients?.close();
        await admin?.close();
        await peer.stop();
        await signaling.close();
      })()),
  };
}

/** The ZooKeeper client port and, beside the admin endpoint, the same protocol over WebSocket and
 * over the peer links (client channels: how a tab's client reaches this peer). */
async function serveClients(options: NodePeerOptions, peer: Peer, transport: WebRtcTransport, admin: AdminServer | undefined): Promise<{
  readonly zk: ZkServer;
  readonly ws: WsClientServer | undefined;
  close(): Promise<void>;
}> {
  const tag = `[peer ${options.id}]`;
  const gateway = new ClientGateway({ peer, clock: realClock(), tickMs: options.tickMs, log: (line) => console.warn(`${tag} ${line}`) });
  let zk: ZkServer | undefined;
  let ws: WsClientServer | undefined;
  try {
    zk = await startZkServer({
      port: options.clientPort ?? 0,
      host: options.clientHost ?? options.adminHost ?? '127.0.0.1',
      gateway,
      fourLetterWords: { ensemble: options.ensemble, peer, transport, tickMs: options.tickMs },
    });
    ws = admin === undefined ? undefined : await startWsClientServer({ server: admin.http, gateway });
  } catch (error) {
    await zk?.close();
    gateway.close();
    throw error;
  }
  const listening = zk;
  const channels = new PeerClientChannels(transport, gateway);
  return {
    zk,
    ws,
    close: async () => {
      channels.close();
      await listening.close();
      await ws?.close();
      gateway.close();
    },
  };
}
