// The client port's own behaviour, seen through raw sockets: four-letter words, request order,
// refusals, malformed packets, silent clients and bad passwords.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/codec/byte-writer.ts';
import {
  decodeServerPacket, encodePing, encodeRequestPacket, OpCode, Xid, type ReplyShape,
} from '../../src/codec/jute/index.ts';
import { EventType, KeeperState } from '../../src/core/watches/events.ts';
import { Code } from '../../src/core/errors.ts';
import type { Request } from '../../src/core/requests/request.ts';
import { OPEN_ACL_UNSAFE } from '../../src/core/acl/types.ts';
import { asPeerId, asSessionId } from '../../src/core/util/ids.ts';
import type { TreeMachine } from '../../src/core/zab/tree-machine.ts';
import type { Zxid } from '../../src/core/zxid.ts';
import { LiveEnsemble, waitFor } from './live-ensemble.ts';
import { RawClient } from './raw-client.ts';

const enc = new TextEncoder();
const header = (xid: number, opcode: number, body: (w: ByteWriter) => void = () => undefined): Uint8Array => {
  const w = new ByteWriter();
  w.u32(0);
  w.i32(xid);
  w.i32(opcode);
  body(w);
  w.patchU32(0, w.length - 4);
  return w.finish();
};

function reply(client: RawClient, i: number, shape?: ReplyShape) {
  const packet = decodeServerPacket(client.packets[i]!);
  if (packet.kind !== 'reply') throw new Error('a notification, not a reply');
  return { xid: packet.xid, zxid: packet.zxid, err: packet.err, ...(shape === undefined ? {} : { reply: packet.body.read(shape) }) };
}

