// Golden bytes cross-checked against kazoo's own serializer (kazoo.protocol.serialization, the
// Python client's jute code): requests meshkeeper's client writes must be byte for byte what kazoo
// writes, and replies meshkeeper's server writes must read back in kazoo as the same values.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/codec/byte-writer.ts';
import {
  decodeClientPacket, encodeConnectRequest, encodeConnectResponse, encodeNotification, encodeReplyPacket, OpCode,
  writeRequestBody,
} from '../../src/codec/jute/index.ts';
import { OPEN_ACL_UNSAFE } from '../../src/core/acl/types.ts';
import { Code } from '../../src/core/errors.ts';
import type { Request } from '../../src/core/requests/request.ts';
import type { Stat } from '../../src/core/tree/stat.ts';
import { asSessionId } from '../../src/core/util/ids.ts';
import { EventType, KeeperState } from '../../src/core/watches/events.ts';
import type { Zxid } from '../../src/core/zxid.ts';

function python(script: string, input: unknown): unknown {
  const run = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(input), timeout: 20_000, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const enc = new TextEncoder();

function body(request: Request): string {
  const w = new ByteWriter();
  writeRequestBody(w, request);
  return hex(w.finish());
}

const KAZOO_ENCODE = `
import json, sys
from kazoo.protocol.serialization import *
from kazoo.security import ACL, Id
acl = [ACL(31, Id('world', 'anyone'))]
out = {
  'connect': Connect(0, 0x1234, 10000, 0, b'\\x00' * 16, False).serialize(),
  'create2': Create2('/a/b', b'hi', acl, 3).serialize(),
  'setData': SetData('/a', b'xyz', 5).serialize(),
  'getChildren2': GetChildren2('/a', True).serialize(),
  'exists': Exists('/\\u00fc', False).serialize(),
  'delete': Delete('/d', 7).serialize(),
  'setACL': SetACL('/a', acl, -1).serialize(),
  'sync': Sync('/s').serialize(),
  'auth': Auth(0, 'digest', 'u:p').serialize(),
  'multi': Transaction([Create2('/t', b'1', acl, 0), Delete('/t', -1), SetData('/s', b'z', 2), CheckVersion('/c', 4)]).serialize(),
}
print(json.dumps({k: bytes(v).hex() for k, v in out.items()}))
`;

const KAZOO_DECODE = `
import json, sys
from kazoo.protocol.serialization import *
cases = json.load(sys.stdin)
def stat(s): return list(s)
out = {}
b = bytes.fromhex(cases['getData']); h, o = ReplyHeader.deserialize(b, 0); d, s = GetData.deserialize(b, o)
out['getData'] = [list(h), d.decode(), stat(s)]
b = bytes.fromhex(cases['getChildren2']); h, o = ReplyHeader.deserialize(b, 0); c, s = GetChildren2.deserialize(b, o)
out['getChildren2'] = [list(h), c, stat(s)]
b = bytes.fromhex(cases['create']); h, o = ReplyHeader.deserialize(b, 0)
out['create'] = [list(h), Create.deserialize(b, o)]
b = bytes.fromhex(cases['error']); h, o = ReplyHeader.deserialize(b, 0)
out['error'] = [list(h), len(b) - o]
b = bytes.fromhex(cases['multi']); h, o = ReplyHeader.deserialize(b, 0)
out['multi'] = [list(h), [r if isinstance(r, (str, bool)) else (list(r) if hasattr(r, 'czxid') else type(r).__name__) for r in Transaction.deserialize(b, o)]]
b = bytes.fromhex(cases['notification']); h, o = ReplyHeader.deserialize(b, 0); w, o = Watch.deserialize(b, o)
out['notification'] = [list(h), list(w)]
b = bytes.fromhex(cases['connect']); c, o = Connect.deserialize(b, 0)
out['connect'] = [c.time_out, c.session_id, c.passwd.hex(), c.read_only, len(b) - o]
print(json.dumps(out))
`;

const stat: Stat = {
  czxid: (2 ** 32 + 3) as Zxid, mzxid: (2 ** 32 + 9) as Zxid, ctime: 1_700_000_000_123, mtime: 1_700_000_000_456,
  version: 2, cversion: 1, aversion: 0, ephemeralOwner: asSessionId(2 ** 32 + 1), dataLength: 5, numChildren: 1,
  pzxid: (2 ** 32 + 4) as Zxid,
};
const statList = [stat.czxid, stat.mzxid, stat.ctime, stat.mtime, stat.version, stat.cversion, stat.aversion, stat.ephemeralOwner, stat.dataLength, stat.numChildren, stat.pzxid];
const noPrefix = (b: Uint8Array): string => hex(b.subarray(4));

describe('jute codec against kazoo', () => {
  it('requests are written byte for byte as kazoo writes them', () => {
    const kazoo = python(KAZOO_ENCODE, {}) as Record<string, string>;
    const c = encodeConnectRequest({ protocolVersion: 0, lastZxidSeen: 0x1234, timeOut: 10000, sessionId: 0, passwd: new Uint8Array(16), readOnly: false });
    expect(noPrefix(c)).toBe(kazoo['connect']);
    expect(body({ type: 'create', path: '/a/b', data: enc.encode('hi'), acl: OPEN_ACL_UNSAFE, mode: 3 })).toBe(kazoo['create2']);
    expect(body({ type: 'setData', path: '/a', data: enc.encode('xyz'), version: 5 })).toBe(kazoo['setData']);
    expect(body({ type: 'getChildren', path: '/a', watch: true, withStat: true })).toBe(kazoo['getChildren2']);
    expect(body({ type: 'exists', path: '/ü', watch: false })).toBe(kazoo['exists']);
    expect(body({ type: 'delete', path: '/d', version: 7 })).toBe(kazoo['delete']);
    expect(body({ type: 'setACL', path: '/a', acl: OPEN_ACL_UNSAFE, version: -1 })).toBe(kazoo['setACL']);
    expect(body({ type: 'sync', path: '/s' })).toBe(kazoo['sync']);
    expect(body({ type: 'auth', scheme: 'digest', auth: enc.encode('u:p') })).toBe(kazoo['auth']);
    expect(body({
      type: 'multi',
      ops: [
        { type: 'create', path: '/t', data: enc.encode('1'), acl: OPEN_ACL_UNSAFE, mode: 0 },
        { type: 'delete', path: '/t', version: -1 },
        { type: 'setData', path: '/s', data: enc.encode('z'), version: 2 },
        { type: 'check', path: '/c', version: 4 },
      ],
    })).toBe(kazoo['multi']);
  });

  it("kazoo's requests decode to the requests they mean", () => {
    const kazoo = python(KAZOO_ENCODE, {}) as Record<string, string>;
    const decode = (opcode: number, bodyHex: string) => {
      const head = Buffer.alloc(8);
      head.writeInt32BE(1, 0);
      head.writeInt32BE(opcode, 4);
      return decodeClientPacket(Buffer.concat([head, Buffer.from(bodyHex, 'hex')]));
    };
    expect(decode(OpCode.create2, kazoo['create2']!)).toMatchObject({ kind: 'request', request: { type: 'create', path: '/a/b', mode: 3, acl: OPEN_ACL_UNSAFE } });
    expect(decode(OpCode.multi, kazoo['multi']!)).toMatchObject({
      kind: 'request',
      request: { type: 'multi', ops: [{ type: 'create', path: '/t' }, { type: 'delete', path: '/t', version: -1 }, { type: 'setData', version: 2 }, { type: 'check', path: '/c', version: 4 }] },
      shape: { ops: [OpCode.create2, OpCode.delete, OpCode.setData, OpCode.check] },
    });
    expect(decode(OpCode.auth, kazoo['auth']!)).toMatchObject({ kind: 'request', request: { type: 'auth', scheme: 'digest' } });
  });

  it('replies meshkeeper writes read back in kazoo as the same values', () => {
    const cases = {
      getData: noPrefix(encodeReplyPacket(5, 77, { opcode: OpCode.getData }, { type: 'getData', data: enc.encode('hello'), stat })),
      getChildren2: noPrefix(encodeReplyPacket(6, 78, { opcode: OpCode.getChildren2 }, { type: 'getChildren', children: ['x', 'ü'], stat })),
      create: noPrefix(encodeReplyPacket(7, 79, { opcode: OpCode.create }, { type: 'create', path: '/n0000000001', stat })),
      error: noPrefix(encodeReplyPacket(8, 80, { opcode: OpCode.getData }, { type: 'error', code: Code.NONODE })),
      multi: noPrefix(encodeReplyPacket(9, 81, { opcode: OpCode.multi, ops: [OpCode.create, OpCode.delete, OpCode.setData, OpCode.check] }, {
        type: 'multi',
        results: [{ type: 'create', path: '/t', stat }, { type: 'delete' }, { type: 'setData', stat }, { type: 'error', code: Code.BADVERSION }],
      })),
      notification: noPrefix(encodeNotification({ type: EventType.NodeChildrenChanged, state: KeeperState.SyncConnected, path: '/p' })),
      connect: noPrefix(encodeConnectResponse({ protocolVersion: 0, timeOut: 6000, sessionId: 2 ** 32 + 2, passwd: new Uint8Array(16).fill(0xab), readOnly: false })),
    };
    const kazoo = python(KAZOO_DECODE, cases) as Record<string, unknown>;
    expect(kazoo['getData']).toEqual([[5, 77, 0], 'hello', statList]);
    expect(kazoo['getChildren2']).toEqual([[6, 78, 0], ['x', 'ü'], statList]);
    expect(kazoo['create']).toEqual([[7, 79, 0], '/n0000000001']);
    expect(kazoo['error']).toEqual([[8, 80, Code.NONODE], 0]);
    expect(kazoo['multi']).toEqual([[9, 81, 0], ['/t', true, statList, 'BadVersionError']]);
    expect(kazoo['notification']).toEqual([[-1, -1, 0], [EventType.NodeChildrenChanged, KeeperState.SyncConnected, '/p']]);
    expect(kazoo['connect']).toEqual([6000, 2 ** 32 + 2, 'ab'.repeat(16), false, 0]);
  });
});
