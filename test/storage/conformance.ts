// The one suite every DurableStore adapter passes (memory, file, IndexedDB): what the core's
// PersistOps must mean on any medium. Written with vitest's describe/it and no node:* imports so
// that it runs in vitest browser mode too. Capabilities a medium lacks are hooks left undefined:
// the tests that need them are simply not registered (never it.skip).
//
// Harness contract: open() opens the store over the same medium every time (a restart); the
// suite calls load() first after each open, then persist() or the parts (log, snapshots, epochs);
// damage hooks run while it is closed.

import { describe, expect, it } from 'vitest';
import type { Txn } from '../../src/core/requests/txn.ts';
import { createPrng, type Prng } from '../../src/core/util/prng.ts';
import { applyPersistOps, emptyDurableState, type DurableState, type PersistOp } from '../../src/core/zab/durable.ts';
import { makeZxid, ZXID_ZERO, type Zxid } from '../../src/core/zxid.ts';
import { StorageCorruptError } from '../../src/storage/durable-store.ts';
import type { StorageAdapter } from '../../src/storage/storage-adapter.ts';
import { sampleTxn, zxidRange } from './txn-arbitrary.ts';

export interface StorageHarness {
  /** Opens the store over this harness's medium (again after close: a restart). */
  open(): Promise<StorageAdapter>;
  /**
   * Damages the logged txn at index `index` (0 = oldest logged) in place, and says where the
   * adapter must report it: the file or store, and the byte offset or key.
   */
  corruptLog?(index: number): Promise<{ where: string; offset: number | string }>;
  /**
   * A crash in the middle of appending `batch` (one write, after everything logged): the medium is
   * left as such a crash can leave it: a prefix with its last record cut (files), a prefix of
   * whole records (memory), or nothing (IndexedDB, whose transaction never commits).
   */
  tearTail?(batch: readonly Txn[]): Promise<void>;
  /** Leaves a half-written snapshot of `zxid` behind, as a crash during its write would. */
  interruptSnapshot?(zxid: Zxid, bytes: Uint8Array): Promise<void>;
  /** What the medium holds now: stored snapshots and logged txns (purged ones gone). */
  inspect?(): Promise<{ snapshots: number; loggedTxns: number }>;
  /** How many snapshots the adapter keeps. */
  keepSnapshots: number;
  cleanup(): Promise<void>;
}

const txns = (epoch: number, from: number, to: number): Txn[] => zxidRange(epoch, from, to).map((z) => sampleTxn(z));
const append = (list: Txn[]): PersistOp => ({ type: 'append', txns: list });
const snapshotBytes = (zxid: Zxid, size = 1000): Uint8Array => Uint8Array.from({ length: size }, (_, i) => (zxid * 7 + i) & 0xff);

/** The state as recovery must present it: log entries at or below the snapshot are ignored. */
function effective(state: DurableState): DurableState {
  const snap = state.snapshot;
  const log = snap === undefined ? [...state.log] : state.log.filter((t) => t.header.zxid > snap.zxid);
  const base = { acceptedEpoch: state.acceptedEpoch, currentEpoch: state.currentEpoch, log };
  return snap === undefined ? base : { ...base, snapshot: { zxid: snap.zxid, bytes: snap.bytes } };
}

