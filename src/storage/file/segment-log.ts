// The transaction log on files: segments `log.<gen>` of framed txns (length + CRC32, codec/frame.ts).
// A batch is one durable write (group commit): the active segment is opened O_DSYNC where the
// platform honours it (Node on POSIX), so the write returns once its data is on disk, as write +
// fdatasync would (ZooKeeper forces its log the same way, without metadata), in one system call
// and one trip to the I/O thread pool instead of two; elsewhere it is a write, then an fsync. A new segment starts when the active one is
// full or after a snapshot (roll), so that whole segments a snapshot covers can be deleted.
// Recovery reads every segment in order: a torn tail of the last segment is cut; any other bad
// frame, undecodable txn or out-of-order zxid is a StorageCorruptError naming the file and offset.
// Deletions that could open a gap in the log (truncate) are made durable one segment at a time,
// newest first; a crash part way through a truncate leaves a prefix of the log at least as long
// as the truncate asked for.

import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ByteWriter } from '../../codec/byte-writer.ts';
import { CodecError } from '../../codec/codec-error.ts';
import { FRAME_HEADER_BYTES, frameEach, readFrames } from '../../codec/frame.ts';
import { decodeTxn, writeTxn } from '../../codec/txn-codec.ts';
import type { Txn } from '../../core/requests/txn.ts';
import { assert } from '../../core/util/assert.ts';
import { ZXID_ZERO, zxidToString, type Zxid } from '../../core/zxid.ts';
import type { TxnLog } from '../txn-log.ts';
import { StorageCorruptError } from '../durable-store.ts';
import { DSYNC_FLAG, nativeCrc32, readBytes, syncDir, unlinkAll } from './fs-util.ts';
import { segmentName } from './names.ts';

interface Segment {
  readonly gen: number;
  readonly name: string;
  size: number;
  /** zxid and byte offset of every record, in order (for truncate without rereading). */
  readonly zxids: Zxid[];
  readonly offsets: number[];
}

export interface SegmentLogOptions {
  readonly dir: string;
  /** Roll to a new segment once the active one is at least this large. */
  readonly segmentBytes: number;
  /** Hands out a fresh generation (shared with snapshots). */
  readonly nextGen: () => number;
}

export class SegmentLog implements TxnLog {
  private active: FileHandle | undefined;
  private rollPending = false;
  /** Batches are encoded into this one buffer, reused from batch to batch. */
  private readonly scratch = new ByteWriter(64 * 1024);
  /** lastZxid() when the log is empty: the zxid a replacing snapshot restarted it at. */
  private base: Zxid = ZXID_ZERO;

  private constructor(
    private readonly options: SegmentLogOptions,
    private readonly segments: Segment[],
  ) {}

  /** Reads the segments `gens` (ascending), cuts a torn tail, and returns the log and its txns. */
  static async recover(options: SegmentLogOptions, gens: readonly number[]): Promise<{ log: SegmentLog; txns: Txn[] }> {
    const segments: Segment[] = [];
    const txns: Txn[] = [];
    let last = -1;
    for (let i = 0; i < gens.length; i++) {
      const gen = gens[i]!;
      const name = segmentName(gen);
      const path = join(options.dir, name);
      const bytes = await readBytes(path);
      const scan = readFrames(bytes, undefined, nativeCrc32);
      const isLast = i === gens.length - 1;
      if (scan.problem !== undefined && !(scan.problem.kind === 'torn' && isLast)) {
        throw new StorageCorruptError(path, scan.problem.offset, scan.problem.detail);
      }
      const segment: Segment = { gen, name, size: scan.validEnd, zxids: [], offsets: scan.offsets };
      for (let k = 0; k < scan.payloads.length; k++) {
        const offset = scan.offsets[k]!;
        const txn = decodeLogged(path, offset, scan.payloads[k]!);
        if (txn.header.zxid <= last) {
          throw new StorageCorruptError(path, offset, `zxid ${zxidToString(txn.header.zxid)} does not follow ${zxidToString(last as Zxid)}`);
        }
        last = txn.header.zxid;
        segment.zxids.push(txn.header.zxid);
        txns.push(txn);
      }
      if (scan.problem !== undefined) await cutTail(path, scan.validEnd);
      segments.push(segment);
    }
    const log = new SegmentLog(options, segments);
    const tail = segments.at(-1);
    if (tail !== undefined) log.active = await openSegment(join(options.dir, tail.name), 'existing');
    // Each lifetime appends to a fresh segment (as ZooKeeper starts a new log file): whole older
    // segments then become purgeable once snapshots cover them.
    log.roll();
    return { log, txns };
  }

