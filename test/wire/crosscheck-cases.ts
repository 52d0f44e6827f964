// Requests whose answers meshkeeper must give exactly as ZooKeeper gives them (error codes, result
// shapes, values), and a runner that sends them over one raw connection and summarises each answer
// without zxids, times or session ids (which differ between servers by nature).

import { ByteWriter } from '../../src/codec/byte-writer.ts';
import { CodecError } from '../../src/codec/codec-error.ts';
import { decodeServerPacket, encodeRequestPacket, type ReplyShape } from '../../src/codec/jute/index.ts';
import { OPEN_ACL_UNSAFE } from '../../src/core/acl/types.ts';
import type { Reply } from '../../src/core/requests/reply.ts';
import type { CreateRequest, Request } from '../../src/core/requests/request.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import type { Stat } from '../../src/core/tree/stat.ts';
import { WatcherType } from '../../src/core/watches/events.ts';
import { RawClient } from './raw-client.ts';

export interface Case {
  readonly name: string;
  readonly request?: Request;
  /** A hand-made packet (header and body) where no Request can say it. */
  readonly raw?: { readonly opcode: number; readonly body: (w: ByteWriter) => void; readonly shape: ReplyShape };
}

const enc = new TextEncoder();
const create = (path: string, mode: CreateMode = CreateMode.PERSISTENT): CreateRequest =>
  ({ type: 'create', path, data: enc.encode('d'), acl: OPEN_ACL_UNSAFE, mode });

export const CASES: readonly Case[] = [
  { name: 'create', request: create('/xc') },
  { name: 'create an existing node', request: create('/xc') },
  { name: 'create under a missing parent', request: create('/nope/x') },
  { name: 'create a relative path', request: create('xc') },
  { name: 'create with a trailing slash', request: create('/xc/') },
  { name: 'getData of a missing node', request: { type: 'getData', path: '/nope', watch: false } },
  { name: 'exists of a missing node', request: { type: 'exists', path: '/nope', watch: false } },
  { name: 'setData with a wrong version', request: { type: 'setData', path: '/xc', data: enc.encode('x'), version: 7 } },
  { name: 'setData', request: { type: 'setData', path: '/xc', data: enc.encode('xy'), version: 0 } },
  {
    // A plain create (opcode 1): its reply carries no Stat, whose ephemeralOwner would be one of
    // ZooKeeper's 64-bit session ids.
    name: 'create an ephemeral',
    raw: { opcode: 1, shape: { opcode: 15 }, body: (w) => { w.string('/xc/e'); w.i32(0); w.i32(1); w.i32(31); w.string('world'); w.string('anyone'); w.i32(1); } },
  },
  { name: 'create a child of an ephemeral', request: create('/xc/e/c') },
  { name: 'create a sequential', request: create('/xc/s-', CreateMode.PERSISTENT_SEQUENTIAL) },
  { name: 'delete a node with children', request: { type: 'delete', path: '/xc', version: -1 } },
  { name: 'delete with a wrong version', request: { type: 'delete', path: '/xc/s-0000000001', version: 3 } },
  { name: 'getChildren2', request: { type: 'getChildren', path: '/xc', watch: false, withStat: true } },
  { name: 'getACL', request: { type: 'getACL', path: '/xc' } },
  { name: 'setACL with an unknown scheme', request: { type: 'setACL', path: '/xc', acl: [{ perms: 31, id: { scheme: 'bogus', id: 'x' } }], version: -1 } },
  { name: 'setACL with an empty ACL', request: { type: 'setACL', path: '/xc', acl: [], version: -1 } },
  { name: 'setACL of a missing node', request: { type: 'setACL', path: '/nope', acl: OPEN_ACL_UNSAFE, version: -1 } },
  { name: 'sync', request: { type: 'sync', path: '/xc' } },
  { name: 'multi that succeeds', request: { type: 'multi', ops: [create('/xc/m'), { type: 'check', path: '/xc', version: 1 }, { type: 'setData', path: '/xc/m', data: enc.encode('m'), version: 0 }] } },
  {
    // As kazoo sends it: plain creates (opcode 1), answered with a path and no Stat.
    name: 'multi of plain creates and a delete',
    raw: {
      opcode: 14,
      shape: { opcode: 14 },
      body: (w) => {
        for (const path of ['/xc/p', '/xc/p/q']) {
          w.i32(1); w.u8(0); w.i32(-1);
          w.string(path); w.i32(0); w.i32(1); w.i32(31); w.string('world'); w.string('anyone'); w.i32(0);
        }
        w.i32(2); w.u8(0); w.i32(-1); w.string('/xc/p/q'); w.i32(-1);
        w.i32(-1); w.u8(1); w.i32(-1);
      },
    },
  },
  { name: 'multi that fails in the middle', request: { type: 'multi', ops: [create('/xc/n'), { type: 'delete', path: '/nope', version: -1 }, create('/xc/o')] } },
  { name: 'multiRead', request: { type: 'multiRead', ops: [{ type: 'getData', path: '/xc', watch: false }, { type: 'getChildren', path: '/nope', watch: false, withStat: false }] } },
  { name: 'getEphemerals', request: { type: 'getEphemerals', prefix: '/xc' } },
  { name: 'getAllChildrenNumber', request: { type: 'getAllChildrenNumber', path: '/xc' } },
  { name: 'removeWatches with no watch', request: { type: 'removeWatches', path: '/xc', watcherType: WatcherType.Data } },
  { name: 'checkWatches with no watch', request: { type: 'checkWatches', path: '/xc', watcherType: WatcherType.Any } },
  {
    name: 'create with flag 9',
    raw: { opcode: 1, shape: { opcode: 1 }, body: (w) => { w.string('/xc/f'); w.i32(0); w.i32(1); w.i32(31); w.string('world'); w.string('anyone'); w.i32(9); } },
  },
  { name: 'auth with an unknown scheme', request: { type: 'auth', scheme: 'bogus', auth: enc.encode('x') } },
  { name: 'exists after a failed auth', request: { type: 'exists', path: '/xc', watch: false } },
];

