// The Node DurableStore: a directory of log segments, snapshots and an epochs file, made durable
// with fsync. persist() turns each run of appends into one write + one fsync (group commit), and
// makes every op durable before the next one starts, so a crash keeps a prefix of the ops.
// Snapshots and epochs are replaced atomically (temp file, fsync, rename, fsync the directory).
// Recovery = the newest valid snapshot + the log after it; a torn log tail is cut; corruption
// before the tail is a StorageCorruptError naming the file and offset. The newest `keepSnapshots`
// snapshots are kept, and log segments that every kept snapshot covers are deleted.
// The parts (log, snapshots, epochs; storage-adapter.ts) write through persist() and read and purge
// through the same queue, so every call takes effect in call order.

import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Txn } from '../../core/requests/txn.ts';
import { assert } from '../../core/util/assert.ts';
import { limits } from '../../core/util/limits.ts';
import type { DurableState, PersistOp } from '../../core/zab/durable.ts';
import type { Zxid } from '../../core/zxid.ts';
import { StorageCorruptError } from '../durable-store.ts';
import type { EpochStore } from '../epoch-store.ts';
import { epochStoreOver, snapshotStoreOver, txnLogOver } from '../parts.ts';
import type { SnapshotInfo, SnapshotStore } from '../snapshot-store.ts';
import type { StorageAdapter } from '../storage-adapter.ts';
import type { TxnLog } from '../txn-log.ts';
import { decodeEpochs, encodeEpochs, type Epochs } from './epochs-file.ts';
import { nativeCrc32, readBytes, unlinkAll, writeFileAtomic } from './fs-util.ts';
import { EPOCHS_FILE, parseName, snapshotName } from './names.ts';
import { SegmentLog } from './segment-log.ts';
import {
  decodeSnapshotFile,
  decodeSnapshotHeader,
  encodeSnapshotFile,
  SNAPSHOT_FILE_OVERHEAD_BYTES,
  SNAPSHOT_HEADER_BYTES_MAX,
  type SnapshotMeta,
} from './snapshot-file.ts';

export interface FileStoreOptions {
  /** Snapshots kept on disk (the newest ones); default 3. */
  readonly keepSnapshots?: number;
  /** A log segment rolls over at this size; default limits.log_segment_bytes_max. */
  readonly segmentBytes?: number;
}

interface KeptSnapshot extends SnapshotMeta {
  readonly name: string;
}

/** The file adapter: a DurableStore over `dir` and its parts. */
export interface FileStore extends StorageAdapter {
  readonly dir: string;
}

export async function openFileStore(dir: string, options: FileStoreOptions = {}): Promise<FileStore> {
  const keep = options.keepSnapshots ?? 3;
  assert(Number.isInteger(keep) && keep >= 1, `keepSnapshots must be >= 1: ${keep}`);
  await mkdir(dir, { recursive: true });
  const names = await readdir(dir);
  const parsed = names.map((name) => ({ name, ...parseName(name) }));
  await unlinkAll(dir, parsed.filter((p) => p.kind === 'tmp').map((p) => p.name));

  let maxGen = 0;
  for (const p of parsed) if (p.kind === 'segment' || p.kind === 'snapshot') maxGen = Math.max(maxGen, p.gen);
  const gens = { next: maxGen + 1 };
  const nextGen = (): number => gens.next++;

  const epochs = names.includes(EPOCHS_FILE) ? await readEpochs(dir) : { acceptedEpoch: 0, currentEpoch: 0 };
  const snapshotFiles = parsed.flatMap((p) => (p.kind === 'snapshot' ? [{ name: p.name, gen: p.gen }] : []));
  const recovered = await recoverSnapshots(dir, snapshotFiles);
  const floor = recovered.newest?.meta.floor ?? 0;

  const segmentFiles = parsed.flatMap((p) => (p.kind === 'segment' ? [{ name: p.name, gen: p.gen }] : []));
  await unlinkAll(dir, [...recovered.dead, ...segmentFiles.filter((s) => s.gen < floor).map((s) => s.name)]);
  const liveGens = segmentFiles.filter((s) => s.gen >= floor).map((s) => s.gen).sort((a, b) => a - b);
  const segmentBytes = options.segmentBytes ?? limits.log_segment_bytes_max;
  const { log, txns } = await SegmentLog.recover({ dir, segmentBytes, nextGen }, liveGens);
  return new FileDurableStore(dir, keep, nextGen, log, epochs, recovered.kept, recovered.newest, txns);
}

