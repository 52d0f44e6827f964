// The sessions part of a snapshot, laid out as ZooKeeper's SerializeUtils writes it: an int count,
// then per session a long id and an int timeout (ms), big-endian. We sort by id so that the same
// sessions always give the same bytes (ZooKeeper iterates a HashMap). Bytes come from disk or a
// peer: decoding validates everything and answers damage with MARSHALLINGERROR, never an assert.

import { Code, KeeperError } from '../errors.ts';
import { assert } from '../util/assert.ts';
import type { SessionId } from '../util/ids.ts';
import { asSessionId } from '../util/ids.ts';
import { isSessionId } from './session-id.ts';

export interface SessionRecord {
  readonly id: SessionId;
  readonly timeoutMs: number;
}

const HEADER_BYTES = 4;
const RECORD_BYTES = 12;
const TWO_32 = 4294967296;

export function encodeSessions(records: readonly SessionRecord[]): Uint8Array {
  const sorted = [...records].sort((a, b) => a.id - b.id);
  const bytes = new Uint8Array(HEADER_BYTES + RECORD_BYTES * sorted.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, sorted.length);
  let at = HEADER_BYTES;
  let previous = 0;
  for (const { id, timeoutMs } of sorted) {
    assert(isSessionId(id) && id > previous, `session ids must be unique and valid: ${id}`);
    assert(Number.isInteger(timeoutMs) && timeoutMs > 0 && timeoutMs < 2 ** 31, `bad timeout ${timeoutMs}`);
    view.setUint32(at, Math.floor(id / TWO_32));
    view.setUint32(at + 4, id % TWO_32);
    view.setInt32(at + 8, timeoutMs);
    at += RECORD_BYTES;
    previous = id;
  }
  return bytes;
}

export function decodeSessions(bytes: Uint8Array): SessionRecord[] {
  const damaged = (why: string): KeeperError => new KeeperError(Code.MARSHALLINGERROR, `session snapshot: ${why}`);
  if (bytes.length < HEADER_BYTES) throw damaged(`${bytes.length} bytes is shorter than the header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0);
  if (bytes.length !== HEADER_BYTES + RECORD_BYTES * count) {
    throw damaged(`${bytes.length} bytes do not hold exactly ${count} sessions`);
  }
  const records: SessionRecord[] = [];
  let previous = 0;
  for (let i = 0, at = HEADER_BYTES; i < count; i++, at += RECORD_BYTES) {
    const id = view.getUint32(at) * TWO_32 + view.getUint32(at + 4);
    const timeoutMs = view.getInt32(at + 8);
    if (!isSessionId(id)) throw damaged(`session #${i} has id ${id}, not a positive integer below 2^53`);
    if (id <= previous) throw damaged(`session ids are not strictly increasing at #${i}`);
    if (timeoutMs <= 0) throw damaged(`session 0x${id.toString(16)} has timeout ${timeoutMs}`);
    records.push({ id: asSessionId(id), timeoutMs });
    previous = id;
  }
  return records;
}