export function runStorageConformance(name: string, setup: () => Promise<StorageHarness>): void {
  const withHarness = async (body: (h: StorageHarness) => Promise<void>): Promise<void> => {
    const h = await setup();
    try {
      await body(h);
    } finally {
      await h.cleanup();
    }
  };
  /** Opens, loads, runs `body`, closes: one lifetime of a peer. */
  const session = async <T>(h: StorageHarness, body: (s: StorageAdapter, loaded: DurableState) => Promise<T>): Promise<T> => {
    const store = await h.open();
    try {
      return await body(store, await store.load());
    } finally {
      await store.close();
    }
  };
  const reload = (h: StorageHarness): Promise<DurableState> => session(h, async (_s, loaded) => effective(loaded));
  const persistAll = (h: StorageHarness, batches: PersistOp[][]): Promise<void> =>
    session(h, async (s) => {
      for (const ops of batches) await s.persist(ops);
    });

  // An async collector (vitest awaits it): the harness is probed once for the hooks it provides, so
  // that only the fault tests it can run are registered.
  describe(`${name}: storage conformance`, async () => {
    const probe = await setup();
    const has = {
      tearTail: probe.tearTail !== undefined,
      corruptLog: probe.corruptLog !== undefined,
      interruptSnapshot: probe.interruptSnapshot !== undefined,
      inspect: probe.inspect !== undefined,
    };
    await probe.cleanup();

    it('a fresh store loads epochs 0, no snapshot and an empty log', async () => {
      await withHarness(async (h) => {
        expect(await reload(h)).toEqual(emptyDurableState);
      });
    });

    it('appended txns are read back in order after close and reopen', async () => {
      await withHarness(async (h) => {
        const batch = txns(1, 1, 5);
        await persistAll(h, [[append(batch)]]);
        expect((await reload(h)).log).toEqual(batch);
      });
    });

    it('many batches of different sizes read back as one log, and appends continue after a reopen', async () => {
      await withHarness(async (h) => {
        const batches: PersistOp[][] = [];
        let next = 1;
        for (let b = 0; b < 60; b++) {
          const size = 1 + ((b * 7) % 23);
          batches.push([append(txns(1, next, next + size - 1))]);
          next += size;
        }
        await persistAll(h, batches.slice(0, 30));
        await persistAll(h, batches.slice(30));
        await persistAll(h, [[]]);
        expect((await reload(h)).log).toEqual(txns(1, 1, next - 1));
      });
    });

    it('truncate drops every txn after the zxid durably, and later appends follow the cut', async () => {
      await withHarness(async (h) => {
        await persistAll(h, [[append(txns(1, 1, 10))], [append(txns(1, 11, 20))]]);
        await persistAll(h, [[{ type: 'truncate', zxid: makeZxid(1, 7) }]]);
        expect((await reload(h)).log).toEqual(txns(1, 1, 7));
        await persistAll(h, [[append(txns(2, 1, 3))]]);
        expect((await reload(h)).log).toEqual([...txns(1, 1, 7), ...txns(2, 1, 3)]);
        await persistAll(h, [[{ type: 'truncate', zxid: ZXID_ZERO }]]);
        expect((await reload(h)).log).toEqual([]);
      });
    });

    it('a replacing snapshot (SNAP) empties the log, which restarts after the snapshot zxid', async () => {
      await withHarness(async (h) => {
        await persistAll(h, [[append(txns(1, 1, 10))]]);
        const zxid = makeZxid(2, 5);
        const bytes = snapshotBytes(zxid);
        await persistAll(h, [[{ type: 'snapshot', zxid, bytes, replace: true }]]);
        expect(await reload(h)).toEqual({ acceptedEpoch: 0, currentEpoch: 0, snapshot: { zxid, bytes }, log: [] });
        await persistAll(h, [[append(txns(2, 6, 8))]]);
        expect((await reload(h)).log).toEqual(txns(2, 6, 8));
      });
    });

    it('a replacing snapshot below the logged txns still discards them all (a divergent history)', async () => {
      await withHarness(async (h) => {
        await persistAll(h, [[append(txns(1, 1, 10))]]);
        const zxid = makeZxid(1, 3);
        await persistAll(h, [[{ type: 'snapshot', zxid, bytes: snapshotBytes(zxid), replace: true }], [append(txns(2, 1, 2))]]);
        expect((await reload(h)).log).toEqual(txns(2, 1, 2));
      });
    });

    it('a compaction snapshot keeps the later txns: recovery is the snapshot plus the log after it', async () => {
      await withHarness(async (h) => {
        await persistAll(h, [[append(txns(1, 1, 10))]]);
        const zxid = makeZxid(1, 6);
        const bytes = snapshotBytes(zxid);
        await persistAll(h, [[{ type: 'snapshot', zxid, bytes, replace: false }], [append(txns(1, 11, 12))]]);
        const state = await reload(h);
        expect(state.snapshot).toEqual({ zxid, bytes });
        expect(state.log).toEqual(txns(1, 7, 12));
      });
    });

    it('accepted and current epochs are durable, each on its own and mixed with appends', async () => {
      await withHarness(async (h) => {
        await persistAll(h, [[{ type: 'acceptedEpoch', epoch: 3 }]]);
        expect(await reload(h)).toMatchObject({ acceptedEpoch: 3, currentEpoch: 0 });
        await persistAll(h, [[append(txns(3, 1, 2)), { type: 'currentEpoch', epoch: 3 }, { type: 'acceptedEpoch', epoch: 4 }]]);
        expect(await reload(h)).toMatchObject({ acceptedEpoch: 4, currentEpoch: 3, log: txns(3, 1, 2) });
      });
    });

    it('a batch mixing every op applies them in order, as applyPersistOps defines', async () => {
      await withHarness(async (h) => {
        const snapZxid = makeZxid(1, 4);
        const ops: PersistOp[] = [
          append(txns(1, 1, 6)),
          { type: 'acceptedEpoch', epoch: 2 },
          { type: 'truncate', zxid: makeZxid(1, 5) },
          { type: 'snapshot', zxid: snapZxid, bytes: snapshotBytes(snapZxid), replace: false },
          append(txns(2, 1, 3)),
          { type: 'currentEpoch', epoch: 2 },
        ];
        await persistAll(h, [ops]);
        expect(await reload(h)).toEqual(effective(applyPersistOps(emptyDurableState, ops)));
      });
    });

    it('random op sequences with restarts between them recover exactly what the model holds', async () => {
      for (const seed of [1, 2, 3]) {
        await withHarness(async (h) => {
          const prng = createPrng(seed);
          let model: DurableState = emptyDurableState;
          let last = 0;
          for (let life = 0; life < 4; life++) {
            const batches: PersistOp[][] = [];
            for (let b = 0; b < 8; b++) {
              const ops = randomOps(prng, last, model);
              last = ops.lastCounter;
              model = applyPersistOps(model, ops.ops);
              batches.push(ops.ops);
            }
            await persistAll(h, batches);
            expect(await reload(h)).toEqual(effective(model));
          }
        });
      }
    });

    it('reopening many times without writing changes nothing', async () => {
      await withHarness(async (h) => {
        const zxid = makeZxid(1, 2);
        await persistAll(h, [[append(txns(1, 1, 3)), { type: 'snapshot', zxid, bytes: snapshotBytes(zxid), replace: false }, { type: 'currentEpoch', epoch: 1 }]]);
        const first = await reload(h);
        for (let i = 0; i < 5; i++) expect(await reload(h)).toEqual(first);
      });
    });

    registerPartTests(withHarness, session, reload);
    registerFaultTests(has, withHarness, persistAll, reload);
  });
}

