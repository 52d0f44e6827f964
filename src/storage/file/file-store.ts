// The Node DurableStore: a directory of log segments, snapshots and an epochs file, made durable
// with fsync. persist() turns each run of appends into one write + one fsync (group commit), and
// makes every op durable before the next one starts, so a crash keeps a prefix of the ops.
// Snapshots and epochs are replaced atomically (temp file, fsync, rename, fsync the directory).
// Recovery = the newest valid snapshot + the log after it; a torn log tail is cut; corruption
// before the tail is a StorageCorruptError naming the file and offset. The newest `keepSnapshots`
// snapshots are kept, and log segments that every kept snapshot covers are deleted.

import { mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Txn } from '../../core/requests/txn.ts';
import { assert } from '../../core/util/assert.ts';
import { limits } from '../../core/util/limits.ts';
import type { DurableState, PersistOp } from '../../core/zab/durable.ts';
import type { Zxid } from '../../core/zxid.ts';
import { StorageCorruptError, type DurableStore } from '../durable-store.ts';
import { decodeEpochs, encodeEpochs, type Epochs } from './epochs-file.ts';
import { nativeCrc32, readBytes, unlinkAll, writeFileAtomic } from './fs-util.ts';
import { EPOCHS_FILE, parseName, snapshotName } from './names.ts';
import { SegmentLog } from './segment-log.ts';
import { decodeSnapshotFile, decodeSnapshotHeader, encodeSnapshotFile, SNAPSHOT_HEADER_BYTES_MAX, type SnapshotMeta } from './snapshot-file.ts';

export interface FileStoreOptions {
  /** Snapshots kept on disk (the newest ones); default 3. */
  readonly keepSnapshots?: number;
  /** A log segment rolls over at this size; default limits.log_segment_bytes_max. */
  readonly segmentBytes?: number;
}

interface KeptSnapshot extends SnapshotMeta {
  readonly name: string;
}

export async function openFileStore(dir: string, options: FileStoreOptions = {}): Promise<DurableStore> {
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
  return new FileStore(dir, keep, nextGen, log, epochs, recovered.kept, recovered.newest, txns);
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

class FileStore implements DurableStore {
  private closed = false;
  private queue: Promise<void> = Promise.resolve();
  private floor: number;
  private failure: unknown;

  constructor(
    private readonly dir: string,
    private readonly keep: number,
    private readonly nextGen: () => number,
    private readonly log: SegmentLog,
    private epochs: Epochs,
    /** Snapshots on disk of the current history, oldest first. */
    private readonly snapshots: KeptSnapshot[],
    private newest: { meta: SnapshotMeta; bytes: Uint8Array } | undefined,
    /** The txns recovery decoded, handed to the first load() (dropped at the first persist). */
    private recoveredTxns: Txn[] | undefined,
  ) {
    this.floor = newest?.meta.floor ?? 0;
  }

  async load(): Promise<DurableState> {
    assert(!this.closed, 'load on a closed store');
    const snapshot = this.newest === undefined ? undefined : { zxid: this.newest.meta.zxid, bytes: this.newest.bytes };
    const after = (snapshot?.zxid ?? 0) as Zxid;
    const all = this.recoveredTxns ?? (await this.log.read(after));
    const log = all.length > 0 && all[0]!.header.zxid <= after ? all.filter((t) => t.header.zxid > after) : all;
    const base = { acceptedEpoch: this.epochs.acceptedEpoch, currentEpoch: this.epochs.currentEpoch, log };
    return snapshot === undefined ? base : { ...base, snapshot };
  }

  persist(ops: readonly PersistOp[]): Promise<void> {
    assert(!this.closed, 'persist on a closed store');
    // One persist at a time, in call order: each batch is durable before the next starts.
    // After a failed write (EIO, ENOSPC) the files and the index may disagree: fail-stop, and
    // let a restart recover from what the disk holds.
    const run = this.queue.then(async () => {
      if (this.failure !== undefined) throw new Error(`the store failed earlier: ${String(this.failure)}`);
      try {
        await this.persistNow(ops);
      } catch (e) {
        this.failure = e;
        throw e;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.log.close();
  }

  private async persistNow(ops: readonly PersistOp[]): Promise<void> {
    if (ops.length === 0) return;
    this.recoveredTxns = undefined;
    let appends: Txn[] = [];
    let epochs: Epochs | undefined;
    // Runs of appends (and of epoch changes) are coalesced into one durable write; a different
    // op flushes them first, so that what is durable is always a prefix of `ops`.
    const flush = async (): Promise<void> => {
      if (appends.length > 0) await this.log.append(appends);
      appends = [];
      if (epochs !== undefined) await writeFileAtomic(this.dir, EPOCHS_FILE, encodeEpochs(epochs));
      if (epochs !== undefined) this.epochs = epochs;
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
          const current = epochs ?? this.epochs;
          epochs = op.type === 'acceptedEpoch' ? { ...current, acceptedEpoch: op.epoch } : { ...current, currentEpoch: op.epoch };
          break;
        }
        case 'truncate':
          await flush();
          await this.log.truncate(op.zxid);
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
      const dead = this.snapshots.splice(0).map((s) => s.name);
      this.snapshots.push({ ...meta, name });
      await unlinkAll(this.dir, dead);
      await this.log.reset(zxid);
      return;
    }
    this.snapshots.push({ ...meta, name });
    this.log.roll();
    const dead = this.snapshots.splice(0, Math.max(0, this.snapshots.length - this.keep)).map((s) => s.name);
    await unlinkAll(this.dir, dead);
    const oldest = Math.min(...this.snapshots.map((s) => s.zxid)) as Zxid;
    await this.log.purge(oldest);
  }
}
