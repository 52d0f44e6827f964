// fast-check arbitraries for the jute codec: requests in the forms ZooKeeper's wire can carry
// (a TTL mode exactly when a ttl is given), and for each request a reply of the matching shape.

import fc from 'fast-check';
import type { Acl, Id } from '../../src/core/acl/types.ts';
import { Code, type ErrorCode } from '../../src/core/errors.ts';
import type { CreateReply, ErrorReply, MultiOpResult, ReadOpResult, Reply } from '../../src/core/requests/reply.ts';
import type { CreateRequest, MultiOp, ReadOp, Request } from '../../src/core/requests/request.ts';
import { CreateMode, isTtlMode } from '../../src/core/tree/create-mode.ts';
import type { Stat } from '../../src/core/tree/stat.ts';
import { asSessionId } from '../../src/core/util/ids.ts';
import { limits } from '../../src/core/util/limits.ts';
import { AddWatchMode, WatcherType } from '../../src/core/watches/events.ts';
import { makeZxid } from '../../src/core/zxid.ts';
import { pathArb } from '../storage/txn-arbitrary.ts';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const nat32 = fc.integer({ min: 0, max: 0x7fffffff });
const str = fc.string({ maxLength: 24 });
const data = fc.uint8Array({ maxLength: 48 });
const zxidArb = fc.tuple(fc.integer({ min: 0, max: limits.epoch_max }), fc.integer({ min: 0, max: 2 ** 32 - 1 })).map(([e, c]) => makeZxid(e, c));
const idArb: fc.Arbitrary<Id> = fc.record({ scheme: str, id: str });
const aclArb: fc.Arbitrary<Acl[]> = fc.array(fc.record({ perms: int32, id: idArb }), { maxLength: 3 });
const watcherTypeArb = fc.constantFrom(...(Object.values(WatcherType) as WatcherType[]));

const createArb: fc.Arbitrary<CreateRequest> = fc
  .record({ path: pathArb, data, acl: aclArb, mode: fc.constantFrom(...(Object.values(CreateMode) as CreateMode[])), ttl: fc.integer({ min: 0, max: limits.ttl_ms_max }) })
  .map(({ ttl, ...rest }) => (isTtlMode(rest.mode) ? { type: 'create', ...rest, ttl } : { type: 'create', ...rest }));
const deleteArb = fc.record({ type: fc.constant('delete' as const), path: pathArb, version: int32 });
const setDataArb = fc.record({ type: fc.constant('setData' as const), path: pathArb, data, version: int32 });
const checkArb = fc.record({ type: fc.constant('check' as const), path: pathArb, version: int32 });
const getDataArb = fc.record({ type: fc.constant('getData' as const), path: str, watch: fc.boolean() });
const getChildrenArb = fc.record({ type: fc.constant('getChildren' as const), path: str, watch: fc.boolean(), withStat: fc.boolean() });
const multiOpArb: fc.Arbitrary<MultiOp> = fc.oneof(createArb, deleteArb, setDataArb, checkArb);
const readOpArb: fc.Arbitrary<ReadOp> = fc.oneof(getDataArb, getChildrenArb.map((r) => ({ ...r, withStat: false })));

export const wireRequestArb: fc.Arbitrary<Request> = fc.oneof(
  createArb,
  deleteArb,
  setDataArb,
  fc.record({ type: fc.constant('setACL' as const), path: str, acl: aclArb, version: int32 }),
  checkArb,
  fc.record({ type: fc.constant('multi' as const), ops: fc.array(multiOpArb, { maxLength: 4 }) }),
  fc.record({ type: fc.constant('exists' as const), path: str, watch: fc.boolean() }),
  getDataArb,
  fc.record({ type: fc.constant('getACL' as const), path: str }),
  getChildrenArb,
  fc.record({ type: fc.constant('multiRead' as const), ops: fc.array(readOpArb, { maxLength: 4 }) }),
  fc.record({ type: fc.constant('getEphemerals' as const), prefix: str }),
  fc.record({ type: fc.constant('getAllChildrenNumber' as const), path: str }),
  fc.record({ type: fc.constant('sync' as const), path: str }),
  fc.record({ type: fc.constant('addWatch' as const), path: str, mode: fc.constantFrom(AddWatchMode.PERSISTENT, AddWatchMode.PERSISTENT_RECURSIVE) }),
  fc.record({ type: fc.constant('removeWatches' as const), path: str, watcherType: watcherTypeArb }),
  fc.record({ type: fc.constant('checkWatches' as const), path: str, watcherType: watcherTypeArb }),
  fc.record({ type: fc.constant('auth' as const), scheme: str, auth: data }),
  fc.record({ type: fc.constant('whoAmI' as const) }),
  fc.record({
    type: fc.constant('setWatches' as const),
    relativeZxid: zxidArb,
    data: fc.array(pathArb, { maxLength: 3 }),
    exist: fc.array(pathArb, { maxLength: 3 }),
    child: fc.array(pathArb, { maxLength: 3 }),
    persistent: fc.array(pathArb, { maxLength: 2 }),
    persistentRecursive: fc.array(pathArb, { maxLength: 2 }),
  }),
);

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