type Session = <T>(h: StorageHarness, body: (s: StorageAdapter, loaded: DurableState) => Promise<T>) => Promise<T>;

/** The interfaces, as each adapter exposes them: TxnLog, SnapshotStore, the epochs. */
function registerPartTests(
  withHarness: (body: (h: StorageHarness) => Promise<void>) => Promise<void>,
  session: Session,
  reload: (h: StorageHarness) => Promise<DurableState>,
): void {
  it('the TxnLog appends batches durably, reads from a zxid and truncates after a zxid', async () => {
    await withHarness(async (h) => {
      await session(h, async (s) => {
        await s.log.append(txns(1, 1, 4));
        await s.log.append(txns(1, 5, 9));
        expect(await s.log.read(ZXID_ZERO)).toEqual(txns(1, 1, 9));
        expect(await s.log.read(makeZxid(1, 6))).toEqual(txns(1, 7, 9));
        expect(s.log.lastZxid()).toBe(makeZxid(1, 9));
        await s.log.truncate(makeZxid(1, 5));
        expect(await s.log.read(ZXID_ZERO)).toEqual(txns(1, 1, 5));
        expect(s.log.lastZxid()).toBe(makeZxid(1, 5));
      });
      expect((await reload(h)).log).toEqual(txns(1, 1, 5));
      await session(h, async (s) => {
        expect(s.log.lastZxid()).toBe(makeZxid(1, 5));
        expect(await s.log.read(makeZxid(1, 2))).toEqual(txns(1, 3, 5));
        await s.log.append(txns(1, 6, 7));
      });
      expect((await reload(h)).log).toEqual(txns(1, 1, 7));
    });
  });

  it('calls through the parts and persist, made without waiting, take effect in call order', async () => {
    await withHarness(async (h) => {
      await session(h, async (s) => {
        const calls = [
          s.log.append(txns(1, 1, 3)),
          s.persist([append(txns(1, 4, 6))]),
          s.log.truncate(makeZxid(1, 5)),
          s.epochs.writeAccepted(2),
        ];
        const read = s.log.read(ZXID_ZERO);
        const epochs = s.epochs.read();
        await Promise.all(calls);
        expect(await read).toEqual(txns(1, 1, 5));
        expect(await epochs).toEqual({ acceptedEpoch: 2, currentEpoch: 0 });
      });
    });
  });

  it('the SnapshotStore writes atomically, lists newest first, loads the newest valid and purges to the newest N', async () => {
    await withHarness(async (h) => {
      const zxids = [3, 6, 9].map((c) => makeZxid(1, c));
      const newest = zxids[2]!;
      await session(h, async (s) => {
        expect(await s.snapshots.list()).toEqual([]);
        expect(await s.snapshots.loadNewestValid()).toBeUndefined();
        await s.log.append(txns(1, 1, 10));
        for (const z of zxids) await s.snapshots.write(z, snapshotBytes(z, 300));
        const listed = await s.snapshots.list();
        expect(listed).toEqual([...zxids].reverse().slice(0, h.keepSnapshots).map((zxid) => ({ zxid, bytes: 300 })));
        expect(await s.snapshots.loadNewestValid()).toEqual({ zxid: newest, bytes: snapshotBytes(newest, 300) });
        expect(await s.log.read(newest)).toEqual(txns(1, 10, 10));
      });
      // Keep the newest one only, then purge the log up to it (the oldest kept).
      await session(h, async (s) => {
        await s.snapshots.purge(1);
        expect((await s.snapshots.list()).map((i) => i.zxid)).toEqual([newest]);
        await s.log.purge(newest);
        expect(await s.log.read(newest)).toEqual(txns(1, 10, 10));
        await expect(s.snapshots.purge(0)).rejects.toThrow(RangeError);
      });
      if (h.inspect !== undefined) expect((await h.inspect()).snapshots).toBe(1);
      expect(await reload(h)).toEqual({ acceptedEpoch: 0, currentEpoch: 0, snapshot: { zxid: newest, bytes: snapshotBytes(newest, 300) }, log: txns(1, 10, 10) });
    });
  });

  it('the durable epochs are recorded one by one and survive a reopen', async () => {
    await withHarness(async (h) => {
      await session(h, async (s) => {
        expect(await s.epochs.read()).toEqual({ acceptedEpoch: 0, currentEpoch: 0 });
        await s.epochs.writeAccepted(4);
        expect(await s.epochs.read()).toEqual({ acceptedEpoch: 4, currentEpoch: 0 });
        await s.epochs.writeCurrent(3);
      });
      expect(await reload(h)).toMatchObject({ acceptedEpoch: 4, currentEpoch: 3 });
      await session(h, async (s) => {
        expect(await s.epochs.read()).toEqual({ acceptedEpoch: 4, currentEpoch: 3 });
      });
    });
  });
}

