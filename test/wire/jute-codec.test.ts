import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/codec/byte-writer.ts';
import { CodecError } from '../../src/codec/codec-error.ts';
import {
  decodeClientPacket, decodeConnectRequest, decodeConnectResponse, decodeServerPacket, encodeConnectRequest,
  encodeConnectResponse, encodeNotification, encodeReplyPacket, encodeRequestPacket, OpCode, PacketSplitter, shapeOf,
  type ClientPacket,
} from '../../src/codec/jute/index.ts';
import { Code } from '../../src/core/errors.ts';
import { limits } from '../../src/core/util/limits.ts';
import { EventType, KeeperState } from '../../src/core/watches/events.ts';
import { exchangeArb, wireRequestArb } from './arbitraries.ts';

/** The payload of a framed packet (the splitter is tested on its own below). */
const payload = (framed: Uint8Array): Uint8Array => framed.subarray(4);

function packet(xid: number, opcode: number, body: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter();
  w.i32(xid);
  w.i32(opcode);
  body(w);
  return w.finish();
}

function decodeOrCodecError(bytes: Uint8Array): ClientPacket | CodecError {
  try {
    return decodeClientPacket(bytes);
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
}

describe('jute codec: requests', () => {
  it('every request meshkeeper sends decodes to the same request and reply shape', () => {
    fc.assert(
      fc.property(wireRequestArb, fc.integer({ min: 1, max: 0x7fffffff }), (request, xid) => {
        const { bytes, shape } = encodeRequestPacket(xid, request);
        const decoded = decodeClientPacket(payload(bytes));
        expect(decoded).toEqual({ xid, opcode: shape.opcode, kind: 'request', request, shape: shapeOf(request) });
      }),
      { numRuns: 500 },
    );
  });

  it('every truncation of a request packet is a CodecError', () => {
    fc.assert(
      fc.property(wireRequestArb, fc.nat(), (request, cut) => {
        const bytes = payload(encodeRequestPacket(7, request).bytes);
        const short = bytes.subarray(0, cut % bytes.length);
        expect(decodeOrCodecError(short)).toBeInstanceOf(CodecError);
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes decode or fail with a CodecError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...Object.values(OpCode)), (body, opcode) => {
        const bytes = new Uint8Array(8 + body.length);
        new DataView(bytes.buffer).setInt32(4, opcode);
        bytes.set(body, 8);
        decodeOrCodecError(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('an unknown opcode is refused with UNIMPLEMENTED, its body unread', () => {
    const decoded = decodeClientPacket(packet(5, 999, (w) => w.raw(new Uint8Array([1, 2, 3]))));
    expect(decoded).toEqual({ xid: 5, opcode: 999, kind: 'refused', code: Code.UNIMPLEMENTED });
    expect(decodeClientPacket(packet(6, OpCode.sasl, () => undefined))).toMatchObject({ kind: 'refused', code: Code.UNIMPLEMENTED });
  });

  it('a create with an unknown flag, or a container flag on create2, is refused with BADARGUMENTS', () => {
    const create = (opcode: number, flags: number) =>
      packet(1, opcode, (w) => {
        w.string('/a');
        w.i32(-1);
        w.i32(0);
        w.i32(flags);
      });
    expect(decodeClientPacket(create(OpCode.create, 9))).toMatchObject({ kind: 'refused', code: Code.BADARGUMENTS });
    expect(decodeClientPacket(create(OpCode.create2, 4))).toMatchObject({ kind: 'refused', code: Code.BADARGUMENTS });
    expect(decodeClientPacket(create(OpCode.createContainer, 4))).toMatchObject({ kind: 'request', request: { mode: 4 } });
  });

  it('null buffers, strings and vectors (length -1) read as empty', () => {
    const decoded = decodeClientPacket(packet(1, OpCode.create, (w) => {
      w.string('/a');
      w.i32(-1); // data
      w.i32(-1); // acl
      w.i32(0);
    }));
    expect(decoded).toMatchObject({ kind: 'request', request: { type: 'create', path: '/a', data: new Uint8Array(0), acl: [], mode: 0 } });
  });

  it('a negative length other than -1 is a CodecError', () => {
    const bad = packet(1, OpCode.getData, (w) => {
      w.i32(-2);
      w.u8(0);
    });
    expect(() => decodeClientPacket(bad)).toThrow(CodecError);
    const badVector = packet(1, OpCode.setACL, (w) => {
      w.string('/a');
      w.i32(-7);
      w.i32(0);
    });
    expect(() => decodeClientPacket(badVector)).toThrow(/negative count/);
  });

  it('a vector longer than its packet could hold is refused before anything is allocated', () => {
    const huge = packet(1, OpCode.setACL, (w) => {
      w.string('/a');
      w.i32(0x7fffffff);
    });
    expect(() => decodeClientPacket(huge)).toThrow(/claims 2147483647 elements/);
  });

  it('a multi may hold only write ops and a multiRead only reads', () => {
    const multi = (opcode: number, op: number) =>
      packet(1, opcode, (w) => {
        w.i32(op);
        w.u8(0);
        w.i32(-1);
        w.string('/a');
        w.u8(0);
        w.i32(-1);
        w.u8(1);
        w.i32(-1);
      });
    expect(() => decodeClientPacket(multi(OpCode.multi, OpCode.getData))).toThrow(CodecError);
    expect(decodeClientPacket(multi(OpCode.multiRead, OpCode.getData))).toMatchObject({
      kind: 'request',
      request: { type: 'multiRead', ops: [{ type: 'getData', path: '/a', watch: false }] },
      shape: { opcode: OpCode.multiRead, ops: [OpCode.getData] },
    });
  });

  it('trailing bytes after a request are a CodecError', () => {
    expect(() => decodeClientPacket(packet(1, OpCode.sync, (w) => {
      w.string('/a');
      w.u8(0);
    }))).toThrow(/trailing/);
  });
});

describe('jute codec: replies', () => {
  it('every reply decodes, by the shape of its request, to the same reply', () => {
    fc.assert(
      fc.property(exchangeArb, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), ({ request, reply }, zxid) => {
        const shape = shapeOf(request);
        const decoded = decodeServerPacket(payload(encodeReplyPacket(42, zxid, shape, reply)));
        expect(decoded).toMatchObject({ kind: 'reply', xid: 42, zxid });
        if (decoded.kind !== 'reply') return;
        expect(decoded.body.read(shape)).toEqual(reply);
      }),
      { numRuns: 500 },
    );
  });

  it('an error reply has no body, and exists on a missing node is NONODE', () => {
    const err = payload(encodeReplyPacket(3, 9, { opcode: OpCode.getData }, { type: 'error', code: Code.NONODE }));
    expect(err.length).toBe(16);
    const missing = payload(encodeReplyPacket(4, 9, { opcode: OpCode.exists }, { type: 'exists', stat: null }));
    expect(decodeServerPacket(missing)).toMatchObject({ kind: 'reply', err: Code.NONODE });
  });

  it('a code map rewrites the header error and errors inside a multi', () => {
    const toUnimplemented = () => Code.UNIMPLEMENTED;
    const shape = { opcode: OpCode.multi, ops: [OpCode.create] };
    const reply = { type: 'multi' as const, results: [{ type: 'error' as const, code: Code.QUOTAEXCEEDED }] };
    const decoded = decodeServerPacket(payload(encodeReplyPacket(1, 1, shape, reply, toUnimplemented)));
    if (decoded.kind !== 'reply') throw new Error('not a reply');
    expect(decoded.body.read(shape)).toEqual({ type: 'multi', results: [{ type: 'error', code: Code.UNIMPLEMENTED }] });
  });

  it('a notification carries xid -1 and the event', () => {
    const event = { type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: '/x/ü' };
    expect(decodeServerPacket(payload(encodeNotification(event)))).toEqual({ kind: 'notification', event });
  });

  it('an unknown error code from a server is a CodecError', () => {
    const w = new ByteWriter();
    w.i32(1);
    w.i64(0);
    w.i32(-9999);
    const decoded = decodeServerPacket(w.finish());
    if (decoded.kind !== 'reply') throw new Error('not a reply');
    expect(() => decoded.body.read({ opcode: OpCode.getData })).toThrow(CodecError);
  });
});

describe('jute codec: handshake', () => {
  const request = { protocolVersion: 0, lastZxidSeen: 2 ** 40 + 5, timeOut: 30_000, sessionId: 2 ** 33 + 1, passwd: new Uint8Array(16).fill(7), readOnly: false };

  it('a ConnectRequest and a ConnectResponse survive encode and decode', () => {
    expect(decodeConnectRequest(payload(encodeConnectRequest(request)))).toEqual(request);
    const response = { protocolVersion: 0, timeOut: 4000, sessionId: 77, passwd: new Uint8Array(16).fill(1), readOnly: false };
    expect(decodeConnectResponse(payload(encodeConnectResponse(response)))).toEqual(response);
  });

  it('a ConnectRequest without the readOnly byte (an old client) reads as not read-only', () => {
    const bytes = payload(encodeConnectRequest({ ...request, readOnly: true }));
    expect(decodeConnectRequest(bytes).readOnly).toBe(true);
    expect(decodeConnectRequest(bytes.subarray(0, bytes.length - 1)).readOnly).toBe(false);
  });

  it('a negative session id or zxid, or an oversized password, is a CodecError', () => {
    expect(() => decodeConnectRequest(payload(encodeConnectRequest({ ...request, sessionId: -5 })))).toThrow(CodecError);
    expect(() => decodeConnectRequest(payload(encodeConnectRequest({ ...request, lastZxidSeen: -1 })))).toThrow(CodecError);
    const long = new Uint8Array(limits.session_passwd_bytes_max + 1);
    expect(() => decodeConnectRequest(payload(encodeConnectRequest({ ...request, passwd: long })))).toThrow(CodecError);
  });
});

describe('packet splitter', () => {
  it('reassembles packets however the stream is chunked', () => {
    fc.assert(
      fc.property(fc.array(wireRequestArb, { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }), (requests, sizes) => {
        const framed = requests.map((r, i) => encodeRequestPacket(i + 1, r).bytes);
        const stream = new Uint8Array(framed.reduce((n, f) => n + f.length, 0));
        let at = 0;
        for (const f of framed) {
          stream.set(f, at);
          at += f.length;
        }
        const splitter = new PacketSplitter();
        const out: Uint8Array[] = [];
        let i = 0;
        for (let pos = 0; pos < stream.length; i++) {
          const size = sizes[i % sizes.length]!;
          out.push(...splitter.push(stream.subarray(pos, pos + size)));
          pos += size;
        }
        expect(out.map((p) => [...p])).toEqual(framed.map((f) => [...payload(f)]));
        expect(splitter.pending).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('a negative or oversized length is a CodecError', () => {
    expect(() => new PacketSplitter().push(new Uint8Array([0xff, 0xff, 0xff, 0xfe]))).toThrow(/negative/);
    const over = new Uint8Array(4);
    new DataView(over.buffer).setInt32(0, limits.client_packet_bytes_max + 1);
    expect(() => new PacketSplitter().push(over)).toThrow(/more than/);
  });
});
