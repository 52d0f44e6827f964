// Storage benchmark for the Node file adapter. Prints one JSON line per figure. Run with
// `npx tsx --expose-gc bench/storage.ts` (npm run bench:storage). Rates are per second of wall
// time (the figures measure the disk): fsync_per_s_raw is a plain write+fsync loop on the same
// disk in the same run, interleaved with the appends (see measure()), the yardstick for group commit. Appends are ~150-byte records; only the
// persist() calls are timed (txns are built beforehand, as the core would hand them over).
// recovery_s_1m opens a store holding a 1,000,000-znode snapshot plus 100,000 logged txns and
// rebuilds the tree: read + verify, deserialize, replay through DataTree.apply.

import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTxn } from '../src/codec/txn-codec.ts';
import { OPEN_ACL_UNSAFE } from '../src/core/acl/types.ts';
import type { Txn } from '../src/core/requests/txn.ts';
import { CreateMode } from '../src/core/tree/create-mode.ts';
import { DataTree } from '../src/core/tree/data-tree.ts';
import { deserializeTree, serializeTree } from '../src/core/tree/snapshot.ts';
import { asSessionId } from '../src/core/util/ids.ts';
import { makeZxid, type Zxid } from '../src/core/zxid.ts';
import { openFileStore } from '../src/storage/file/index.ts';

const RECORD_BYTES = 150;
const SLICES = 8;
const SLICE_MS = 150;
const PARENTS = 1000;
const CHILDREN = 1000;
const LOGGED_TXNS = 100_000;

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

function figure(name: string, value: number, unit: string): void {
  const rounded = value >= 100 ? Math.round(value) : Math.round(value * 100) / 100;
  console.log(JSON.stringify({ bench: 'storage', figure: name, value: rounded, unit }));
}

const session = asSessionId(0x5eed);
const dataFor150 = (() => {
  // Size the data so that one encoded txn is RECORD_BYTES long.
  const probe = encodeTxn(setData(makeZxid(1, 1), new Uint8Array(0)));
  return new Uint8Array(RECORD_BYTES - probe.length).fill(0x61);
})();

function setData(zxid: Zxid, data: Uint8Array, path = '/bench', version = 1): Txn {
  return { header: { sessionId: session, cxid: 1, zxid, time: 1_700_000_000_000 }, body: { type: 'setData', path, data, version } };
}

async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'meshkeeper-bench-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Slices {
  rawFsyncs: number;
  rawMs: number;
  appends: number;
  appendMs: number;
}

/**
 * Appends in batches of `batch` to a file store, interleaved with a plain write+fsync loop on a
 * file in the same directory (SLICES alternating slices each), so that both see the same disk
 * weather: a shared virtual disk's fsync rate drifts by 2-3x within seconds.
 */
async function measure(batch: number): Promise<Slices> {
  return withTempDir(async (dir) => {
    const store = await openFileStore(join(dir, 'store'));
    await store.load();
    const raw = await open(join(dir, 'raw'), 'w');
    const record = new Uint8Array(RECORD_BYTES + 8).fill(0x62);
    const out: Slices = { rawFsyncs: 0, rawMs: 0, appends: 0, appendMs: 0 };
    let counter = 0;
    for (let slice = 0; slice < SLICES; slice++) {
      const rawStart = performance.now();
      while (performance.now() - rawStart < SLICE_MS) {
        await raw.write(record, 0, record.length, out.rawFsyncs * record.length);
        await raw.sync();
        out.rawFsyncs++;
      }
      out.rawMs += performance.now() - rawStart;
      const appendStart = performance.now();
      while (performance.now() - appendStart < SLICE_MS) {
        const txns: Txn[] = [];
        for (let i = 0; i < batch; i++) txns.push(setData(makeZxid(1, ++counter), dataFor150));
        const t0 = performance.now();
        await store.persist([{ type: 'append', txns }]);
        out.appendMs += performance.now() - t0;
        out.appends += batch;
      }
    }
    await raw.close();
    await store.close();
    return out;
  });
}

/** A 1000 × 1000 tree with 100-byte data, as bench/tree.ts builds it. */
function millionNodeTree(): { tree: DataTree; counter: number } {
  const tree = new DataTree();
  const data = new Uint8Array(100).fill(7);
  let counter = 0;
  const create = (path: string, parentCversion: number): void => {
    counter++;
    tree.apply({
      header: { sessionId: session, cxid: counter, zxid: makeZxid(1, counter), time: 1_700_000_000_000 + counter },
      body: { type: 'create', path, data, acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT, ttl: 0, parentCversion },
    });
  };
  const pad = (n: number): string => String(n).padStart(4, '0');
  for (let p = 0; p < PARENTS; p++) {
    create(`/p${pad(p)}`, p + 2);
    for (let c = 0; c < CHILDREN; c++) create(`/p${pad(p)}/c${pad(c)}`, c + 1);
  }
  return { tree, counter };
}

async function recoverySeconds(): Promise<{ seconds: number; znodes: number; snapshotBytes: number }> {
  return withTempDir(async (dir) => {
    const { tree, counter } = millionNodeTree();
    const snapshot = serializeTree(tree);
    const znodes = tree.nodeCount;
    const store = await openFileStore(dir);
    await store.load();
    await store.persist([{ type: 'snapshot', zxid: makeZxid(1, counter), bytes: snapshot, replace: false }]);
    const pad = (n: number): string => String(n).padStart(4, '0');
    for (let b = 0; b < LOGGED_TXNS / 1000; b++) {
      const txns: Txn[] = [];
      for (let i = b * 1000; i < (b + 1) * 1000; i++) {
        const path = `/p${pad(i % PARENTS)}/c${pad(Math.floor(i / PARENTS))}`;
        txns.push(setData(makeZxid(1, counter + 1 + i), dataFor150, path, 1));
      }
      await store.persist([{ type: 'append', txns }]);
    }
    await store.close();

    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const start = performance.now();
    const reopened = await openFileStore(dir);
    const state = await reopened.load();
    const rebuilt = deserializeTree(state.snapshot!.bytes);
    for (const txn of state.log) rebuilt.apply(txn);
    const seconds = (performance.now() - start) / 1000;
    await reopened.close();
    if (state.log.length !== LOGGED_TXNS || rebuilt.lastZxid !== makeZxid(1, counter + LOGGED_TXNS)) {
      throw new Error(`recovery replayed ${state.log.length} txns to ${rebuilt.lastZxid}`);
    }
    return { seconds, znodes, snapshotBytes: snapshot.length };
  });
}

const runs = new Map<number, Slices>();
for (const batch of [1, 16, 128, 1024]) runs.set(batch, await measure(batch));
const all = [...runs.values()];
const perSecond = (count: number, ms: number): number => (count / ms) * 1000;
figure('fsync_per_s_raw', perSecond(sum(all.map((r) => r.rawFsyncs)), sum(all.map((r) => r.rawMs))), 'fsync/s');
for (const [batch, run] of runs) figure(`appends_per_s_batch_${batch}`, perSecond(run.appends, run.appendMs), 'appends/s');
const run1024 = runs.get(1024)!;
// Against the raw rate measured in the same slices as the 1024-batch appends.
figure('group_commit_ratio_1024', perSecond(run1024.appends, run1024.appendMs) / perSecond(run1024.rawFsyncs, run1024.rawMs), 'ratio');
const recovery = await recoverySeconds();
figure('recovery_s_1m', recovery.seconds, 's');
figure('recovery_snapshot_bytes', recovery.snapshotBytes, 'bytes');
figure('recovery_znodes', recovery.znodes, 'count');