/**
 * Random valid ops as the core could emit them, after counter `last`: appends with growing zxids,
 * truncates and compaction snapshots never below the current snapshot, replacing snapshots anywhere,
 * epochs that only grow.
 */
function randomOps(prng: Prng, last: number, start: DurableState): { ops: PersistOp[]; lastCounter: number } {
  const ops: PersistOp[] = [];
  let model = start;
  let counter = last;
  const n = 1 + prng.int(3);
  for (let i = 0; i < n; i++) {
    const floor = model.snapshot === undefined ? 0 : model.snapshot.zxid - makeZxid(1, 0);
    const roll = prng.int(10);
    let op: PersistOp;
    if (roll < 6 || counter <= floor) {
      const size = 1 + prng.int(12);
      op = append(txns(1, counter + 1, counter + size));
      counter += size;
    } else if (roll === 6) {
      counter = Math.max(floor, counter - prng.int(5));
      op = { type: 'truncate', zxid: makeZxid(1, counter) };
    } else if (roll === 7) {
      const replace = prng.chance(0.3);
      const at = replace ? prng.int(counter + 1) : floor + prng.int(counter - floor + 1);
      const zxid = makeZxid(1, at);
      if (replace) counter = at;
      op = { type: 'snapshot', zxid, bytes: snapshotBytes(zxid, 50 + prng.int(200)), replace };
    } else if (roll === 8) {
      op = { type: 'acceptedEpoch', epoch: model.acceptedEpoch + 1 + prng.int(2) };
    } else {
      op = { type: 'currentEpoch', epoch: model.currentEpoch + 1 };
    }
    ops.push(op);
    model = applyPersistOps(model, [op]);
  }
  return { ops, lastCounter: counter };
}