async function readEpochs(dir: string): Promise<Epochs> {
  const path = join(dir, EPOCHS_FILE);
  const decoded = decodeEpochs(await readBytes(path));
  if ('invalid' in decoded) throw new StorageCorruptError(path, 0, decoded.invalid);
  return decoded;
}

/** The newest snapshot that verifies, the older ones of its history (kept), and the rest (dead). */
async function recoverSnapshots(
  dir: string,
  files: readonly { name: string; gen: number }[],
): Promise<{ newest: { meta: SnapshotMeta; bytes: Uint8Array } | undefined; kept: KeptSnapshot[]; dead: string[] }> {
  const byNewest = [...files].sort((a, b) => b.gen - a.gen);
  let newest: { meta: SnapshotMeta; bytes: Uint8Array } | undefined;
  const kept: KeptSnapshot[] = [];
  const dead: string[] = [];
  for (const file of byNewest) {
    if (newest === undefined) {
      const decoded = decodeSnapshotFile(await readBytes(join(dir, file.name)), nativeCrc32);
      // An invalid snapshot is skipped for an older one (and left on disk for inspection).
      if ('invalid' in decoded || decoded.meta.gen !== file.gen) continue;
      newest = decoded;
      kept.push({ ...decoded.meta, name: file.name });
      continue;
    }
    const meta = await readSnapshotHeader(join(dir, file.name));
    if (meta !== undefined && meta.gen === file.gen && meta.floor === newest.meta.floor) kept.unshift({ ...meta, name: file.name });
    else if (meta !== undefined) dead.push(file.name);
  }
  return { newest, kept, dead };
}

