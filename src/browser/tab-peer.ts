// A peer in a browser tab: the runtime Peer over an IndexedDB store (one database per ensemble and
// id, so several tabs of one origin keep apart), the WebRTC transport on the browser's own
// RTCPeerConnection, found through BroadcastChannel (tabs of this browser, no server) and the
// WebSocket signaling server (Node peers, other browsers), and ticks from a Worker's timer. Toward a
// Node peer the tab offers (browserOffersToNode): Node offering to Chromium loses a DTLS race about
// once in ten. Platform glue only: nothing here imports node:* or src/server/.

import { Client } from '../client/client.ts';
import { peerOpener } from '../client/peer-opener.ts';
import { asPeerId, type PeerId } from '../core/util/ids.ts';
import { createPrng } from '../core/util/prng.ts';
import { ensembleSessionSecret } from '../core/sessions/password.ts';
import { makeZabConfig } from '../core/zab/config.ts';
import type { Zxid } from '../core/zxid.ts';
import { ClientGateway } from '../runtime/client-gateway.ts';
import { PeerEvents } from '../runtime/events.ts';
import { PeerClientChannels } from '../runtime/peer-client-channels.ts';
import { Peer } from '../runtime/peer.ts';
import { openIdbStore } from '../storage/idb/index.ts';
import { BroadcastChannelSignaling } from '../transport/signaling/broadcast-channel-signaling.ts';
import type { Signaling } from '../transport/signaling/signaling.ts';
import { WebSocketSignaling } from '../transport/signaling/websocket-signaling.ts';
import { deriveEnsembleKeys } from '../transport/webrtc/keys.ts';
import { browserOffersToNode, WebRtcTransport } from '../transport/webrtc/webrtc-transport.ts';
import { CombinedSignaling } from './combined-signaling.ts';
import type { TabConfig } from './tab-config.ts';
import { workerClock, type WorkerClock } from './worker-clock.ts';

export interface TabPeer {
  readonly id: PeerId;
  readonly config: TabConfig;
  readonly peer: Peer;
  readonly transport: WebRtcTransport;
  readonly signaling: CombinedSignaling;
  readonly clock: WorkerClock;
  /** The IndexedDB database this peer persists to. */
  readonly dbName: string;
  /** The last zxid found in IndexedDB when the peer started (0 for a new database). */
  readonly recoveredZxid: Zxid;
  /**
   * A client session that starts at this peer and moves to any other over the peers' links (client
   * channels) when this one stops serving (opened on first use, reopened after it closed).
   */
  client(): Promise<Client>;
  /** Closes the current client session (expired, say); the next client() opens a new one. */
  dropClient(): void;
  stop(): Promise<void>;
}

/** The IndexedDB database of peer `id` in `ensemble`. */
export const tabDbName = (ensemble: string, id: number): string => `meshkeeper/${ensemble}/peer-${id}`;

/** Client sessions opened by the test hook and the page ask for this timeout (clamped by the ensemble). */
const CLIENT_SESSION_TIMEOUT_MS = 10_000;

export async function startTabPeer(config: TabConfig, events: PeerEvents = new PeerEvents()): Promise<TabPeer> {
  if (config.id === undefined) throw new Error('a tab peer needs an id');
  const id = asPeerId(config.id);
  const clock = workerClock();
  const zab = makeZabConfig({
    voters: config.voters.map(asPeerId),
    tickMs: config.tickMs,
    timeBaseMs: clock.now(),
    // Keyed like a Node peer's, so a session can move between a tab and a Node peer.
    sessionSecret: ensembleSessionSecret(config.ensemble, config.secret),
  });
  const keys = await deriveEnsembleKeys(config.secret, config.ensemble);
  const dbName = tabDbName(config.ensemble, config.id);
  const store = await openIdbStore(dbName);
  const routes: Signaling[] = [new BroadcastChannelSignaling({ ensemble: config.ensemble, self: id, key: keys.signal })];
  if (config.signalUrl !== '') {
    routes.push(new WebSocketSignaling({ url: config.signalUrl, ensemble: config.ensemble, self: id, key: keys.signal }));
  }
  const signaling = new CombinedSignaling(routes);
  const transport = new WebRtcTransport({
    self: id,
    peers: zab.voters,
    keys,
    signaling,
    offers: browserOffersToNode(config.nodePeers.map(asPeerId)),
  });
  const seed = new Uint32Array(1);
  globalThis.crypto.getRandomValues(seed);
  let peer: Peer;
  try {
    peer = await Peer.start({ id, config: zab, store, transport, clock, prng: createPrng((seed[0] ?? 0) ^ id), events });
  } catch (error) {
    await transport.close();
    await signaling.close();
    await store.close();
    clock.close();
    throw error;
  }

  // Read before the first drain: what the store held, before any peer message arrives.
  const recoveredZxid = peer.status().lastLoggedZxid;
  // Other peers' clients reach this one over the links too (a tab can serve no socket).
  const gateway = new ClientGateway({ peer, clock, tickMs: config.tickMs, errorCodes: 'exact', log: (line) => console.warn(`[peer ${id}] ${line}`) });
  const channels = new PeerClientChannels(transport, gateway);
  let session: Promise<Client> | undefined;
  const open = (): Promise<Client> =>
    (session = Client.connect({
      endpoints: [id, ...zab.voters.filter((v) => v !== id)],
      shuffleEndpoints: false,
      open: peerOpener(peer, channels),
      clock,
      prng: createPrng((seed[0] ?? 0) ^ (id << 8)),
      sessionTimeoutMs: CLIENT_SESSION_TIMEOUT_MS,
    }));
  let stopping: Promise<void> | undefined;
  return {
    id,
    config,
    peer,
    transport,
    signaling,
    clock,
    dbName,
    recoveredZxid,
    // An expired or closed session, or an open that failed (no peer was serving yet), is replaced by
    // a new one; a disconnected one is kept: its calls wait while it moves to another peer.
    client: () => (session === undefined ? open() : session.then((c) => (c.state === 'expired' || c.state === 'closed' ? open() : c), open)),
    dropClient: () => {
      const old = session;
      session = undefined;
      void old?.then((c) => c.close()).catch(() => undefined);
    },
    stop: () =>
      (stopping ??= (async () => {
        channels.close();
        gateway.close();
        await peer.stop();
        await signaling.close();
        clock.close();
      })()),
  };
}
