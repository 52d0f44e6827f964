// meshkeeper's own Client over WebSocket (WireLink + the ws opener) against peers' /zookeeper
// endpoints: the same API and guarantees as in process, through the very protocol kazoo speaks.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.ts';
import { nodeWebSocketOpener } from '../../src/client/ws-opener-node.ts';
import { WireLink } from '../../src/client/wire-link.ts';
import { openChannel } from '../../src/client/ws-opener.ts';
import { WebSocket } from 'ws';
import { Perms } from '../../src/core/acl/types.ts';
import { Code, isKeeperError } from '../../src/core/errors.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import type { PeerId } from '../../src/core/util/ids.ts';
import { createPrng } from '../../src/core/util/prng.ts';
import { AddWatchMode, EventType, type WatchedEvent } from '../../src/core/watches/events.ts';
import { realClock } from '../../src/runtime/clock.ts';
import { LiveEnsemble, waitFor } from './live-ensemble.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('the Client over WebSocket', () => {
  const e = new LiveEnsemble({ voters: 3, websocket: true });
  const urls = (): string[] => [...e.members.values()].map((m) => m.ws?.url ?? '');
  const clients: Client[] = [];
  async function connect(endpoints = urls(), seed = clients.length + 1): Promise<Client> {
    const client = await Client.connect({
      endpoints, open: nodeWebSocketOpener(), clock: realClock(), prng: createPrng(seed), sessionTimeoutMs: 4000, connectTimeoutMs: 10_000,
    });
    clients.push(client);
    return client;
  }
  /** The peer whose gateway carries `client`'s session. */
  const peerOf = (client: Client): PeerId | undefined =>
    [...e.members.values()].find((m) => m.gateway.connections().some((c) => c.session === client.session))?.id;

  beforeAll(async () => {
    await e.startAll();
    await e.ready();
  }, 30_000);
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await e.stopAll();
  });

  it('creates, reads, writes, lists, deletes, and runs multi, multiRead and ACL calls', async () => {
    const c = await connect();
    expect(c.state).toBe('connected');
    expect(await c.create('/ws', enc.encode('a'))).toBe('/ws');
    const seq = await c.create('/ws/s-', enc.encode(''), { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
    expect(seq).toBe('/ws/s-0000000000');
    const got = await c.getData('/ws');
    expect(dec.decode(got.data)).toBe('a');
    expect((await c.setData('/ws', enc.encode('b'), got.stat.version)).version).toBe(1);
    expect(await c.getChildren('/ws', { withStat: true })).toMatchObject({ children: ['s-0000000000'], stat: { numChildren: 1 } });
    expect(await c.exists('/nope')).toBeNull();
    await expect(c.getData('/nope')).rejects.toSatisfy((err: unknown) => isKeeperError(err, Code.NONODE));
    const results = await c.transaction().create('/ws/t', enc.encode('t')).setData('/ws', enc.encode('c')).check('/ws/t', 0).commit();
    expect(results.map((r) => r.type)).toEqual(['create', 'setData', 'check']);
    await expect(c.transaction().create('/ws/u', enc.encode('')).check('/ws', 99).commit()).rejects.toSatisfy((err: unknown) => isKeeperError(err, Code.BADVERSION));
    expect(await c.exists('/ws/u')).toBeNull();
    const reads = await c.multiRead([{ type: 'getData', path: '/ws/t', watch: false }, { type: 'getChildren', path: '/nope', watch: false, withStat: false }]);
    expect(reads[0]).toMatchObject({ type: 'getData', stat: { version: 0 } });
    expect(reads[1]).toEqual({ type: 'error', code: Code.NONODE });
    expect(await c.getEphemerals('/ws')).toEqual([seq]);
    expect(await c.getAllChildrenNumber('/ws')).toBe(2);
    expect(await c.sync('/ws')).toBe('/ws');
    await c.addAuth('digest', 'alice:secret');
    expect(await c.whoAmI()).toContainEqual({ scheme: 'digest', id: expect.stringMatching(/^alice:/) as unknown as string });
    await c.setACL('/ws/t', [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }]);
    expect((await c.getACL('/ws/t')).acl).toEqual([{ perms: Perms.ALL, id: { scheme: 'digest', id: expect.stringMatching(/^alice:/) as unknown as string } }]);
    await c.delete('/ws/t');
    expect(await c.getChildren('/ws')).toEqual(['s-0000000000']);
  }, 30_000);

  it("delivers one-shot and persistent watch events, each before the reply of the write that fired it", async () => {
    const watcher = await connect();
    const writer = await connect();
    await writer.create('/w', enc.encode('0'));
    const seen: string[] = [];
    await watcher.getData('/w', { watch: (ev: WatchedEvent) => seen.push(`data ${ev.type} ${ev.path}`) });
    await watcher.addWatch('/w', (ev) => seen.push(`persistent ${ev.type} ${ev.path}`), AddWatchMode.PERSISTENT_RECURSIVE);
    // The watcher's own write: its events must be in before its reply resolves.
    await watcher.setData('/w', enc.encode('1'));
    expect(seen).toEqual([`data ${EventType.NodeDataChanged} /w`, `persistent ${EventType.NodeDataChanged} /w`]);
    await writer.create('/w/x', enc.encode(''));
    await waitFor('the recursive watch saw /w/x', () => seen.length === 3);
    expect(seen[2]).toBe(`persistent ${EventType.NodeCreated} /w/x`);
  }, 30_000);

  it('moves its session to another peer when its peer stops, keeping ephemerals and watches', async () => {
    const c = await connect();
    const other = await connect();
    await c.create('/move', enc.encode('0'));
    await c.create('/move/eph', enc.encode(''), { mode: CreateMode.EPHEMERAL });
    const events: WatchedEvent[] = [];
    await c.getData('/move', { watch: (ev) => events.push(ev) });
    const session = c.session;
    const first = peerOf(c);
    expect(first).toBeDefined();
    const states: string[] = [];
    c.on('state', (s) => states.push(s));
    await e.stop(first!);
    await waitFor('the client reconnected', () => c.state === 'connected' && peerOf(c) !== undefined, 20_000);
    expect(c.session).toBe(session);
    expect(peerOf(c)).not.toBe(first);
    expect(states).toContain('disconnected');
    await waitFor('a serving quorum', () => e.serving(), 20_000);
    expect(await other.exists('/move/eph')).not.toBeNull();
    await other.setData('/move', enc.encode('1'));
    await waitFor('the re-registered watch fired', () => events.length === 1, 10_000);
    expect(events[0]).toMatchObject({ type: EventType.NodeDataChanged, path: '/move' });
    await e.start(first!);
  }, 60_000);

  it("a client of a follower rides out the leader's loss: its connection closes while the peers elect, then its session resumes", async () => {
    await e.ready();
    const leader = [...e.members.values()].find((m) => m.peer.zab.state === 'LEADING')!;
    const followers = [...e.members.values()].filter((m) => m !== leader).map((m) => m.ws!.url);
    const c = await connect(followers);
    await c.create('/election', enc.encode('before'));
    const session = c.session;
    const states: string[] = [];
    c.on('state', (s) => states.push(s));
    await e.stop(leader.id);
    await waitFor('a new leader', () => e.serving(), 20_000);
    expect(await c.setData('/election', enc.encode('after'))).toMatchObject({ version: 1 });
    expect(c.session).toBe(session);
    expect(states).toEqual(['connected', 'disconnected', 'connected']);
    await e.start(leader.id);
    await e.ready();
  }, 60_000);

  it('a WireLink reports a session the peer no longer knows as expired at connect', async () => {
    const url = urls()[0]!;
    const link = new WireLink(await openChannel(url, { WebSocket: WebSocket as never }));
    const answer = await link.connect({ timeoutMs: 4000, session: 0xdead as never, password: new Uint8Array(16) });
    expect(answer).toMatchObject({ ok: false, code: Code.SESSIONEXPIRED });
    expect(link.closed).toBe(true);
  });
});
