// Child process for crash.test.ts: opens a file store in argv[2], recovers, then appends batches
// forever (a compaction snapshot now and then) and prints each acknowledged zxid counter on stdout
// as soon as persist() resolves. The parent SIGKILLs it at random moments.

import type { PersistOp } from '../../src/core/zab/durable.ts';
import { makeZxid, type Zxid } from '../../src/core/zxid.ts';
import { openFileStore } from '../../src/storage/file/index.ts';
import { crashSnapshotBytes, crashTxn } from './crash-model.ts';

const dir = process.argv[2];
const seed = Number(process.argv[3] ?? '1');
if (dir === undefined) throw new Error('usage: crash-writer.ts <dir> [seed]');

const store = await openFileStore(dir, { segmentBytes: 64 * 1024, keepSnapshots: 2 });
const state = await store.load();
let last = Math.max(state.snapshot?.zxid ?? 0, state.log.at(-1)?.header.zxid ?? 0) % 2 ** 32;
process.stdout.write(`ready ${last}\n`);

let rand = seed >>> 0;
const next = (bound: number): number => {
  rand = (Math.imul(rand, 1664525) + 1013904223) >>> 0;
  return rand % bound;
};
for (;;) {
  const size = 1 + next(64);
  const txns = [];
  for (let i = 1; i <= size; i++) txns.push(crashTxn(makeZxid(1, last + i)));
  const ops: PersistOp[] = [{ type: 'append', txns }];
  last += size;
  if (next(20) === 0) {
    const zxid: Zxid = makeZxid(1, last - next(size));
    ops.push({ type: 'snapshot', zxid, bytes: crashSnapshotBytes(zxid), replace: false });
  }
  await store.persist(ops);
  process.stdout.write(`ack ${last}\n`);
}
