// Peer messages <-> bytes: one frame per PeerMessage, what a transport puts on a link. Layout
// (big-endian): u8 format version, u8 message tag, then the message's fields in declaration order.
// zxids, epochs, session ids and counters are i64; peer ids u8; txns are u32-length-prefixed
// txn-codec records; requests use request-codec. The link generation is not here: the transport
// carries it. decodePeerMessage checks every field's range and refuses trailing bytes, throwing a
// CodecError (never an assert): the bytes came from another peer.

import type { Id } from '../core/acl/types.ts';
import type { PeerMessage, ServerState } from '../core/messages.ts';
import type { Txn } from '../core/requests/txn.ts';
import { unreachable } from '../core/util/assert.ts';
import type { PeerId, SessionId } from '../core/util/ids.ts';
import { limits } from '../core/util/limits.ts';
import { epochOf, type Zxid } from '../core/zxid.ts';
import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { CodecError } from './codec-error.ts';
import { readRequest, writeRequest } from './request-codec.ts';
import { decodeTxn, writeTxn } from './txn-codec.ts';

export const PEER_FORMAT_VERSION = 1;

const Tag = {
  notification: 1,
  followerinfo: 2,
  leaderinfo: 3,
  ackepoch: 4,
  diff: 5,
  trunc: 6,
  snap: 7,
  newleader: 8,
  uptodate: 9,
  proposal: 10,
  ack: 11,
  commit: 12,
  inform: 13,
  ping: 14,
  request: 15,
  'create-session': 16,
  'close-session': 17,
  revalidate: 18,
  'sync-reply': 19,
  'client-data': 20,
  'client-close': 21,
} as const satisfies Record<PeerMessage['type'], number>;

const States: readonly ServerState[] = ['LOOKING', 'FOLLOWING', 'LEADING', 'OBSERVING'];
/** The smallest encoded txn (version, header, tag): bounds a count before anything is allocated. */
const TXN_BYTES_MIN = 1 + 8 + 4 + 8 + 8 + 1;

export function encodePeerMessage(message: PeerMessage): Uint8Array {
  const w = new ByteWriter(message.type === 'snap' ? 64 + message.snapshot.length : 128);
  w.u8(PEER_FORMAT_VERSION);
  w.u8(Tag[message.type]);
  switch (message.type) {
    case 'notification':
      w.u8(message.leader);
      w.i64(message.zxid);
      w.i64(message.peerEpoch);
      w.i64(message.electionEpoch);
      w.u8(States.indexOf(message.state));
      break;
    case 'followerinfo':
      w.i64(message.acceptedEpoch);
      w.i64(message.lastZxid);
      w.u8(message.observer ? 1 : 0);
      w.i64(message.attempt);
      break;
    case 'leaderinfo':
      w.i64(message.newEpoch);
      w.i64(message.attempt);
      break;
    case 'ackepoch':
      w.i64(message.currentEpoch);
      w.i64(message.lastZxid);
      break;
    case 'diff':
      writeTxns(w, message.txns);
      break;
    case 'trunc':
      w.i64(message.zxid);
      writeTxns(w, message.txns);
      break;
    case 'snap':
      w.i64(message.zxid);
      w.bytes(message.snapshot);
      writeTxns(w, message.txns);
      break;
    case 'newleader':
      w.i64(message.epoch);
      break;
    case 'uptodate':
      w.i64(message.committedZxid);
      break;
    case 'proposal':
    case 'inform':
      writeTxns(w, [message.txn]);
      break;
    case 'ack':
    case 'commit':
      w.i64(message.zxid);
      break;
    case 'ping':
      w.u32(message.sessions.length);
      for (const s of message.sessions) w.i64(s);
      break;
    case 'request':
      w.i64(message.session);
      w.i32(message.cxid);
      writeRequest(w, message.request);
      w.u32(message.authIds.length);
      for (const id of message.authIds) {
        w.string(id.scheme);
        w.string(id.id);
      }
      break;
    case 'create-session':
      w.i32(message.cxid);
      w.i64(message.timeoutMs);
      break;
    case 'close-session':
      w.i64(message.session);
      w.i32(message.cxid);
      break;
    case 'revalidate':
      w.i64(message.session);
      break;
    case 'sync-reply':
      w.i64(message.session);
      w.i32(message.cxid);
      w.i64(message.zxid);
      break;
    case 'client-data':
      w.i32(message.stream);
      w.u8(message.toServer ? 1 : 0);
      w.bytes(message.data);
      break;
    case 'client-close':
      w.i32(message.stream);
      w.u8(message.toServer ? 1 : 0);
      w.string(message.reason);
      break;
    default:
      unreachable(message, 'unknown peer message type');
  }
  return w.finish();
}

