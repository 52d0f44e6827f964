// Client channels on peer links: a Client in a process that runs a peer reaches the other peers over
// the links they share (ZooKeeper's protocol inside client-data messages, through the codec), and
// moves between them as over any connection.

import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.ts';
import { peerOpener } from '../../src/client/peer-opener.ts';
import { Code, KeeperError } from '../../src/core/errors.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { asPeerId, type PeerId } from '../../src/core/util/ids.ts';
import { createPrng } from '../../src/core/util/prng.ts';
import { EventType, type WatchedEvent } from '../../src/core/watches/events.ts';
import { ClientGateway } from '../../src/runtime/client-gateway.ts';
import { PeerClientChannels } from '../../src/runtime/peer-client-channels.ts';
import { MemoryStore } from '../../src/storage/memory.ts';
import type { Transport } from '../../src/transport/transport.ts';
import { Ensemble } from './ensemble.ts';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('client channels on peer links', () => {
  let e: Ensemble | undefined;
  afterEach(async () => e?.stopAll());

  async function start(): Promise<{ e: Ensemble; channels: Map<PeerId, PeerClientChannels>; gateways: Map<PeerId, ClientGateway> }> {
    const transports = new Map<PeerId, Transport>();
    const ensemble = new Ensemble({
      voters: 3,
      openStore: async () => new MemoryStore(),
      wrapTransport: (id, t) => {
        transports.set(id, t);
        return t;
      },
    });
    e = ensemble;
    await ensemble.startAll();
    await ensemble.electLeader();
    const channels = new Map<PeerId, PeerClientChannels>();
    const gateways = new Map<PeerId, ClientGateway>();
    for (const id of ensemble.ids) {
      const gateway = new ClientGateway({ peer: ensemble.peer(id), clock: ensemble.clock, tickMs: ensemble.config.tickMs, log: () => undefined });
      gateways.set(id, gateway);
      channels.set(id, new PeerClientChannels(transports.get(id)!, gateway));
    }
    return { e: ensemble, channels, gateways };
  }

  it('a client at peer 1 works through peer 2 over their link: writes, reads and watches', async () => {
    const { e, channels } = await start();
    const one = asPeerId(1);
    const client = await e.run(
      Client.connect({ endpoints: [asPeerId(2)], open: peerOpener(e.peer(one), channels.get(one)!), clock: e.clock, prng: createPrng(7) }),
    );
    const seen: WatchedEvent[] = [];
    await e.run(client.create('/x', bytes('a')));
    await e.run(client.getData('/x', { watch: (event) => void seen.push(event) }));
    await e.run(client.setData('/x', bytes('b')));
    expect(new TextDecoder().decode((await e.run(client.getData('/x'))).data)).toBe('b');
    expect(seen.map((s) => s.type)).toEqual([EventType.NodeDataChanged]);
  });

  it('when the serving peer stops, the client moves to another peer over its link, keeping its session and ephemerals', async () => {
    const { e, channels, gateways } = await start();
    const one = asPeerId(1);
    const others = [asPeerId(2), asPeerId(3)];
    const client = await e.run(
      Client.connect({ endpoints: others, open: peerOpener(e.peer(one), channels.get(one)!), clock: e.clock, prng: createPrng(3), sessionTimeoutMs: 4_000 }),
    );
    const session = client.session;
    await e.run(client.create('/mine', bytes(''), { mode: CreateMode.EPHEMERAL }));
    const serving = others.find((id) => gateways.get(id)!.connections().length > 0);
    const other = others.find((id) => id !== serving);
    if (serving === undefined || other === undefined) throw new Error('the client is served by neither peer');
    const states: string[] = [];
    client.on('state', (s) => void states.push(s));
    await e.stop(serving);
    await e.tickUntil('the client reconnected', () => client.state === 'connected' && states.includes('disconnected'), 400);
    expect(gateways.get(other)!.connections().map((c) => c.session)).toEqual([session]);
    expect(client.session).toBe(session);
    expect(await e.run(client.exists('/mine'))).not.toBeNull();
  });

  it('a channel needs a link that is up, and never leads to oneself', async () => {
    const { e, channels } = await start();
    const one = channels.get(asPeerId(1))!;
    await expect(one.open(asPeerId(1))).rejects.toMatchObject({ code: Code.BADARGUMENTS });
    await e.stop(asPeerId(2));
    await expect(one.open(asPeerId(2))).rejects.toBeInstanceOf(KeeperError);
    await expect(one.open(asPeerId(2))).rejects.toMatchObject({ code: Code.CONNECTIONLOSS });
  });
});