/**
 * What a reply says, without what differs between servers by nature (zxids, times, owners), and
 * children sorted (ZooKeeper lists them in hash order, meshkeeper sorted: neither is promised).
 */
function summarise(reply: Reply): unknown {
  const walk = (value: unknown, key: string): unknown => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
    if (Array.isArray(value)) {
      const items = value.map((v) => walk(v, ''));
      return key === 'children' ? items.sort() : items;
    }
    if (value === null || typeof value !== 'object') return value;
    if (key === 'stat') {
      const s = value as Stat;
      return { version: s.version, cversion: s.cversion, aversion: s.aversion, dataLength: s.dataLength, numChildren: s.numChildren, ephemeral: s.ephemeralOwner !== 0 };
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
  };
  return walk(reply, '');
}

/** Sends every case in order over one session at `address`; one summary per case. */
export async function exchange(address: string, cases: readonly Case[]): Promise<unknown[]> {
  let client = await RawClient.anySession(address);
  const out: unknown[] = [];
  for (const [i, c] of cases.entries()) {
    const xid = i + 1;
    let shape: ReplyShape;
    if (c.request !== undefined) {
      const packet = encodeRequestPacket(c.request.type === 'auth' ? -4 : xid, c.request);
      client.write(packet.bytes);
      shape = packet.shape;
    } else {
      const w = new ByteWriter();
      w.u32(0);
      w.i32(xid);
      w.i32(c.raw!.opcode);
      c.raw!.body(w);
      w.patchU32(0, w.length - 4);
      client.write(w.finish());
      shape = c.raw!.shape;
    }
    const before = client.packets.length;
    await client.waitPackets(before + 1).catch(() => undefined);
    if (client.packets.length === before) {
      out.push('connection closed');
      client.destroy();
      client = await RawClient.anySession(address);
      continue;
    }
    const packet = decodeServerPacket(client.packets[before]!);
    if (packet.kind !== 'reply') {
      out.push('notification');
      continue;
    }
    try {
      out.push({ err: packet.err, reply: summarise(packet.body.read(shape)) });
    } catch (error) {
      // A reply meshkeeper's client never asks for (a plain create's): compare the bytes instead.
      if (!(error instanceof CodecError)) throw error;
      out.push({ err: packet.err, body: Buffer.from(client.packets[before]!.subarray(16)).toString('hex') });
    }
  }
  client.destroy();
  return out;
}