type Has = Record<'tearTail' | 'corruptLog' | 'interruptSnapshot' | 'inspect', boolean>;

/** Medium-fault tests, registered only for the hooks the harness provides. */
function registerFaultTests(
  has: Has,
  withHarness: (body: (h: StorageHarness) => Promise<void>) => Promise<void>,
  persistAll: (h: StorageHarness, batches: PersistOp[][]) => Promise<void>,
  reload: (h: StorageHarness) => Promise<DurableState>,
): void {
  const single = (from: number, to: number): PersistOp[][] => txns(1, from, to).map((t) => [append([t])]);

  if (has.tearTail) {
    it('a torn tail (a write never acknowledged) is cut on recovery to a prefix of whole records, and appending goes on after it', async () => {
      await withHarness(async (h) => {
        await persistAll(h, single(1, 5));
        const batch = txns(1, 6, 9);
        await h.tearTail!(batch);
        const log = (await reload(h)).log;
        expect(log.slice(0, 5)).toEqual(txns(1, 1, 5));
        const kept = log.slice(5);
        expect(kept.length).toBeLessThan(batch.length);
        expect(kept).toEqual(batch.slice(0, kept.length));
        const next = 6 + kept.length;
        await persistAll(h, single(next, next + 2));
        expect((await reload(h)).log).toEqual(txns(1, 1, next + 2));
      });
    });
  }

  if (has.corruptLog) {
    it('corruption before the tail is refused with a StorageCorruptError naming the file or store and the offset', async () => {
      await withHarness(async (h) => {
        await persistAll(h, single(1, 10));
        const damaged = await h.corruptLog!(3);
        const error = await (async () => {
          try {
            await reload(h);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(error).toBeInstanceOf(StorageCorruptError);
        const corrupt = error as StorageCorruptError;
        expect(corrupt.where).toBe(damaged.where);
        expect(corrupt.offset).toBe(damaged.offset);
        expect(corrupt.message).toContain(`${damaged.where} @ ${String(damaged.offset)}`);
      });
    });
  }

  if (has.interruptSnapshot) {
    it('a snapshot write interrupted by a crash leaves the previous snapshot loadable', async () => {
      await withHarness(async (h) => {
        const first = makeZxid(1, 4);
        const bytes = snapshotBytes(first, 5000);
        await persistAll(h, [[append(txns(1, 1, 8)), { type: 'snapshot', zxid: first, bytes, replace: false }]]);
        await h.interruptSnapshot!(makeZxid(1, 8), snapshotBytes(makeZxid(1, 8), 5000));
        const state = await reload(h);
        expect(state.snapshot).toEqual({ zxid: first, bytes });
        expect(state.log).toEqual(txns(1, 5, 8));
        const next = makeZxid(1, 8);
        await persistAll(h, [[{ type: 'snapshot', zxid: next, bytes: snapshotBytes(next), replace: false }]]);
        expect((await reload(h)).snapshot?.zxid).toBe(next);
      });
    });
  }

  if (has.inspect) {
    it('keeps only the newest snapshots and purges the log they all cover', async () => {
      await withHarness(async (h) => {
        const keep = h.keepSnapshots;
        const rounds = keep + 3;
        let counter = 0;
        let lastSnap: { zxid: Zxid; bytes: Uint8Array } = { zxid: ZXID_ZERO, bytes: new Uint8Array(0) };
        for (let r = 0; r < rounds; r++) {
          const batches = Array.from({ length: 20 }, (_, b) => [append(txns(1, counter + 1 + b * 10, counter + 10 + b * 10))]);
          counter += 200;
          lastSnap = { zxid: makeZxid(1, counter - 10), bytes: snapshotBytes(makeZxid(1, counter - 10)) };
          await persistAll(h, [...batches, [{ type: 'snapshot', ...lastSnap, replace: false }]]);
        }
        const held = await h.inspect!();
        expect(held.snapshots).toBeGreaterThanOrEqual(1);
        expect(held.snapshots).toBeLessThanOrEqual(keep);
        expect(held.loggedTxns).toBeLessThan(counter - 200);
        const state = await reload(h);
        expect(state.snapshot).toEqual(lastSnap);
        expect(state.log).toEqual(txns(1, counter - 9, counter));
      });
    });
  }
}