function writeTxns(w: ByteWriter, txns: readonly Txn[]): void {
  w.u32(txns.length);
  for (const txn of txns) {
    const at = w.length;
    w.u32(0);
    writeTxn(w, txn);
    w.patchU32(at, w.length - at - 4);
  }
}

/** Decodes exactly one message occupying all of `bytes`; throws CodecError on anything malformed. */
export function decodePeerMessage(bytes: Uint8Array): PeerMessage {
  const r = new ByteReader(bytes);
  const version = r.u8('format version');
  if (version !== PEER_FORMAT_VERSION) r.fail(`unknown peer message format version ${version}`, 0);
  const message = readMessage(r);
  r.expectEnd(`the ${message.type} message`);
  return message;
}

function readMessage(r: ByteReader): PeerMessage {
  const tagAt = r.offset;
  const tag = r.u8('message type');
  switch (tag) {
    case Tag.notification: {
      const leader = peerId(r, 'leader');
      const zxid = readZxid(r, 'zxid');
      const peerEpoch = epoch(r, 'peerEpoch');
      const electionEpoch = count(r, 'electionEpoch');
      const at = r.offset;
      const state = States[r.u8('server state')];
      if (state === undefined) return r.fail('unknown server state', at);
      return { type: 'notification', leader, zxid, peerEpoch, electionEpoch, state };
    }
    case Tag.followerinfo: {
      const acceptedEpoch = epoch(r, 'acceptedEpoch');
      const lastZxid = readZxid(r, 'lastZxid');
      const observer = bool(r, 'observer');
      return { type: 'followerinfo', acceptedEpoch, lastZxid, observer, attempt: count(r, 'attempt') };
    }
    case Tag.leaderinfo: {
      const newEpoch = epoch(r, 'newEpoch');
      return { type: 'leaderinfo', newEpoch, attempt: count(r, 'attempt') };
    }
    case Tag.ackepoch: {
      const at = r.offset;
      const currentEpoch = r.i64('currentEpoch');
      // -1: "I had already accepted this epoch" (see AckEpochMessage).
      if (currentEpoch < -1 || currentEpoch > limits.epoch_max) r.fail(`currentEpoch ${currentEpoch} out of range`, at);
      return { type: 'ackepoch', currentEpoch, lastZxid: readZxid(r, 'lastZxid') };
    }
    case Tag.diff:
      return { type: 'diff', txns: readTxns(r) };
    case Tag.trunc: {
      const zxid = readZxid(r, 'zxid');
      return { type: 'trunc', zxid, txns: readTxns(r) };
    }
    case Tag.snap: {
      const zxid = readZxid(r, 'zxid');
      const snapshot = r.bytes('snapshot', limits.record_bytes_max);
      return { type: 'snap', zxid, snapshot, txns: readTxns(r) };
    }
    case Tag.newleader:
      return { type: 'newleader', epoch: epoch(r, 'epoch') };
    case Tag.uptodate:
      return { type: 'uptodate', committedZxid: readZxid(r, 'committedZxid') };
    case Tag.proposal:
    case Tag.inform: {
      const at = r.offset;
      const txns = readTxns(r);
      const txn = txns[0];
      if (txn === undefined || txns.length !== 1) return r.fail(`expected one txn, got ${txns.length}`, at);
      return { type: tag === Tag.proposal ? 'proposal' : 'inform', txn };
    }
    case Tag.ack:
      return { type: 'ack', zxid: readZxid(r, 'zxid') };
    case Tag.commit:
      return { type: 'commit', zxid: readZxid(r, 'zxid') };
    case Tag.ping: {
      const n = boundedCount(r, 'session count', limits.sessions_max, 8);
      const sessions: SessionId[] = [];
      for (let i = 0; i < n; i++) sessions.push(sessionId(r));
      return { type: 'ping', sessions };
    }
    case Tag.request: {
      const session = sessionId(r);
      const cxid = r.i32('cxid');
      const request = readRequest(r);
      const count = boundedCount(r, 'auth id count', limits.auth_ids_per_session_max, 8);
      const authIds: Id[] = [];
      for (let i = 0; i < count; i++) authIds.push({ scheme: r.string('auth id scheme', 1024), id: r.string('auth id', 1024) });
      return { type: 'request', session, cxid, request, authIds };
    }
    case Tag['create-session']: {
      const cxid = r.i32('cxid');
      // Any requested timeout is well-formed: the leader negotiates it into its bounds.
      return { type: 'create-session', cxid, timeoutMs: r.i64('timeoutMs') };
    }
    case Tag['close-session']: {
      const session = sessionId(r);
      return { type: 'close-session', session, cxid: r.i32('cxid') };
    }
    case Tag.revalidate:
      return { type: 'revalidate', session: sessionId(r) };
    case Tag['sync-reply']: {
      const session = sessionId(r);
      const cxid = r.i32('cxid');
      return { type: 'sync-reply', session, cxid, zxid: readZxid(r, 'zxid') };
    }
    case Tag['client-data']: {
      const stream = r.i32('stream');
      const toServer = readFlag(r, 'direction');
      return { type: 'client-data', stream, toServer, data: r.bytes('client data', limits.client_packet_bytes_max) };
    }
    case Tag['client-close']: {
      const stream = r.i32('stream');
      const toServer = readFlag(r, 'direction');
      return { type: 'client-close', stream, toServer, reason: r.string('reason', 1024) };
    }
    default:
      return r.fail(`unknown peer message type tag ${tag}`, tagAt);
  }
}