describe('the ZooKeeper client port', () => {
  const e = new LiveEnsemble({ voters: 1 });
  let address = '';
  beforeAll(async () => {
    await e.startAll();
    await e.ready();
    address = e.member(asPeerId(1)).zk.address;
  }, 30_000);
  afterAll(() => e.stopAll());

  async function word(w: string): Promise<string> {
    const client = await RawClient.open(address);
    client.write(enc.encode(w));
    await client.waitClosed();
    return client.text;
  }

  it('answers four-letter words: ruok, srvr, stat, mntr, and refuses unknown ones', async () => {
    expect(await word('ruok')).toBe('imok');
    const srvr = await word('srvr');
    expect(srvr).toMatch(/^Zookeeper version: meshkeeper/);
    expect(srvr).toMatch(/\nMode: leader\n/);
    expect(srvr).toMatch(/\nZxid: 0x[0-9a-f]+\n/);
    expect(srvr).toMatch(/\nNode count: \d+\n/);
    const { client } = await RawClient.session(address);
    const stat = await word('stat');
    expect(stat).toMatch(/\nClients:\n 127\.0\.0\.1:\d+\[1\]\(queued=0,recved=1,sent=1,sid=0x[0-9a-f]+,to=4000\)\n/);
    client.destroy();
    expect(await word('mntr')).toMatch(/^zk_version\t.*\nzk_server_state\tleader\n/);
    expect(await word('kill')).toBe('kill is not executed because it is not in the whitelist.\n');
  });

  it('answers pipelined requests in the order sent, each with its xid, unknown opcodes with UNIMPLEMENTED', async () => {
    const { client, response } = await RawClient.session(address);
    expect(response.timeOut).toBe(4000);
    const requests: Request[] = [
      { type: 'create', path: '/order', data: enc.encode('x'), acl: OPEN_ACL_UNSAFE, mode: 0 },
      { type: 'getData', path: '/order', watch: false },
      { type: 'setData', path: '/order', data: enc.encode('y'), version: 0 },
      { type: 'getData', path: '/missing', watch: false },
    ];
    const shapes = requests.map((r, i) => {
      const { bytes, shape } = encodeRequestPacket(i + 1, r);
      client.write(bytes);
      return shape;
    });
    client.write(header(5, 999, (w) => w.i32(7)));
    client.write(encodePing());
    await client.waitPackets(7);
    const replies = [1, 2, 3, 4].map((i) => reply(client, i, shapes[i - 1]));
    expect(replies.map((r) => r.xid)).toEqual([1, 2, 3, 4]);
    expect(replies[1]!.reply).toMatchObject({ type: 'getData', stat: { dataLength: 1 } });
    expect([...(replies[1]!.reply as { data: Uint8Array }).data]).toEqual([...enc.encode('x')]);
    expect(replies[2]!.reply).toMatchObject({ type: 'setData', stat: { version: 1 } });
    expect(replies[3]!.reply).toEqual({ type: 'error', code: Code.NONODE });
    expect(replies[2]!.zxid).toBeGreaterThan(replies[0]!.zxid);
    expect(reply(client, 5)).toMatchObject({ xid: 5, err: Code.UNIMPLEMENTED });
    expect(reply(client, 6)).toMatchObject({ xid: -2, err: 0 });
    client.destroy();
  });

  it('a malformed packet closes that connection with a log line, and the peer serves on', async () => {
    const member = e.member(asPeerId(1));
    const { client } = await RawClient.session(address);
    client.write(header(1, OpCode.getData, (w) => {
      w.i32(-5);
      w.u8(0);
    }));
    await client.waitClosed();
    await waitFor('a log line', () => member.log.some((l) => l.includes('malformed packet')));

    const oversized = await RawClient.session(address);
    oversized.client.write(new Uint8Array([0x7f, 0, 0, 0]));
    await oversized.client.waitClosed();

    const { client: next } = await RawClient.session(address);
    next.write(encodeRequestPacket(1, { type: 'exists', path: '/', watch: false }).bytes);
    await next.waitPackets(2);
    expect(reply(next, 1)).toMatchObject({ xid: 1, err: 0 });
    next.destroy();
  });

  it('a client silent for its session timeout is dropped, and its session expires', async () => {
    const { client, response } = await RawClient.session(address, 400);
    expect(response.timeOut).toBe(400);
    await client.waitClosed(5_000);
    const table = (e.member(asPeerId(1)).peer.zab.machine as TreeMachine).table;
    await waitFor('the session to expire', () => table.get(asSessionId(response.sessionId)) === undefined, 5_000);
    const again = await RawClient.session(address, 400, response.sessionId, response.passwd);
    expect(again.response).toMatchObject({ timeOut: 0, sessionId: 0 });
    await again.client.waitClosed();
  });

  it('a reattach with a wrong password is told the session expired', async () => {
    const { client, response } = await RawClient.session(address);
    const wrong = await RawClient.session(address, 4000, response.sessionId, new Uint8Array(16).fill(9));
    expect(wrong.response).toMatchObject({ timeOut: 0, sessionId: 0 });
    await wrong.client.waitClosed();
    const right = await RawClient.session(address, 4000, response.sessionId, response.passwd);
    expect(right.response).toMatchObject({ timeOut: 4000, sessionId: response.sessionId });
    client.destroy();
    right.client.destroy();
  });

  it('a reconnecting client re-sends its watches with SetWatches; one whose node changed meanwhile fires at once, before the reply', async () => {
    const { client, response } = await RawClient.session(address);
    const create = encodeRequestPacket(1, { type: 'create', path: '/sw', data: enc.encode('0'), acl: OPEN_ACL_UNSAFE, mode: 0 });
    client.write(create.bytes);
    await client.waitPackets(2);
    const seen = reply(client, 1).zxid;
    client.destroy();
    const { client: writer } = await RawClient.session(address);
    writer.write(encodeRequestPacket(1, { type: 'setData', path: '/sw', data: enc.encode('1'), version: -1 }).bytes);
    await writer.waitPackets(2);
    writer.destroy();

    const back = await RawClient.session(address, 4000, response.sessionId, response.passwd);
    expect(back.response.sessionId).toBe(response.sessionId);
    const setWatches: Request = {
      type: 'setWatches', relativeZxid: seen as Zxid, data: ['/sw'], exist: ['/gone'], child: [], persistent: [], persistentRecursive: [],
    };
    back.client.write(encodeRequestPacket(Xid.setWatches, setWatches).bytes);
    await back.client.waitPackets(3);
    expect(decodeServerPacket(back.client.packets[1]!)).toEqual({ kind: 'notification', event: { type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: '/sw' } });
    expect(reply(back.client, 2)).toMatchObject({ xid: Xid.setWatches, err: 0 });
    back.client.destroy();
  });

  it('closeSession is answered, then the connection closes', async () => {
    const { client } = await RawClient.session(address);
    client.write(header(9, OpCode.closeSession));
    await client.waitPackets(2);
    expect(reply(client, 1)).toMatchObject({ xid: 9, err: 0 });
    await client.waitClosed();
  });
});
