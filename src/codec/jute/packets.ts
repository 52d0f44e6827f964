// Whole ZooKeeper client packets, each preceded on the wire by its length (a 4-byte big-endian
// int). The client's first packet is a ConnectRequest and the server's first a ConnectResponse,
// both without header; after that a client packet is RequestHeader{xid, type} + body and a server
// packet ReplyHeader{xid, zxid, err} + body. Special xids: -1 a watch notification (server to
// client), -2 a ping, -4 an auth packet, -8 SetWatches (the caller picks the xid; all but the
// notification are answered with the same xid). Decoders take the payload without the
// length prefix (frames.ts splits the stream); encoders return it with the prefix.

import type { ErrorCode } from '../../core/errors.ts';
import type { Reply } from '../../core/requests/reply.ts';
import type { Request } from '../../core/requests/request.ts';
import type { WatchedEvent } from '../../core/watches/events.ts';
import { ByteWriter } from '../byte-writer.ts';
import { JuteReader } from './jute-reader.ts';
import { OpCode, Xid } from './opcodes.ts';
import {
  readConnectRequest, readConnectResponse, readReplyHeader, readRequestHeader, readWatcherEvent,
  writeConnectRequest, writeConnectResponse, writeReplyHeader, writeRequestHeader, writeWatcherEvent,
  type ConnectRequest, type ConnectResponse,
} from './records.ts';
import { readReplyBody, writeReplyBody, type CodeMap } from './replies.ts';
import { readRequestBody, shapeOf, writeRequestBody, type ReplyShape } from './requests.ts';

/** A packet from a client after the handshake. */
export type ClientPacket = { readonly xid: number; readonly opcode: number } & (
  | { readonly kind: 'request'; readonly request: Request; readonly shape: ReplyShape }
  /** A request the server answers with `code` without running it (unknown opcode, bad flag). */
  | { readonly kind: 'refused'; readonly code: ErrorCode }
  | { readonly kind: 'ping' }
  | { readonly kind: 'closeSession' }
);

/** A packet from a server after the handshake: a notification, or the header of a reply. */
export type ServerPacket =
  | { readonly kind: 'notification'; readonly event: WatchedEvent }
  | { readonly kind: 'reply'; readonly xid: number; readonly zxid: number; readonly err: number; readonly body: ReplyBody };

/** A reply's body, read once the client has matched the xid to the shape it sent. */
export interface ReplyBody {
  read(shape: ReplyShape): Reply;
}

function framed(write: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter(64);
  w.u32(0);
  write(w);
  w.patchU32(0, w.length - 4);
  return w.finish();
}

export const encodeConnectRequest = (c: ConnectRequest): Uint8Array => framed((w) => writeConnectRequest(w, c));
export const encodeConnectResponse = (c: ConnectResponse): Uint8Array => framed((w) => writeConnectResponse(w, c));
export const decodeConnectRequest = (payload: Uint8Array): ConnectRequest => readConnectRequest(new JuteReader(payload));
export const decodeConnectResponse = (payload: Uint8Array): ConnectResponse => readConnectResponse(new JuteReader(payload));

export function decodeClientPacket(payload: Uint8Array): ClientPacket {
  const r = new JuteReader(payload);
  const { xid, type: opcode } = readRequestHeader(r);
  const head = { xid, opcode };
  switch (opcode) {
    case OpCode.ping:
      r.expectEnd('a ping');
      return { ...head, kind: 'ping' };
    case OpCode.closeSession:
      r.expectEnd('a closeSession');
      return { ...head, kind: 'closeSession' };
    default: {
      const body = readRequestBody(r, opcode);
      return body.kind === 'request'
        ? { ...head, kind: 'request', request: body.request, shape: body.shape }
        : { ...head, kind: 'refused', code: body.code };
    }
  }
}

/** A request packet as meshkeeper's client sends it, with the shape its reply will have. */
export function encodeRequestPacket(xid: number, request: Request): { readonly bytes: Uint8Array; readonly shape: ReplyShape } {
  const shape = shapeOf(request);
  const bytes = framed((w) => {
    writeRequestHeader(w, { xid, type: shape.opcode });
    writeRequestBody(w, request);
  });
  return { bytes, shape };
}

export const encodePing = (): Uint8Array => framed((w) => writeRequestHeader(w, { xid: Xid.ping, type: OpCode.ping }));

export const encodeCloseSession = (xid: number): Uint8Array =>
  framed((w) => writeRequestHeader(w, { xid, type: OpCode.closeSession }));

/** A reply packet; `mapCode` rewrites error codes the client may not know. */
export function encodeReplyPacket(xid: number, zxid: number, shape: ReplyShape, reply: Reply, mapCode?: CodeMap): Uint8Array {
  return framed((w) => {
    writeReplyHeader(w, { xid, zxid, err: 0 });
    const err = writeReplyBody(w, shape, reply, mapCode);
    if (err !== 0) {
      // An error carries no body: start over with the header alone.
      w.reset();
      w.u32(0);
      writeReplyHeader(w, { xid, zxid, err });
    }
  });
}

/** A reply with an empty body (ping, setWatches, a refusal). */
export const encodeHeaderOnly = (xid: number, zxid: number, err: number): Uint8Array =>
  framed((w) => writeReplyHeader(w, { xid, zxid, err }));

/** A watch notification: xid -1, zxid -1 (ZooKeeper's NOTIFICATION_XID and no zxid), then the event. */
export const encodeNotification = (event: WatchedEvent): Uint8Array =>
  framed((w) => {
    writeReplyHeader(w, { xid: Xid.notification, zxid: -1, err: 0 });
    writeWatcherEvent(w, event);
  });

export function decodeServerPacket(payload: Uint8Array): ServerPacket {
  const r = new JuteReader(payload);
  const { xid, zxid, err } = readReplyHeader(r);
  const errAt = r.offset - 4;
  if (xid === Xid.notification) {
    const event = readWatcherEvent(r);
    r.expectEnd('a notification');
    return { kind: 'notification', event };
  }
  const body: ReplyBody = {
    read(shape) {
      const reply = readReplyBody(r, shape, err, errAt);
      r.expectEnd(`the reply to opcode ${shape.opcode}`);
      return reply;
    },
  };
  return { kind: 'reply', xid, zxid, err, body };
}
