// What crash-writer.ts writes, so that the test can tell a whole txn or snapshot from a half one.

import type { Txn } from '../../src/core/requests/txn.ts';
import type { Zxid } from '../../src/core/zxid.ts';
import { sampleTxn } from './txn-arbitrary.ts';

export const crashTxn = (zxid: Zxid): Txn => sampleTxn(zxid, 100);

export const crashSnapshotBytes = (zxid: Zxid): Uint8Array =>
  Uint8Array.from({ length: 20_000 }, (_, i) => (zxid * 13 + i * 7) & 0xff);
