// Browser entry for idb-tab-close.test.ts: a peer that writes batches in a loop and reports each
// acknowledged (durable) batch, and a reader that reports what recovery finds. Batch b (from 1)
// appends txns (b-1)*size+1 .. b*size of epoch 1 and records currentEpoch = b in the SAME persist,
// so a half-applied batch would show as a log length that disagrees with the epoch.

import { encodeTxn } from '../../../src/codec/txn-codec.ts';
import { crc32 } from '../../../src/core/util/crc32.ts';
import { openIdbStore } from '../../../src/storage/idb/index.ts';
import { txns } from './idb-helpers.ts';

declare function meshkeeperAck(batch: number): Promise<void>;

export interface Recovered {
  readonly currentEpoch: number;
  readonly zxids: number[];
  /** CRC32 of each logged txn's encoding, to compare with the txns the writer made. */
  readonly crcs: number[];
}

async function writeBatches(dbName: string, batches: number, size: number, dataBytes: number): Promise<void> {
  const store = await openIdbStore(dbName);
  await store.load();
  for (let b = 1; b <= batches; b++) {
    await store.persist([
      { type: 'append', txns: txns(1, (b - 1) * size + 1, b * size, dataBytes) },
      { type: 'currentEpoch', epoch: b },
    ]);
    void meshkeeperAck(b);
  }
  await store.close();
}

async function recoverState(dbName: string): Promise<Recovered> {
  const store = await openIdbStore(dbName);
  const state = await store.load();
  await store.close();
  return {
    currentEpoch: state.currentEpoch,
    zxids: state.log.map((t) => t.header.zxid),
    crcs: state.log.map((t) => crc32(encodeTxn(t))),
  };
}

Object.assign(globalThis, { writeBatches, recoverState, meshkeeperReady: true });
