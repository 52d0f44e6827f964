// fast-check arbitraries for every PeerMessage and every Request shape (the peer codec's inputs).

import fc from 'fast-check';
import type { Acl } from '../../src/core/acl/types.ts';
import type { PeerMessage } from '../../src/core/messages.ts';
import type { CreateRequest, MultiOp, ReadOp, Request } from '../../src/core/requests/request.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { asPeerId, asSessionId } from '../../src/core/util/ids.ts';
import { limits } from '../../src/core/util/limits.ts';
import { AddWatchMode, WatcherType } from '../../src/core/watches/events.ts';
import { makeZxid } from '../../src/core/zxid.ts';
import { pathArb, txnArb } from '../storage/txn-arbitrary.ts';

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const nat = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const epochArb = fc.integer({ min: 0, max: limits.epoch_max });
const zxidArb = fc.tuple(epochArb, fc.integer({ min: 0, max: 2 ** 32 - 1 })).map(([e, c]) => makeZxid(e, c));
const sessionArb = nat.map(asSessionId);
const peerArb = fc.integer({ min: 1, max: limits.peer_id_max }).map(asPeerId);
const txns = fc.array(txnArb, { maxLength: 4 });
const str = fc.string({ maxLength: 24 });
const data = fc.uint8Array({ maxLength: 48 });
const aclArb: fc.Arbitrary<Acl[]> = fc.array(
  fc.record({ perms: int32, id: fc.record({ scheme: str, id: str }) }),
  { maxLength: 3 },
);
const modeArb = fc.constantFrom(...(Object.values(CreateMode) as CreateMode[]));
const watcherTypeArb = fc.constantFrom(...(Object.values(WatcherType) as WatcherType[]));

const createArb: fc.Arbitrary<CreateRequest> = fc.record(
  { type: fc.constant('create' as const), path: pathArb, data, acl: aclArb, mode: modeArb, ttl: nat },
  { requiredKeys: ['type', 'path', 'data', 'acl', 'mode'] },
);
const getDataArb = fc.record({ type: fc.constant('getData' as const), path: str, watch: fc.boolean() });
const getChildrenArb = fc.record({ type: fc.constant('getChildren' as const), path: str, watch: fc.boolean(), withStat: fc.boolean() });

/**
 * Every Request shape, for the codecs that carry requests: the peer codec (as below) and the jute
 * codec, which passes ZooKeeper's own constraints (a ttl exactly with a TTL mode; multiRead's
 * getChildren without a stat).
 */
export function requestArbOf(forms: { readonly create: fc.Arbitrary<CreateRequest>; readonly readOp: fc.Arbitrary<ReadOp> }): fc.Arbitrary<Request> {
  const deleteArb = fc.record({ type: fc.constant('delete' as const), path: pathArb, version: int32 });
  const setDataArb = fc.record({ type: fc.constant('setData' as const), path: pathArb, data, version: int32 });
  const checkArb = fc.record({ type: fc.constant('check' as const), path: pathArb, version: int32 });
  const multiOpArb: fc.Arbitrary<MultiOp> = fc.oneof(forms.create, deleteArb, setDataArb, checkArb);
  const paths = (max: number) => fc.array(pathArb, { maxLength: max });
  return fc.oneof(
    forms.create,
    deleteArb,
    setDataArb,
    fc.record({ type: fc.constant('setACL' as const), path: str, acl: aclArb, version: int32 }),
    checkArb,
    fc.record({ type: fc.constant('multi' as const), ops: fc.array(multiOpArb, { maxLength: 4 }) }),
    fc.record({ type: fc.constant('exists' as const), path: str, watch: fc.boolean() }),
    getDataArb,
    fc.record({ type: fc.constant('getACL' as const), path: str }),
    getChildrenArb,
    fc.record({ type: fc.constant('multiRead' as const), ops: fc.array(forms.readOp, { maxLength: 4 }) }),
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
      data: paths(3),
      exist: paths(3),
      child: paths(3),
      persistent: paths(2),
      persistentRecursive: paths(2),
    }),
  );
}

export const requestArb: fc.Arbitrary<Request> = requestArbOf({ create: createArb, readOp: fc.oneof(getDataArb, getChildrenArb) });

/** One arbitrary per PeerMessage type, keyed by type, so a test can cover each by name. */
export const peerMessageArbs: { readonly [K in PeerMessage['type']]: fc.Arbitrary<Extract<PeerMessage, { type: K }>> } = {
  notification: fc.record({
    type: fc.constant('notification' as const),
    leader: peerArb,
    zxid: zxidArb,
    peerEpoch: epochArb,
    electionEpoch: nat,
    state: fc.constantFrom('LOOKING' as const, 'FOLLOWING' as const, 'LEADING' as const, 'OBSERVING' as const),
  }),
  followerinfo: fc.record({ type: fc.constant('followerinfo' as const), acceptedEpoch: epochArb, lastZxid: zxidArb, observer: fc.boolean(), attempt: nat }),
  leaderinfo: fc.record({ type: fc.constant('leaderinfo' as const), newEpoch: epochArb, attempt: nat }),
  ackepoch: fc.record({ type: fc.constant('ackepoch' as const), currentEpoch: fc.integer({ min: -1, max: limits.epoch_max }), lastZxid: zxidArb }),
  diff: fc.record({ type: fc.constant('diff' as const), txns }),
  trunc: fc.record({ type: fc.constant('trunc' as const), zxid: zxidArb, txns }),
  snap: fc.record({ type: fc.constant('snap' as const), zxid: zxidArb, snapshot: fc.uint8Array({ maxLength: 256 }), txns }),
  newleader: fc.record({ type: fc.constant('newleader' as const), epoch: epochArb }),
  uptodate: fc.record({ type: fc.constant('uptodate' as const), committedZxid: zxidArb }),
  proposal: fc.record({ type: fc.constant('proposal' as const), txn: txnArb }),
  ack: fc.record({ type: fc.constant('ack' as const), zxid: zxidArb }),
  commit: fc.record({ type: fc.constant('commit' as const), zxid: zxidArb }),
  inform: fc.record({ type: fc.constant('inform' as const), txn: txnArb }),
  ping: fc.record({ type: fc.constant('ping' as const), sessions: fc.array(sessionArb, { maxLength: 8 }) }),
  request: fc.record({
    type: fc.constant('request' as const),
    session: sessionArb,
    cxid: int32,
    request: requestArb,
    authIds: fc.array(fc.record({ scheme: str, id: str }), { maxLength: limits.auth_ids_per_session_max }),
  }),
  'create-session': fc.record({ type: fc.constant('create-session' as const), cxid: int32, timeoutMs: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }) }),
  'close-session': fc.record({ type: fc.constant('close-session' as const), session: sessionArb, cxid: int32 }),
  revalidate: fc.record({ type: fc.constant('revalidate' as const), session: sessionArb }),
  'sync-reply': fc.record({ type: fc.constant('sync-reply' as const), session: sessionArb, cxid: int32, zxid: zxidArb }),
  'client-data': fc.record({ type: fc.constant('client-data' as const), stream: int32, toServer: fc.boolean(), data: fc.uint8Array({ maxLength: 256 }) }),
  'client-close': fc.record({ type: fc.constant('client-close' as const), stream: int32, toServer: fc.boolean(), reason: fc.string({ maxLength: 64 }) }),
};

export const peerMessageArb: fc.Arbitrary<PeerMessage> = fc.oneof(...Object.values(peerMessageArbs));