function readFlag(r: ByteReader, what: string): boolean {
  const at = r.offset;
  const flag = r.u8(what);
  if (flag > 1) r.fail(`${what}: ${flag} is not 0 or 1`, at);
  return flag === 1;
}

function readTxns(r: ByteReader): Txn[] {
  const n = boundedCount(r, 'txn count', Number.MAX_SAFE_INTEGER, 4 + TXN_BYTES_MIN);
  const txns: Txn[] = [];
  for (let i = 0; i < n; i++) {
    const start = r.offset + 4;
    const bytes = r.bytesView('txn', limits.record_bytes_max);
    try {
      txns.push(decodeTxn(bytes));
    } catch (e) {
      if (e instanceof CodecError) r.fail(`txn ${i}: ${e.message}`, start + e.offset);
      throw e;
    }
  }
  return txns;
}

/** A u32 count, refused when above `max` or when the bytes left cannot hold that many items. */
function boundedCount(r: ByteReader, what: string, max: number, itemBytesMin: number): number {
  const at = r.offset;
  const n = r.u32(what);
  if (n > max || n * itemBytesMin > r.remaining) r.fail(`${what} ${n} does not fit the message`, at);
  return n;
}

function readZxid(r: ByteReader, what: string): Zxid {
  const at = r.offset;
  const zxid = r.i64(what);
  if (zxid < 0 || epochOf(zxid as Zxid) > limits.epoch_max) r.fail(`${what} ${zxid} out of range`, at);
  return zxid as Zxid;
}

function epoch(r: ByteReader, what: string): number {
  const at = r.offset;
  const n = r.i64(what);
  if (n < 0 || n > limits.epoch_max) r.fail(`${what} ${n} out of range`, at);
  return n;
}

function count(r: ByteReader, what: string): number {
  const at = r.offset;
  const n = r.i64(what);
  if (n < 0) r.fail(`negative ${what} ${n}`, at);
  return n;
}

function peerId(r: ByteReader, what: string): PeerId {
  const at = r.offset;
  const id = r.u8(what);
  if (id < 1 || id > limits.peer_id_max) r.fail(`${what} ${id} is not a peer id`, at);
  return id as PeerId;
}

function sessionId(r: ByteReader): SessionId {
  const at = r.offset;
  const id = r.i64('session id');
  if (id < 0) r.fail(`negative session id ${id}`, at);
  return id as SessionId;
}

function bool(r: ByteReader, what: string): boolean {
  const at = r.offset;
  const b = r.u8(what);
  if (b > 1) r.fail(`${what} is ${b}, not a boolean`, at);
  return b === 1;
}
