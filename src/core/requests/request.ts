// Every client request the core understands: a union keyed on `type`, one member per ZooKeeper
// operation (names follow ZooDefs.OpCode). A request is client input: prep and read validate it and
// answer bad input with a KeeperError code, never an assert.

import type { Acl } from '../acl/types.ts';
import type { CreateMode } from '../tree/create-mode.ts';
import type { AddWatchMode, WatcherType } from '../watches/events.ts';
import type { Zxid } from '../zxid.ts';

export interface CreateRequest {
  readonly type: 'create';
  readonly path: string;
  readonly data: Uint8Array;
  readonly acl: readonly Acl[];
  readonly mode: CreateMode;
  /** Milliseconds, only for the *_WITH_TTL modes (ZooKeeper's createTTL). */
  readonly ttl?: number;
}
export interface DeleteRequest { readonly type: 'delete'; readonly path: string; readonly version: number }
export interface SetDataRequest {
  readonly type: 'setData';
  readonly path: string;
  readonly data: Uint8Array;
  readonly version: number;
}
export interface SetAclRequest {
  readonly type: 'setACL';
  readonly path: string;
  readonly acl: readonly Acl[];
  readonly version: number;
}
export interface CheckRequest { readonly type: 'check'; readonly path: string; readonly version: number }

/** The operations a multi may hold. */
export type MultiOp = CreateRequest | DeleteRequest | SetDataRequest | CheckRequest;
export interface MultiRequest { readonly type: 'multi'; readonly ops: readonly MultiOp[] }

export interface ExistsRequest { readonly type: 'exists'; readonly path: string; readonly watch: boolean }
export interface GetDataRequest { readonly type: 'getData'; readonly path: string; readonly watch: boolean }
export interface GetAclRequest { readonly type: 'getACL'; readonly path: string }
export interface GetChildrenRequest {
  readonly type: 'getChildren';
  readonly path: string;
  readonly watch: boolean;
  /** getChildren2: the reply carries the parent's Stat. */
  readonly withStat: boolean;
}
/** The operations a multiRead may hold. */
export type ReadOp = GetDataRequest | GetChildrenRequest;
export interface MultiReadRequest { readonly type: 'multiRead'; readonly ops: readonly ReadOp[] }
export interface GetEphemeralsRequest { readonly type: 'getEphemerals'; readonly prefix: string }
export interface GetAllChildrenNumberRequest { readonly type: 'getAllChildrenNumber'; readonly path: string }
export interface SyncRequest { readonly type: 'sync'; readonly path: string }

export interface AddWatchRequest { readonly type: 'addWatch'; readonly path: string; readonly mode: AddWatchMode }
export interface RemoveWatchesRequest {
  readonly type: 'removeWatches';
  readonly path: string;
  readonly watcherType: WatcherType;
}
export interface CheckWatchesRequest {
  readonly type: 'checkWatches';
  readonly path: string;
  readonly watcherType: WatcherType;
}
/**
 * ZooKeeper's SetWatches2, sent by a client that reconnected: re-register the session's watches at
 * this peer. Watches whose event happened after `relativeZxid` (the client's lastZxidSeen) fire at
 * once instead; persistent ones are just added again.
 */
export interface SetWatchesRequest {
  readonly type: 'setWatches';
  readonly relativeZxid: Zxid;
  readonly data: readonly string[];
  readonly exist: readonly string[];
  readonly child: readonly string[];
  readonly persistent: readonly string[];
  readonly persistentRecursive: readonly string[];
}
export interface AuthRequest { readonly type: 'auth'; readonly scheme: string; readonly auth: Uint8Array }
export interface WhoAmIRequest { readonly type: 'whoAmI' }

/** Requests that change the tree: they go through prep, consensus and final. */
export type WriteRequest = CreateRequest | DeleteRequest | SetDataRequest | SetAclRequest | CheckRequest | MultiRequest;

/** Requests served from the local tree and watch registry. */
export type ReadRequest =
  | ExistsRequest
  | GetDataRequest
  | GetAclRequest
  | GetChildrenRequest
  | MultiReadRequest
  | GetEphemeralsRequest
  | GetAllChildrenNumberRequest;

/** Requests about the session itself rather than the tree. */
export type SessionRequest =
  | AddWatchRequest
  | RemoveWatchesRequest
  | CheckWatchesRequest
  | SetWatchesRequest
  | AuthRequest
  | WhoAmIRequest;

export type Request = WriteRequest | ReadRequest | SessionRequest | SyncRequest;
export type RequestType = Request['type'];

export const isWriteRequest = (r: Request): r is WriteRequest =>
  r.type === 'create' || r.type === 'delete' || r.type === 'setData' || r.type === 'setACL' ||
  r.type === 'check' || r.type === 'multi';