  lastZxid(): Zxid {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const zxid = this.segments[i]!.zxids.at(-1);
      if (zxid !== undefined) return zxid;
    }
    return this.base;
  }

  /** Logged txns physically held (purged segments gone). */
  count(): number {
    return this.segments.reduce((n, s) => n + s.zxids.length, 0);
  }

  async append(txns: readonly Txn[]): Promise<void> {
    if (txns.length === 0) return;
    let last = this.lastZxid();
    for (const txn of txns) {
      // The message is built only on failure: this loop runs per appended txn.
      if (txn.header.zxid <= last) assert(false, `append out of order: ${zxidToString(txn.header.zxid)} after ${zxidToString(last)}`);
      last = txn.header.zxid;
    }
    const { bytes, offsets } = frameEach(txns, writeTxn, this.scratch);
    const created = await this.ensureActive();
    const segment = this.segments.at(-1)!;
    const handle = this.active!;
    await handle.write(bytes, 0, bytes.length, segment.size);
    if (DSYNC_FLAG === undefined) await handle.sync();
    // A new file's name is durable only once its directory is.
    if (created) await syncDir(this.options.dir);
    for (let i = 0; i < txns.length; i++) {
      segment.zxids.push(txns[i]!.header.zxid);
      segment.offsets.push(segment.size + offsets[i]!);
    }
    segment.size += bytes.length;
  }

  async read(afterZxid: Zxid): Promise<Txn[]> {
    const out: Txn[] = [];
    for (const segment of this.segments) {
      if ((segment.zxids.at(-1) ?? -1) <= afterZxid) continue;
      const path = join(this.options.dir, segment.name);
      const bytes = await readBytes(path);
      const scan = readFrames(bytes.subarray(0, segment.size), undefined, nativeCrc32);
      if (scan.problem !== undefined) throw new StorageCorruptError(path, scan.problem.offset, scan.problem.detail);
      for (let k = 0; k < scan.payloads.length; k++) {
        const txn = decodeLogged(path, scan.offsets[k]!, scan.payloads[k]!);
        if (txn.header.zxid > afterZxid) out.push(txn);
      }
    }
    return out;
  }

  async truncate(afterZxid: Zxid): Promise<void> {
    while (this.segments.length > 0) {
      const segment = this.segments.at(-1)!;
      const keep = countAtOrBelow(segment.zxids, afterZxid);
      if (keep === segment.zxids.length) return;
      if (keep === 0 && this.segments.length > 1) {
        await this.closeActive();
        this.segments.pop();
        await unlinkAll(this.options.dir, [segment.name]);
        this.active = await openSegment(join(this.options.dir, this.segments.at(-1)!.name), 'existing');
        continue;
      }
      const cut = keep === 0 ? 0 : segment.offsets[keep]!;
      await this.active!.truncate(cut);
      await this.active!.sync();
      segment.size = cut;
      segment.zxids.length = keep;
      segment.offsets.length = keep;
      return;
    }
  }

  /** Deletes whole segments (not the active one) whose txns are all at or below `upToZxid`. */
  async purge(upToZxid: Zxid): Promise<void> {
    const dead: string[] = [];
    while (this.segments.length > 1) {
      const first = this.segments[0]!;
      if ((first.zxids.at(-1) ?? -1) > upToZxid) break;
      dead.push(first.name);
      this.segments.shift();
    }
    await unlinkAll(this.options.dir, dead);
  }

  /** A replacing snapshot at `zxid`: every segment is dead, the log restarts after `zxid`. */
  async reset(zxid: Zxid): Promise<void> {
    await this.closeActive();
    const dead = this.segments.map((s) => s.name);
    this.segments.length = 0;
    this.base = zxid;
    this.rollPending = false;
    await unlinkAll(this.options.dir, dead);
  }

  /** The next append starts a new segment (after a snapshot, so that purge can free the old ones). */
  roll(): void {
    if ((this.segments.at(-1)?.size ?? 0) > 0) this.rollPending = true;
  }

  async close(): Promise<void> {
    await this.closeActive();
  }

  /** Opens a new active segment if needed; true when a file was created. */
  private async ensureActive(): Promise<boolean> {
    const segment = this.segments.at(-1);
    if (segment !== undefined && !this.rollPending && segment.size < this.options.segmentBytes) return false;
    await this.closeActive();
    const gen = this.options.nextGen();
    const name = segmentName(gen);
    this.active = await openSegment(join(this.options.dir, name), 'new');
    this.segments.push({ gen, name, size: 0, zxids: [], offsets: [] });
    this.rollPending = false;
    return true;
  }

  private async closeActive(): Promise<void> {
    const handle = this.active;
    this.active = undefined;
    if (handle !== undefined) await handle.close();
  }
}

function decodeLogged(path: string, offset: number, payload: Uint8Array): Txn {
  try {
    // The segment's buffer is ours and never reused: data can stay views into it.
    return decodeTxn(payload, true);
  } catch (e) {
    if (e instanceof CodecError) throw new StorageCorruptError(path, offset + FRAME_HEADER_BYTES + e.offset, e.message);
    throw e;
  }
}

/** A segment for appends: durable writes where the platform offers O_DSYNC (see the top). */
function openSegment(path: string, kind: 'new' | 'existing'): Promise<FileHandle> {
  const flags = kind === 'new' ? constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL : constants.O_RDWR;
  return open(path, DSYNC_FLAG === undefined ? flags : flags | DSYNC_FLAG);
}

async function cutTail(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** How many of the ascending `zxids` are <= `zxid` (binary search). */
function countAtOrBelow(zxids: readonly Zxid[], zxid: Zxid): number {
  let lo = 0;
  let hi = zxids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (zxids[mid]! <= zxid) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
