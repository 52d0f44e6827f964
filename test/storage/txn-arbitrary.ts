// fast-check arbitraries for every Txn shape the log can hold, and a plain deterministic txn maker
// for storage tests. No node:* imports: the IndexedDB suite uses these in the browser too.

import fc from 'fast-check';
import type { Acl } from '../../src/core/acl/types.ts';
import { Code, type ErrorCode } from '../../src/core/errors.ts';
import type { MultiSubTxn, Txn, TxnBody, TxnHeader } from '../../src/core/requests/txn.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { asSessionId } from '../../src/core/util/ids.ts';
import { limits } from '../../src/core/util/limits.ts';
import { makeZxid, type Zxid } from '../../src/core/zxid.ts';

const segment = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9_-]{1,12}$/),
  fc.constantFrom('ü', 'zoo€keeper', '节点', 'x.y', '...'),
);
export const pathArb: fc.Arbitrary<string> = fc.array(segment, { minLength: 0, maxLength: 4 }).map((s) => `/${s.join('/')}`);
const dataArb = fc.uint8Array({ maxLength: 64 });
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const aclArb: fc.Arbitrary<Acl[]> = fc.array(
  fc.record({
    perms: fc.integer({ min: 0, max: 31 }),
    id: fc.record({ scheme: fc.constantFrom('world', 'digest', 'ip', 'auth', 'x-ü'), id: fc.string({ maxLength: 20 }) }),
  }),
  { maxLength: 4 },
);
const codes = Object.values(Code) as ErrorCode[];
const modeArb = fc.constantFrom(...(Object.values(CreateMode) as CreateMode[]));

const createArb = fc.record({
  type: fc.constant('create' as const),
  path: pathArb,
  data: dataArb,
  acl: aclArb,
  mode: modeArb,
  ttl: fc.integer({ min: 0, max: limits.ttl_ms_max }),
  parentCversion: int32,
});
const deleteArb = fc.record({ type: fc.constant('delete' as const), path: pathArb });
const setDataArb = fc.record({ type: fc.constant('setData' as const), path: pathArb, data: dataArb, version: int32 });
const checkArb = fc.record({ type: fc.constant('check' as const), path: pathArb, version: int32 });
const errorArb = fc.record({ type: fc.constant('error' as const), code: fc.constantFrom(...codes) });
const subArb: fc.Arbitrary<MultiSubTxn> = fc.oneof(createArb, deleteArb, setDataArb, checkArb, errorArb);

export const txnBodyArb: fc.Arbitrary<TxnBody> = fc.oneof(
  createArb,
  deleteArb,
  fc.record({ type: fc.constant('deleteContainer' as const), path: pathArb }),
  setDataArb,
  fc.record({ type: fc.constant('setACL' as const), path: pathArb, acl: aclArb, version: int32 }),
  checkArb,
  errorArb,
  fc.record({ type: fc.constant('multi' as const), txns: fc.array(subArb, { maxLength: 5 }) }),
  fc.record({ type: fc.constant('createSession' as const), timeoutMs: fc.integer({ min: 0, max: 0x7fffffff }) }),
  fc.record({ type: fc.constant('closeSession' as const) }),
);

export const txnHeaderArb: fc.Arbitrary<TxnHeader> = fc.record({
  sessionId: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map(asSessionId),
  cxid: int32,
  zxid: fc
    .tuple(fc.integer({ min: 0, max: limits.epoch_max }), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
    .map(([e, c]) => makeZxid(e, c)),
  time: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
});

export const txnArb: fc.Arbitrary<Txn> = fc.record({ header: txnHeaderArb, body: txnBodyArb });

/** A deterministic setData txn at `zxid` with a payload of about `dataBytes` bytes. */
export function sampleTxn(zxid: Zxid, dataBytes = 16): Txn {
  const data = new Uint8Array(dataBytes);
  for (let i = 0; i < dataBytes; i++) data[i] = (zxid + i * 31) & 0xff;
  return {
    header: { sessionId: asSessionId(0x1234), cxid: zxid % 1000, zxid, time: 1_700_000_000_000 + zxid },
    body: { type: 'setData', path: `/n${zxid % 97}`, data, version: zxid % 1000 },
  };
}

/** zxids epoch:counter for counters from..to inclusive. */
export function zxidRange(epoch: number, from: number, to: number): Zxid[] {
  const out: Zxid[] = [];
  for (let c = from; c <= to; c++) out.push(makeZxid(epoch, c));
  return out;
}
