import { describe, expect, it } from 'vitest';
import { DataArena } from '../../../src/core/tree/data-arena.ts';
import { DataTree } from '../../../src/core/tree/data-tree.ts';
import { deserializeTree, serializeTree } from '../../../src/core/tree/snapshot.ts';
import { createOp, TxnClock } from './txn-builders.ts';

function filled(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

/** Plain loop: vitest's deep equality is slow on 64 KiB arrays. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('data arena', () => {
  it('returns views whose bytes never change, even after the data is freed', () => {
    const arena = new DataArena();
    const ref = arena.write(filled(100, 1));
    const view = arena.view(ref, 100);
    arena.free(ref, 100);
    arena.write(filled(100, 2));
    expect(view).toEqual(filled(100, 1));
    expect(arena.liveBytes).toBe(100);
  });

  it('stores empty data without using space', () => {
    const arena = new DataArena();
    expect(arena.view(arena.write(new Uint8Array(0)), 0).length).toBe(0);
    expect(arena.capacityBytes).toBe(0);
  });

  it('reclaims the space of overwritten data while every node keeps its latest bytes', () => {
    const clock = new TxnClock();
    const tree = new DataTree();
    const nodes = 16;
    const size = 64 * 1024;
    for (let n = 0; n < nodes; n++) tree.apply(clock.txn(createOp(`/n${n}`, { data: filled(size, n) })));
    const early = tree.get('/n0')!.data;
    for (let round = 1; round <= 40; round++) {
      for (let n = 0; n < nodes; n++) {
        tree.apply(clock.txn({ type: 'setData', path: `/n${n}`, data: filled(size, n + round), version: round }));
      }
    }
    for (let n = 0; n < nodes; n++) expect(same(tree.get(`/n${n}`)!.data, filled(size, n + 40))).toBe(true);
    expect(same(early, filled(size, 0))).toBe(true);
    // 40 MiB were written; far less stays allocated.
    expect(tree.internalState.table.arena.capacityBytes).toBeLessThan(24 * 1024 * 1024);
    expect(tree.dataBytes).toBe(nodes * size);
    expect(tree.digest()).toBe(tree.recomputeDigest());
    expect(same(serializeTree(deserializeTree(serializeTree(tree))), serializeTree(tree))).toBe(true);
  });
});