async function readSnapshotHeader(path: string): Promise<SnapshotMeta | undefined> {
  const handle = await open(path, 'r');
  try {
    const prefix = new Uint8Array(SNAPSHOT_HEADER_BYTES_MAX);
    const { bytesRead } = await handle.read(prefix, 0, prefix.length, 0);
    return decodeSnapshotHeader(prefix.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

class FileDurableStore implements FileStore {
  readonly log: TxnLog;
  readonly snapshots: SnapshotStore;
  readonly epochs: EpochStore;
  private closed = false;
  private queue: Promise<void> = Promise.resolve();
  private floor: number;
  private failure: unknown;

  constructor(
    readonly dir: string,
    private readonly keep: number,
    private readonly nextGen: () => number,
    private readonly segments: SegmentLog,
    private epochState: Epochs,
    /** Snapshots on disk of the current history, oldest first. */
    private readonly kept: KeptSnapshot[],
    private newest: { meta: SnapshotMeta; bytes: Uint8Array } | undefined,
    /** The txns recovery decoded, handed to the first load() (dropped at the first change). */
    private recoveredTxns: Txn[] | undefined,
  ) {
    this.floor = newest?.meta.floor ?? 0;
    const persist = (ops: readonly PersistOp[]): Promise<void> => this.persist(ops);
    this.log = txnLogOver(persist, {
      read: (after) => this.enqueue(() => this.segments.read(after)),
      purge: (upTo) => this.change(() => this.segments.purge(upTo)),
      lastZxid: () => this.segments.lastZxid(),
    });
    this.snapshots = snapshotStoreOver(persist, {
      list: () => this.enqueue(() => this.listSnapshots()),
      loadNewestValid: () => this.enqueue(() => this.loadNewestValid()),
      purge: (keep) => this.change(() => this.purgeSnapshots(keep)),
    });
    this.epochs = epochStoreOver(persist, () => this.enqueue(async () => this.epochState));
  }

  async load(): Promise<DurableState> {
    assert(!this.closed, 'load on a closed store');
    const snapshot = this.newest === undefined ? undefined : { zxid: this.newest.meta.zxid, bytes: this.newest.bytes };
    const after = (snapshot?.zxid ?? 0) as Zxid;
    const all = this.recoveredTxns ?? (await this.segments.read(after));
    const log = all.length > 0 && all[0]!.header.zxid <= after ? all.filter((t) => t.header.zxid > after) : all;
    const base = { acceptedEpoch: this.epochState.acceptedEpoch, currentEpoch: this.epochState.currentEpoch, log };
    return snapshot === undefined ? base : { ...base, snapshot };
  }

  persist(ops: readonly PersistOp[]): Promise<void> {
    return this.change(() => this.persistNow(ops));
  }

  /**
   * Runs a change of the files after every call before it. After a failed write (EIO, ENOSPC) the
   * files and the index may disagree: fail-stop, and let a restart recover from what the disk holds.
   */
  private change(work: () => Promise<void>): Promise<void> {
    return this.enqueue(async () => {
      if (this.failure !== undefined) throw new Error(`the store failed earlier: ${String(this.failure)}`);
      this.recoveredTxns = undefined;
      try {
        await work();
      } catch (e) {
        this.failure = e;
        throw e;
      }
    });
  }

  /** One call at a time, in call order: each batch is durable before the next starts. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    assert(!this.closed, 'call on a closed store');
    const run = this.queue.then(work);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async listSnapshots(): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    for (const s of [...this.kept].reverse()) {
      const { size } = await stat(join(this.dir, s.name));
      out.push({ zxid: s.zxid, bytes: size - SNAPSHOT_FILE_OVERHEAD_BYTES });
    }
    return out;
  }

  /** Reads the kept snapshots newest first, verifying each, and returns the first whole one. */
  private async loadNewestValid(): Promise<{ zxid: Zxid; bytes: Uint8Array } | undefined> {
    for (const s of [...this.kept].reverse()) {
      const decoded = decodeSnapshotFile(await readBytes(join(this.dir, s.name)), nativeCrc32);
      if (!('invalid' in decoded) && decoded.meta.gen === s.gen) return { zxid: decoded.meta.zxid, bytes: decoded.bytes };
    }
    return undefined;
  }

  private async purgeSnapshots(keep: number): Promise<void> {
    const dead = this.kept.splice(0, Math.max(0, this.kept.length - keep)).map((s) => s.name);
    await unlinkAll(this.dir, dead);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.segments.close();
  }

  private async persistNow(ops: readonly PersistOp[]): Promise<void> {
    if (ops.length === 0) return;
    let appends: Txn[] = [];
    let epochs: Epochs | undefined;
    // Runs of appends (and of epoch changes) are coalesced into one durable write; a different
    // op flushes them first, so that what is durable is always a prefix of `ops`.
    const flush = async (): Promise<void> => {
      if (appends.length > 0) await this.segments.append(appends);
      appends = [];
      if (epochs !== undefined) await writeFileAtomic(this.dir, EPOCHS_FILE, encodeEpochs(epochs));
      if (epochs !== undefined) this.epochState = epochs;
      epochs = undefined;
    };
    for (const op of ops) {
      switch (op.type) {
        case 'append':
          if (epochs !== undefined) await flush();
          for (const txn of op.txns) appends.push(txn);
          break;
        case 'acceptedEpoch':
        case 'currentEpoch': {
          if (appends.length > 0) await flush();
          const current = epochs ?? this.epochState;
          epochs = op.type === 'acceptedEpoch' ? { ...current, acceptedEpoch: op.epoch } : { ...current, currentEpoch: op.epoch };
          break;
        }
        case 'truncate':
          await flush();
          await this.segments.truncate(op.zxid);
          break;
        case 'snapshot':
          await flush();
          await this.writeSnapshot(op.zxid, op.bytes, op.replace);
          break;
      }
    }
    await flush();
  }

  private async writeSnapshot(zxid: Zxid, bytes: Uint8Array, replace: boolean): Promise<void> {
    const gen = this.nextGen();
    const meta: SnapshotMeta = { gen, floor: replace ? gen : this.floor, zxid };
    const name = snapshotName(gen, zxid);
    await writeFileAtomic(this.dir, name, encodeSnapshotFile(meta, bytes));
    this.newest = { meta, bytes };
    if (replace) {
      // A new history: older snapshots and every segment are dead (recovery ignores segments
      // below the floor, so a crash before these deletions is harmless).
      this.floor = gen;
      const dead = this.kept.splice(0).map((s) => s.name);
      this.kept.push({ ...meta, name });
      await unlinkAll(this.dir, dead);
      await this.segments.reset(zxid);
      return;
    }
    this.kept.push({ ...meta, name });
    this.segments.roll();
    const dead = this.kept.splice(0, Math.max(0, this.kept.length - this.keep)).map((s) => s.name);
    await unlinkAll(this.dir, dead);
    const oldest = Math.min(...this.kept.map((s) => s.zxid)) as Zxid;
    await this.segments.purge(oldest);
  }
}
