// Runtime peers on the real clock, over the memory network, each serving ZooKeeper clients on a
// loopback TCP port (and optionally WebSocket): what the real-client tests (kazoo, zkCli.sh,
// node-zookeeper-client) and the wire Client tests run against. Waiting is on conditions with a
// bound (waitFor), never on sleeps.

import { asPeerId, type PeerId } from '../../src/core/util/ids.ts';
import { createPrng } from '../../src/core/util/prng.ts';
import { makeZabConfig, type ZabConfig } from '../../src/core/zab/config.ts';
import { ClientGateway } from '../../src/runtime/client-gateway.ts';
import { realClock } from '../../src/runtime/clock.ts';
import { Peer } from '../../src/runtime/peer.ts';
import { startWsClientServer, type WsClientServer } from '../../src/server/ws-client-server.ts';
import { startZkServer, type ZkServer } from '../../src/server/zk-server.ts';
import { MemoryMedium, MemoryStore } from '../../src/storage/memory.ts';
import { MemoryNetwork } from '../../src/transport/memory.ts';

export interface LiveMember {
  readonly id: PeerId;
  readonly peer: Peer;
  readonly gateway: ClientGateway;
  readonly zk: ZkServer;
  readonly ws: WsClientServer | undefined;
  readonly log: string[];
}

export interface LiveEnsembleOptions {
  readonly voters?: number;
  /** Default 200 ms: sessions may last 0.4 to 4 s. */
  readonly tickMs?: number;
  readonly websocket?: boolean;
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export class LiveEnsemble {
  readonly network = new MemoryNetwork({ schedule: (task) => setImmediate(task) });
  readonly config: ZabConfig;
  readonly members = new Map<PeerId, LiveMember>();
  private readonly media = new Map<PeerId, MemoryMedium>();

  constructor(private readonly options: LiveEnsembleOptions = {}) {
    const ids = Array.from({ length: options.voters ?? 3 }, (_, i) => asPeerId(i + 1));
    this.config = makeZabConfig({ voters: ids, tickMs: options.tickMs ?? 200, timeBaseMs: Date.now() });
  }

  get ids(): PeerId[] {
    return [...this.config.voters];
  }

  async start(id: PeerId): Promise<LiveMember> {
    const medium = this.media.get(id) ?? new MemoryMedium();
    this.media.set(id, medium);
    const clock = realClock();
    const peer = await Peer.start({
      id, config: this.config, store: new MemoryStore(medium), transport: this.network.join(id), clock, prng: createPrng(id),
    });
    const log: string[] = [];
    const gateway = new ClientGateway({ peer, clock, tickMs: this.config.tickMs, log: (line) => log.push(line) });
    const zk = await startZkServer({ port: 0, gateway, fourLetterWords: { ensemble: 'live', peer, transport: { links: () => [] } as never, tickMs: this.config.tickMs } });
    const ws = this.options.websocket === true
      ? await startWsClientServer({ port: 0, gateway })
      : undefined;
    const member = { id, peer, gateway, zk, ws, log };
    this.members.set(id, member);
    return member;
  }

  async startAll(): Promise<void> {
    for (const id of this.ids) await this.start(id);
  }

  member(id: PeerId): LiveMember {
    const m = this.members.get(id);
    if (m === undefined) throw new Error(`peer ${id} is not running`);
    return m;
  }

  async stop(id: PeerId): Promise<void> {
    const m = this.member(id);
    this.members.delete(id);
    await m.zk.close();
    await m.ws?.close();
    m.gateway.close();
    await m.peer.stop();
  }

  async stopAll(): Promise<void> {
    for (const id of [...this.members.keys()]) await this.stop(id);
  }

  /** Every running peer serving under one leader. */
  serving(): boolean {
    const peers = [...this.members.values()].map((m) => m.peer.zab);
    const leader = peers.find((z) => z.state === 'LEADING' && z.serving);
    return leader !== undefined && peers.every((z) => z.serving && z.leader === leader.id);
  }

  async ready(): Promise<void> {
    await waitFor('a serving leader', () => this.serving());
  }

  /** host:port of every running peer's client port, as a ZooKeeper connect string. */
  connectString(ids: readonly PeerId[] = [...this.members.keys()]): string {
    return ids.map((id) => this.member(id).zk.address).join(',');
  }
}
