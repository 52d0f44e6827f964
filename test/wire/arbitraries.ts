// fast-check arbitraries for the jute codec: requests in the forms ZooKeeper's wire can carry
// (a TTL mode exactly when a ttl is given), and for each request a reply of the matching shape.

import fc from 'fast-check';
import type { Acl, Id } from '../../src/core/acl/types.ts';
import { Code, type ErrorCode } from '../../src/core/errors.ts';
import type { CreateReply, ErrorReply, MultiOpResult, ReadOpResult, Reply } from '../../src/core/requests/reply.ts';
import type { CreateRequest, ReadOp, Request } from '../../src/core/requests/request.ts';
import { CreateMode, isTtlMode } from '../../src/core/tree/create-mode.ts';
import type { Stat } from '../../src/core/tree/stat.ts';
import { asSessionId } from '../../src/core/util/ids.ts';
import { limits } from '../../src/core/util/limits.ts';
import { makeZxid } from '../../src/core/zxid.ts';
import { pathArb } from '../storage/txn-arbitrary.ts';
import { requestArbOf } from '../transport/peer-arbitrary.ts';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const nat32 = fc.integer({ min: 0, max: 0x7fffffff });
const str = fc.string({ maxLength: 24 });
const data = fc.uint8Array({ maxLength: 48 });
const zxidArb = fc.tuple(fc.integer({ min: 0, max: limits.epoch_max }), fc.integer({ min: 0, max: 2 ** 32 - 1 })).map(([e, c]) => makeZxid(e, c));
const idArb: fc.Arbitrary<Id> = fc.record({ scheme: str, id: str });
const aclArb: fc.Arbitrary<Acl[]> = fc.array(fc.record({ perms: int32, id: idArb }), { maxLength: 3 });

const createArb: fc.Arbitrary<CreateRequest> = fc
  .record({ path: pathArb, data, acl: aclArb, mode: fc.constantFrom(...(Object.values(CreateMode) as CreateMode[])), ttl: fc.integer({ min: 0, max: limits.ttl_ms_max }) })
  .map(({ ttl, ...rest }) => (isTtlMode(rest.mode) ? { type: 'create', ...rest, ttl } : { type: 'create', ...rest }));
const getDataArb = fc.record({ type: fc.constant('getData' as const), path: str, watch: fc.boolean() });
const getChildrenArb = fc.record({ type: fc.constant('getChildren' as const), path: str, watch: fc.boolean(), withStat: fc.constant(false) });

export const wireRequestArb: fc.Arbitrary<Request> = requestArbOf({ create: createArb, readOp: fc.oneof(getDataArb, getChildrenArb) as fc.Arbitrary<ReadOp> });

export const statArb: fc.Arbitrary<Stat> = fc.record({
  czxid: zxidArb,
  mzxid: zxidArb,
  ctime: fc.integer({ min: 0, max: 2 ** 50 }),
  mtime: fc.integer({ min: 0, max: 2 ** 50 }),
  version: int32,
  cversion: int32,
  aversion: int32,
  ephemeralOwner: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map(asSessionId),
  dataLength: nat32,
  numChildren: nat32,
  pzxid: zxidArb,
});

const codes = (Object.values(Code) as ErrorCode[]).filter((c) => c !== Code.OK);
/** An error a whole request may be answered with (exists answers NONODE with a null Stat instead). */
const errorArb = (request: Request): fc.Arbitrary<ErrorReply> =>
  fc.constantFrom(...codes.filter((c) => request.type !== 'exists' || c !== Code.NONODE)).map((code) => ({ type: 'error' as const, code }));
/** An op's result inside a multi may be an error with any code, OK included (ops before the failure). */
const opErrorArb: fc.Arbitrary<ErrorReply> = fc.constantFrom(...(Object.values(Code) as ErrorCode[])).map((code) => ({ type: 'error' as const, code }));
const children = fc.array(str, { maxLength: 4 });

function successArb(request: Request): fc.Arbitrary<Reply> {
  switch (request.type) {
    case 'create':
      return fc.record({ type: fc.constant('create' as const), path: pathArb, stat: statArb }) as fc.Arbitrary<CreateReply>;
    case 'delete':
    case 'check':
      return fc.constant({ type: request.type });
    case 'setData':
    case 'setACL':
      return statArb.map((stat) => ({ type: request.type, stat }));
    case 'exists':
      return fc.option(statArb, { nil: null }).map((stat) => ({ type: 'exists' as const, stat }));
    case 'getData':
      return fc.record({ type: fc.constant('getData' as const), data, stat: statArb });
    case 'getACL':
      return fc.record({ type: fc.constant('getACL' as const), acl: aclArb, stat: statArb });
    case 'getChildren':
      return request.withStat
        ? fc.record({ type: fc.constant('getChildren' as const), children, stat: statArb })
        : fc.record({ type: fc.constant('getChildren' as const), children });
    case 'multi':
      return fc
        .tuple(...request.ops.map((op) => fc.oneof(successArb(op) as fc.Arbitrary<MultiOpResult>, opErrorArb)))
        .map((results) => ({ type: 'multi' as const, results }));
    case 'multiRead':
      return fc
        .tuple(...request.ops.map((op) => fc.oneof(successArb(op) as fc.Arbitrary<ReadOpResult>, opErrorArb)))
        .map((results) => ({ type: 'multiRead' as const, results }));
    case 'getEphemerals':
      return children.map((paths) => ({ type: 'getEphemerals' as const, paths }));
    case 'getAllChildrenNumber':
      return nat32.map((count) => ({ type: 'getAllChildrenNumber' as const, count }));
    case 'sync':
      return str.map((path) => ({ type: 'sync' as const, path }));
    case 'whoAmI':
      return fc.array(idArb, { maxLength: 3 }).map((ids) => ({ type: 'whoAmI' as const, ids }));
    case 'addWatch':
    case 'removeWatches':
    case 'checkWatches':
    case 'auth':
      return fc.constant({ type: request.type });
    case 'setWatches':
      // Events that fire at once travel as notifications before the reply, not in its body.
      return fc.constant({ type: 'setWatches' as const, events: [] });
  }
}

/** A request with a reply it may get: a success of its shape or an error. */
export const exchangeArb: fc.Arbitrary<{ request: Request; reply: Reply }> = wireRequestArb.chain((request) =>
  fc.oneof(successArb(request), errorArb(request)).map((reply) => ({ request, reply })),
);
