// The IndexedDB adapter's pure parts, in Node: log runs (framing, CRC, splitting) and the batch
// planner's retention and ordering rules. The adapter itself runs in Chromium (test/storage/browser).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Txn } from '../../src/core/requests/txn.ts';
import { makeZxid, type Zxid } from '../../src/core/zxid.ts';
import { StorageCorruptError } from '../../src/storage/durable-store.ts';
import { planBatch, type StoreBook } from '../../src/storage/idb/batch.ts';
import { encodeForLog, makeLogRun, readLogRun, splitIntoRuns } from '../../src/storage/idb/log-run.ts';
import { sampleTxn, txnArb, zxidRange } from './txn-arbitrary.ts';

/** Any txns, renumbered to rising zxids (a run's only shape rule). */
const risingTxnsArb = fc.array(txnArb, { minLength: 1, maxLength: 20 }).map((list) =>
  list.map((t, i): Txn => ({ header: { ...t.header, zxid: makeZxid(1, i + 1) }, body: t.body })),
);

const where = 'idb:test/log';

describe('log runs', () => {
  it('any rising txns split into runs under any budget read back as the same txns', () => {
    fc.assert(
      fc.property(risingTxnsArb, fc.integer({ min: 1, max: 4000 }), (list, budget) => {
        const runs = splitIntoRuns(list.map(encodeForLog), budget);
        for (const run of runs) {
          const size = run.reduce((n, t) => n + 4 + t.bytes.length, 0);
          expect(run.length === 1 || size <= budget).toBe(true);
        }
        const back = runs.flatMap((run) => {
          const { key, value } = makeLogRun(run);
          return readLogRun(where, key, structuredClone(value));
        });
        expect(back).toEqual(list);
      }),
      { numRuns: 200 },
    );
  });

  it('every single flipped bit in a run is refused as corruption naming the store and key', () => {
    const txns = zxidRange(1, 1, 3).map((z) => sampleTxn(z, 8));
    const { key, value } = makeLogRun(txns.map(encodeForLog));
    for (let bit = 0; bit < value.bytes.length * 8; bit++) {
      const bytes = value.bytes.slice();
      bytes[bit >> 3]! ^= 1 << (bit & 7);
      let error: unknown;
      try {
        readLogRun(where, key, { ...value, bytes });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StorageCorruptError);
      expect((error as StorageCorruptError).where).toBe(where);
      expect((error as StorageCorruptError).offset).toBe(key);
    }
  });

  it('a whole run filed under another key, or with a changed count, is refused', () => {
    const { key, value } = makeLogRun(zxidRange(1, 1, 3).map((z) => encodeForLog(sampleTxn(z))));
    expect(() => readLogRun(where, key + 1, value)).toThrow(StorageCorruptError);
    expect(() => readLogRun(where, key, { ...value, count: 2 })).toThrow(StorageCorruptError);
    expect(() => readLogRun(where, key, 'nonsense')).toThrow(StorageCorruptError);
  });
});

describe('the batch planner', () => {
  const options = { snapshotsKept: 2, valueBytes: 1024 * 1024 };
  const empty: StoreBook = { lastZxid: makeZxid(0, 0), snapshots: [] };
  const z = (c: number): Zxid => makeZxid(1, c);
  const snapshot = (c: number, replace = false) => ({ type: 'snapshot', zxid: z(c), bytes: new Uint8Array(4), replace }) as const;

  it('keeps the newest snapshots and purges only log runs the oldest kept snapshot covers', () => {
    let book = planBatch(empty, [{ type: 'append', txns: zxidRange(1, 1, 30).map((x) => sampleTxn(x)) }], options).book;
    book = planBatch(book, [snapshot(10)], options).book;
    book = planBatch(book, [snapshot(20)], options).book;
    const { writes, book: after } = planBatch(book, [snapshot(25)], options);
    expect(after.snapshots).toEqual([z(20), z(25)]);
    expect(writes).toContainEqual({ op: 'delete', store: 'snapshots', span: { lower: z(10), upper: z(10) } });
    expect(writes.at(-1)).toEqual({ op: 'delete', store: 'log', span: { upper: z(20) } });
  });

  it('a replacing snapshot clears the log and every snapshot, and appends must follow it', () => {
    const book = planBatch(empty, [{ type: 'append', txns: [sampleTxn(z(9))] }, snapshot(20, true)], options).book;
    expect(book).toEqual({ lastZxid: z(20), snapshots: [z(20)] });
    expect(() => planBatch(book, [{ type: 'append', txns: [sampleTxn(z(20))] }], options)).toThrow(/out of order/);
  });

  it('a truncate lowers the last zxid so that appends may follow the cut', () => {
    const book = planBatch(empty, [{ type: 'append', txns: zxidRange(1, 1, 9).map((x) => sampleTxn(x)) }], options).book;
    const { writes, book: after } = planBatch(book, [{ type: 'truncate', zxid: z(4) }, { type: 'append', txns: [sampleTxn(z(5))] }], options);
    expect(writes[0]).toEqual({ op: 'truncateLog', zxid: z(4) });
    expect(after.lastZxid).toBe(z(5));
  });
});
