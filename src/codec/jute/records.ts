// The session-level records of ZooKeeper's client protocol (zookeeper.jute, module proto): the
// handshake, the request and reply headers, watch notifications and SetWatches. Operation bodies
// are in requests.ts and replies.ts.

import type { ByteWriter } from '../byte-writer.ts';
import type { WatchedEvent } from '../../core/watches/events.ts';
import { EventType, KeeperState } from '../../core/watches/events.ts';
import { limits } from '../../core/util/limits.ts';
import type { JuteReader } from './jute-reader.ts';
import { writeBool, writeStrings } from './jute-writer.ts';

/** Strings inside a packet are bounded by the packet; prep judges paths (length, syntax). */
export const STRING_BYTES_MAX = limits.client_packet_bytes_max;

export interface ConnectRequest {
  readonly protocolVersion: number;
  readonly lastZxidSeen: number;
  readonly timeOut: number;
  /** 0 for a new session. */
  readonly sessionId: number;
  readonly passwd: Uint8Array;
  /** Absent in old clients' handshakes (before ZooKeeper 3.4). */
  readonly readOnly: boolean;
}

export interface ConnectResponse {
  readonly protocolVersion: number;
  /** The negotiated session timeout; 0 tells the client its session is gone (expired). */
  readonly timeOut: number;
  readonly sessionId: number;
  readonly passwd: Uint8Array;
  readonly readOnly: boolean;
}

export interface RequestHeader {
  readonly xid: number;
  readonly type: number;
}

export interface ReplyHeader {
  readonly xid: number;
  readonly zxid: number;
  readonly err: number;
}

/** SetWatches (and SetWatches2, which adds the persistent lists): a reconnecting client's watches. */
export interface SetWatchesRecord {
  readonly relativeZxid: number;
  readonly dataWatches: readonly string[];
  readonly existWatches: readonly string[];
  readonly childWatches: readonly string[];
  readonly persistentWatches: readonly string[];
  readonly persistentRecursiveWatches: readonly string[];
}

export function writeConnectRequest(w: ByteWriter, c: ConnectRequest): void {
  w.i32(c.protocolVersion);
  w.i64(c.lastZxidSeen);
  w.i32(c.timeOut);
  w.i64(c.sessionId);
  w.bytes(c.passwd);
  writeBool(w, c.readOnly);
}

export function readConnectRequest(r: JuteReader): ConnectRequest {
  const protocolVersion = r.int('protocolVersion');
  const zxidAt = r.offset;
  const lastZxidSeen = r.long('lastZxidSeen');
  if (lastZxidSeen < 0) r.fail(`lastZxidSeen is negative (${lastZxidSeen})`, zxidAt);
  const timeOut = r.int('timeOut');
  const sessionAt = r.offset;
  const sessionId = r.long('sessionId');
  if (sessionId < 0) r.fail(`sessionId is negative (${sessionId})`, sessionAt);
  const passwd = r.buffer('passwd', limits.session_passwd_bytes_max);
  // ZooKeeper reads the readOnly flag only if the client sent it; trailing bytes are ignored too.
  const readOnly = r.remaining > 0 ? r.bool('readOnly') : false;
  return { protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly };
}

export function writeConnectResponse(w: ByteWriter, c: ConnectResponse): void {
  w.i32(c.protocolVersion);
  w.i32(c.timeOut);
  w.i64(c.sessionId);
  w.bytes(c.passwd);
  writeBool(w, c.readOnly);
}

export function readConnectResponse(r: JuteReader): ConnectResponse {
  const protocolVersion = r.int('protocolVersion');
  const timeOut = r.int('timeOut');
  const sessionId = r.long('sessionId');
  const passwd = r.buffer('passwd', limits.session_passwd_bytes_max);
  const readOnly = r.remaining > 0 ? r.bool('readOnly') : false;
  return { protocolVersion, timeOut, sessionId, passwd, readOnly };
}

export function writeRequestHeader(w: ByteWriter, h: RequestHeader): void {
  w.i32(h.xid);
  w.i32(h.type);
}

export function readRequestHeader(r: JuteReader): RequestHeader {
  return { xid: r.int('xid'), type: r.int('type') };
}

export function writeReplyHeader(w: ByteWriter, h: ReplyHeader): void {
  w.i32(h.xid);
  w.i64(h.zxid);
  w.i32(h.err);
}

export function readReplyHeader(r: JuteReader): ReplyHeader {
  return { xid: r.int('xid'), zxid: r.long('zxid'), err: r.int('err') };
}

export function writeWatcherEvent(w: ByteWriter, e: WatchedEvent): void {
  w.i32(e.type);
  w.i32(e.state);
  w.string(e.path);
}

const eventTypes: readonly number[] = Object.values(EventType);
const keeperStates: readonly number[] = Object.values(KeeperState);

export function readWatcherEvent(r: JuteReader): WatchedEvent {
  const typeAt = r.offset;
  const type = r.int('event type');
  if (!eventTypes.includes(type)) r.fail(`unknown watch event type ${type}`, typeAt);
  const stateAt = r.offset;
  const state = r.int('keeper state');
  if (!keeperStates.includes(state)) r.fail(`unknown keeper state ${state}`, stateAt);
  const path = r.ustring('event path', STRING_BYTES_MAX);
  return { type: type as EventType, state: state as KeeperState, path };
}

/** SetWatches when `v2` is false (the persistent lists must then be empty), else SetWatches2. */
export function writeSetWatches(w: ByteWriter, s: SetWatchesRecord, v2: boolean): void {
  w.i64(s.relativeZxid);
  writeStrings(w, s.dataWatches);
  writeStrings(w, s.existWatches);
  writeStrings(w, s.childWatches);
  if (!v2) return;
  writeStrings(w, s.persistentWatches);
  writeStrings(w, s.persistentRecursiveWatches);
}

export function readSetWatches(r: JuteReader, v2: boolean): SetWatchesRecord {
  const zxidAt = r.offset;
  const relativeZxid = r.long('relativeZxid');
  if (relativeZxid < 0) r.fail(`relativeZxid is negative (${relativeZxid})`, zxidAt);
  const dataWatches = r.strings('dataWatches', STRING_BYTES_MAX);
  const existWatches = r.strings('existWatches', STRING_BYTES_MAX);
  const childWatches = r.strings('childWatches', STRING_BYTES_MAX);
  const persistentWatches = v2 ? r.strings('persistentWatches', STRING_BYTES_MAX) : [];
  const persistentRecursiveWatches = v2 ? r.strings('persistentRecursiveWatches', STRING_BYTES_MAX) : [];
  return { relativeZxid, dataWatches, existWatches, childWatches, persistentWatches, persistentRecursiveWatches };
}
