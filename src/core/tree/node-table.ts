// Per-node metadata as fixed-size rows in one growable buffer: the Stat fields ZooKeeper persists
// (StatPersisted), the data's place in the DataArena, the ACL id and the node's digest hash. A row
// is 88 bytes, read through typed-array views: a zxid or a time costs 8 bytes instead of a boxed
// 16-byte number per field, and a random getData touches two cache lines instead of one per field.
// Rows are recycled through a free list; nothing outside the tree ever sees a slot number.

import type { SessionId } from '../util/ids.ts';
import { assert } from '../util/assert.ts';
import type { Zxid } from '../zxid.ts';
import { DataArena } from './data-arena.ts';
import type { Stat } from './stat.ts';

export const ROW_BYTES = 88;
/** Row strides in each view's elements. */
const F64_STRIDE = ROW_BYTES / 8;
const I32_STRIDE = ROW_BYTES / 4;

// Float64 fields (element offsets within a row of the f64 view).
export const CZXID = 0;
export const MZXID = 1;
export const PZXID = 2;
export const CTIME = 3;
export const MTIME = 4;
/** The session of an ephemeral, the TTL (ms) of a TTL node, else 0 (ZooKeeper packs both into
 * StatPersisted.ephemeralOwner; the node's mode tells them apart here). */
export const OWNER = 5;
export const DATA_REF = 6;
// 32-bit fields (element offsets within a row of the i32 and u32 views).
export const VERSION = 14;
/** ZooKeeper's persisted cversion: the number of children ever created (deletes do not count). */
export const CVERSION = 15;
export const AVERSION = 16;
export const DATA_LENGTH = 17;
export const ACL_ID = 18;
/** The node's contribution to the tree digest (unsigned). */
export const HASH = 19;
/** CRC-32 state after the node's path and data, so that a stat change rehashes only the stat. */
export const PREFIX_CRC = 20;

const FIRST_CAPACITY = 64;

export class NodeTable {
  private capacity = FIRST_CAPACITY;
  private highWater = 0;
  private readonly freeSlots: number[] = [];
  readonly arena = new DataArena();
  f64 = new Float64Array(FIRST_CAPACITY * F64_STRIDE);
  i32 = new Int32Array(this.f64.buffer);
  u32 = new Uint32Array(this.f64.buffer);

  /** A fresh row, zeroed. */
  allocate(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    if (this.highWater === this.capacity) this.grow();
    return this.highWater++;
  }

  /** Frees a row and its data. */
  release(slot: number): void {
    this.arena.free(this.f64[slot * F64_STRIDE + DATA_REF]!, this.u32[slot * I32_STRIDE + DATA_LENGTH]!);
    this.f64.fill(0, slot * F64_STRIDE, (slot + 1) * F64_STRIDE);
    this.freeSlots.push(slot);
    if (this.arena.needsCompaction) this.compactData();
  }

  /** ZooKeeper's DataTree.createStat: czxid = mzxid = pzxid, ctime = mtime, versions 0. */
  initStat(slot: number, owner: number, zxid: Zxid, time: number): void {
    const f = slot * F64_STRIDE;
    const f64 = this.f64;
    f64[f + CZXID] = zxid;
    f64[f + MZXID] = zxid;
    f64[f + PZXID] = zxid;
    f64[f + CTIME] = time;
    f64[f + MTIME] = time;
    f64[f + OWNER] = owner;
  }

  getF64(slot: number, field: number): number {
    return this.f64[slot * F64_STRIDE + field]!;
  }
  setF64(slot: number, field: number, value: number): void {
    this.f64[slot * F64_STRIDE + field] = value;
  }
  getI32(slot: number, field: number): number {
    return this.i32[slot * I32_STRIDE + field]!;
  }
  setI32(slot: number, field: number, value: number): void {
    this.i32[slot * I32_STRIDE + field] = value;
  }
  getU32(slot: number, field: number): number {
    return this.u32[slot * I32_STRIDE + field]!;
  }
  setU32(slot: number, field: number, value: number): void {
    this.u32[slot * I32_STRIDE + field] = value;
  }

  /** Copies `data` in; the old bytes become arena garbage. */
  writeData(slot: number, data: Uint8Array): void {
    const f = slot * F64_STRIDE + DATA_REF;
    const l = slot * I32_STRIDE + DATA_LENGTH;
    this.arena.free(this.f64[f]!, this.u32[l]!);
    this.f64[f] = this.arena.write(data);
    this.u32[l] = data.length;
    // After the row points at the new bytes: compaction moves rows' live data.
    if (this.arena.needsCompaction) this.compactData();
  }

  data(slot: number): Uint8Array {
    return this.arena.view(this.f64[slot * F64_STRIDE + DATA_REF]!, this.u32[slot * I32_STRIDE + DATA_LENGTH]!);
  }

  /** The Stat a client sees (ZooKeeper's DataNode.copyStat); `ephemeral` per the node's mode. */
  stat(slot: number, numChildren: number, ephemeral: boolean): Stat {
    const f = slot * F64_STRIDE;
    const i = slot * I32_STRIDE;
    const f64 = this.f64;
    const i32 = this.i32;
    return {
      czxid: f64[f + CZXID]! as Zxid,
      mzxid: f64[f + MZXID]! as Zxid,
      ctime: f64[f + CTIME]!,
      mtime: f64[f + MTIME]!,
      version: i32[i + VERSION]!,
      // ZooKeeper persists the number of creates and reports creates + deletes, which is
      // 2 * creates - children still present, in Java int arithmetic (so '/' starts at -1).
      cversion: (i32[i + CVERSION]! * 2 - numChildren) | 0,
      aversion: i32[i + AVERSION]!,
      ephemeralOwner: (ephemeral ? f64[f + OWNER]! : 0) as SessionId,
      dataLength: this.u32[i + DATA_LENGTH]!,
      numChildren,
      pzxid: f64[f + PZXID]! as Zxid,
    };
  }

  /** Bytes the rows take (capacity, not just rows in use). */
  get rowBytes(): number {
    return this.capacity * ROW_BYTES;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const f64 = new Float64Array(capacity * F64_STRIDE);
    f64.set(this.f64);
    this.f64 = f64;
    this.i32 = new Int32Array(f64.buffer);
    this.u32 = new Uint32Array(f64.buffer);
    this.capacity = capacity;
  }

  /** Moves the data of every row living in a half-empty segment, then drops those segments. */
  private compactData(): void {
    const arena = this.arena;
    const sparse = arena.startCompaction();
    for (let slot = 0; slot < this.highWater; slot++) {
      const length = this.u32[slot * I32_STRIDE + DATA_LENGTH]!;
      if (length === 0) continue;
      const f = slot * F64_STRIDE + DATA_REF;
      const ref = this.f64[f]!;
      if (sparse[arena.segmentOf(ref)] === true) this.f64[f] = arena.move(ref, length);
    }
    arena.finishCompaction(sparse);
    assert(!arena.needsCompaction, 'compaction left the arena needing compaction');
  }
}
