// DataTree benchmark: a tree of 1,000 parents × 1,000 children with 100-byte data (1,001,004
// znodes with ZooKeeper's own four). Prints one JSON line per figure. Run with
// `npx tsx --expose-gc bench/tree.ts` (npm run bench:tree). Timings cover the tree calls only: txns
// and probe paths are built beforehand, as prep and the codec would have built them. Rates are per
// second of this process's CPU time (process.cpuUsage, GC threads included), so that other work on
// a shared machine does not skew them; the *_wall figures divide by wall-clock time instead.

import { OPEN_ACL_UNSAFE } from '../src/core/acl/types.ts';
import type { Txn } from '../src/core/requests/txn.ts';
import { CreateMode } from '../src/core/tree/create-mode.ts';
import { DataTree } from '../src/core/tree/data-tree.ts';
import { deserializeTree, serializeTree } from '../src/core/tree/snapshot.ts';
import { asSessionId } from '../src/core/util/ids.ts';
import { createPrng } from '../src/core/util/prng.ts';
import { makeZxid } from '../src/core/zxid.ts';

const PARENTS = 1000;
const CHILDREN = 1000;
const DATA_BYTES = 100;
const PROBES = 500_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc (npm run bench:tree)');

function figure(name: string, value: number, unit: string): void {
  console.log(JSON.stringify({ bench: 'tree', figure: name, value: Math.round(value), unit }));
}

/** Runs `f`, returning [cpu ms, wall ms]. */
function timed(f: () => void): [number, number] {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  f();
  const used = process.cpuUsage(cpu);
  return [(used.user + used.system) / 1000, performance.now() - wall];
}

function memory(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const session = asSessionId(1);
let counter = 0;
const header = () => {
  counter++;
  return { sessionId: session, cxid: counter, zxid: makeZxid(1, counter), time: 1_700_000_000_000 + counter };
};
const data = (seed: number): Uint8Array => {
  const bytes = new Uint8Array(DATA_BYTES);
  for (let i = 0; i < DATA_BYTES; i++) bytes[i] = (seed + i) & 0xff;
  return bytes;
};
const pad = (n: number): string => String(n).padStart(4, '0');
const childPath = (p: number, c: number): string => `/p${pad(p)}/c${pad(c)}`;

const baseline = memory();
const tree = new DataTree();
const payload = data(7);

// creates: one batch of txns per parent (the parent itself, then its children).
let createMs = 0;
let createWallMs = 0;
let creates = 0;
for (let p = 0; p < PARENTS; p++) {
  const batch: Txn[] = [];
  const parentPath = `/p${pad(p)}`;
  batch.push({
    header: header(),
    body: { type: 'create', path: parentPath, data: payload, acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT, ttl: 0, parentCversion: p + 2 },
  });
  for (let c = 0; c < CHILDREN; c++) {
    batch.push({
      header: header(),
      body: { type: 'create', path: childPath(p, c), data: payload, acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT, ttl: 0, parentCversion: c + 1 },
    });
  }
  const [cpu, wall] = timed(() => {
    for (const txn of batch) tree.apply(txn);
  });
  createMs += cpu;
  createWallMs += wall;
  creates += batch.length;
}
figure('creates_per_s', (creates / createMs) * 1000, 'ops/s');
figure('creates_per_s_wall', (creates / createWallMs) * 1000, 'ops/s');

const used = memory() - baseline;
figure('bytes_per_znode', (used - tree.dataBytes) / tree.nodeCount, 'bytes');
figure('znodes', tree.nodeCount, 'count');

const prng = createPrng(42);
const probes = Array.from({ length: PROBES }, () => childPath(prng.int(PARENTS), prng.int(CHILDREN)));

// getData: look the node up, read its data and its stat. Probes are uniformly random over the
// million nodes (every lookup misses the CPU caches); the hot figure reads 1,000 nodes over and over.
const getData = (paths: readonly string[]): [number, number] => {
  let check = 0;
  const times = timed(() => {
    for (const path of paths) {
      const node = tree.get(path)!;
      const bytes = node.data;
      check += bytes[0]! + node.stat().version;
    }
  });
  if (check < 0) throw new Error('unreachable');
  return times;
};
{
  const [cpu, wall] = getData(probes);
  figure('getdata_per_s', (PROBES / cpu) * 1000, 'ops/s');
  figure('getdata_per_s_wall', (PROBES / wall) * 1000, 'ops/s');
  const hot = probes.map((_, i) => probes[i % 1000]!);
  const [hotCpu] = getData(hot);
  figure('getdata_hot_per_s', (PROBES / hotCpu) * 1000, 'ops/s');
}

// getChildren of a 1,000-child parent (each op lists all 1,000 names).
{
  const rounds = 2000;
  const parents = Array.from({ length: rounds }, (_, i) => `/p${pad(i % PARENTS)}`);
  let names = 0;
  const [cpu] = timed(() => {
    for (const path of parents) names += tree.get(path)!.children().length;
  });
  if (names !== rounds * CHILDREN) throw new Error('wrong child count');
  figure('getchildren_per_s', (rounds / cpu) * 1000, 'ops/s');
}

// setData with new 100-byte data, in batches of 10,000.
{
  let ms = 0;
  const versions = new Map<string, number>();
  for (let b = 0; b < PROBES / 10_000; b++) {
    const batch: Txn[] = [];
    for (let i = b * 10_000; i < (b + 1) * 10_000; i++) {
      const path = probes[i]!;
      const version = (versions.get(path) ?? 0) + 1;
      versions.set(path, version);
      batch.push({ header: header(), body: { type: 'setData', path, data: data(i), version } });
    }
    ms += timed(() => {
      for (const txn of batch) tree.apply(txn);
    })[0];
  }
  figure('setdata_per_s', (PROBES / ms) * 1000, 'ops/s');
}

// Snapshot of the whole tree, and restore.
{
  let snapshot: Uint8Array = new Uint8Array(0);
  figure('serialize_ms', timed(() => (snapshot = serializeTree(tree)))[0], 'ms');
  figure('snapshot_bytes_per_znode', snapshot.length / tree.nodeCount, 'bytes');
  let restored: DataTree | undefined;
  figure('deserialize_ms', timed(() => (restored = deserializeTree(snapshot)))[0], 'ms');
  if (restored?.digest() !== tree.digest()) throw new Error('restored digest differs');
}
