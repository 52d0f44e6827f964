// Znode data, stored in large append-only byte segments rather than one Uint8Array per node (each of
// which costs ~190 heap bytes in V8, more than a whole znode should). A piece of data is addressed by
// a ref (segment * 2^32 + offset) and its length. Bytes once written are never overwritten: a read
// returns a view into the segment, and that view stays valid (and unchanged) forever, even after the
// node changes or the segment is dropped. Freed bytes become garbage; when garbage outgrows the live
// data, the owner (NodeTable) moves the data out of half-empty segments, which are then dropped.

import { assert } from '../util/assert.ts';

const TWO_32 = 4294967296;
const FIRST_SEGMENT_BYTES = 64 * 1024;
const SEGMENT_BYTES_MAX = 4 * 1024 * 1024;
/** Compaction is not worth a scan of the node table below this much garbage. */
const COMPACT_GARBAGE_MIN_BYTES = 8 * 1024 * 1024;

/** The ref stored for empty data: nothing is written, and every call checks the length first. */
export const EMPTY_REF = 0;

export class DataArena {
  private readonly segments: (Uint8Array | undefined)[] = [];
  /** segments[id].buffer, kept apart: the getter costs more than the rest of a read. */
  private readonly buffers: (ArrayBuffer | undefined)[] = [];
  private readonly liveBySegment: number[] = [];
  private readonly freeSegmentIds: number[] = [];
  private current = -1;
  private cursor = 0;
  private nextSegmentBytes = FIRST_SEGMENT_BYTES;
  private capacityTotal = 0;
  private liveTotal = 0;
  private compactAt = COMPACT_GARBAGE_MIN_BYTES;

  /** Copies `bytes` in and returns their ref. */
  write(bytes: Uint8Array): number {
    const length = bytes.length;
    if (length === 0) return EMPTY_REF;
    let segment = this.current < 0 ? undefined : this.segments[this.current];
    if (segment === undefined || this.cursor + length > segment.length) segment = this.openSegment(length);
    segment.set(bytes, this.cursor);
    const ref = this.current * TWO_32 + this.cursor;
    this.cursor += length;
    this.liveBySegment[this.current]! += length;
    this.liveTotal += length;
    return ref;
  }

  /** A read-only view of stored data (callers must not write to it). */
  view(ref: number, length: number): Uint8Array {
    if (length === 0) return new Uint8Array(0);
    const id = Math.floor(ref / TWO_32);
    const buffer = this.buffers[id];
    if (buffer === undefined) assert(false, `data ref into a dropped segment: ${ref}`);
    return new Uint8Array(buffer, ref - id * TWO_32, length);
  }

  /** Marks stored data as garbage. */
  free(ref: number, length: number): void {
    if (length === 0) return;
    const id = Math.floor(ref / TWO_32);
    if (this.segments[id] === undefined) assert(false, `free in a dropped segment: ${ref}`);
    this.liveBySegment[id]! -= length;
    this.liveTotal -= length;
  }

  /** Bytes live in the arena (the sum of the lengths of stored data). */
  get liveBytes(): number {
    return this.liveTotal;
  }

  /** Bytes allocated for segments, live or not. */
  get capacityBytes(): number {
    return this.capacityTotal;
  }

  get needsCompaction(): boolean {
    return this.garbage() >= this.compactAt;
  }

  /** Seals the current segment and returns the ids of segments at most half live, to be emptied
   * with `move` before `finishCompaction`. */
  startCompaction(): boolean[] {
    this.current = -1;
    this.cursor = 0;
    const sparse: boolean[] = [];
    this.segments.forEach((segment, id) => {
      sparse[id] = segment !== undefined && this.liveBySegment[id]! * 2 <= segment.length;
    });
    return sparse;
  }

  segmentOf(ref: number): number {
    return Math.floor(ref / TWO_32);
  }

  /** Copies data to the write position and frees the old copy; returns the new ref. */
  move(ref: number, length: number): number {
    const moved = this.write(this.view(ref, length));
    this.free(ref, length);
    return moved;
  }

  finishCompaction(sparse: readonly boolean[]): void {
    sparse.forEach((isSparse, id) => {
      const segment = this.segments[id];
      if (!isSparse || segment === undefined) return;
      if (this.liveBySegment[id] !== 0) assert(false, `segment ${id} still holds live data after compaction`);
      this.segments[id] = undefined;
      this.buffers[id] = undefined;
      this.capacityTotal -= segment.length;
      this.freeSegmentIds.push(id);
    });
    // Let at least as much garbage again accumulate before the next scan: compaction stays
    // amortised O(1) per byte written even when garbage cannot be reclaimed.
    this.compactAt = this.garbage() + Math.max(this.liveTotal, COMPACT_GARBAGE_MIN_BYTES);
  }

  private garbage(): number {
    const segment = this.current < 0 ? undefined : this.segments[this.current];
    const unwritten = segment === undefined ? 0 : segment.length - this.cursor;
    return this.capacityTotal - this.liveTotal - unwritten;
  }

  private openSegment(minBytes: number): Uint8Array {
    const size = Math.max(this.nextSegmentBytes, minBytes);
    this.nextSegmentBytes = Math.min(SEGMENT_BYTES_MAX, this.nextSegmentBytes * 2);
    const segment = new Uint8Array(size);
    const id = this.freeSegmentIds.pop() ?? this.segments.length;
    this.segments[id] = segment;
    this.buffers[id] = segment.buffer;
    this.liveBySegment[id] = 0;
    this.capacityTotal += size;
    this.current = id;
    this.cursor = 0;
    return segment;
  }
}
