// What the core answers a client request with: an error code, or a result shaped by the request type.

import type { Acl, Id } from '../acl/types.ts';
import type { ErrorCode } from '../errors.ts';
import type { Stat } from '../tree/stat.ts';
import type { WatchedEvent } from '../watches/events.ts';

export interface ErrorReply { readonly type: 'error'; readonly code: ErrorCode; readonly path?: string }

export interface CreateReply { readonly type: 'create'; readonly path: string; readonly stat: Stat }
export interface DeleteReply { readonly type: 'delete' }
export interface SetDataReply { readonly type: 'setData'; readonly stat: Stat }
export interface SetAclReply { readonly type: 'setACL'; readonly stat: Stat }
export interface CheckReply { readonly type: 'check' }
export interface ExistsReply { readonly type: 'exists'; readonly stat: Stat | null }
export interface GetDataReply { readonly type: 'getData'; readonly data: Uint8Array; readonly stat: Stat }
export interface GetAclReply { readonly type: 'getACL'; readonly acl: readonly Acl[]; readonly stat: Stat }
export interface GetChildrenReply {
  readonly type: 'getChildren';
  readonly children: readonly string[];
  /** Present for getChildren2 (withStat). */
  readonly stat?: Stat;
}
export interface GetEphemeralsReply { readonly type: 'getEphemerals'; readonly paths: readonly string[] }
export interface GetAllChildrenNumberReply { readonly type: 'getAllChildrenNumber'; readonly count: number }
export interface SyncReply { readonly type: 'sync'; readonly path: string }
export interface EmptyReply { readonly type: 'addWatch' | 'removeWatches' | 'checkWatches' | 'auth' }
/** setWatches: the events of the watches that fired at once (the client delivers them before it
 * resolves the reply; ZooKeeper's server sends them as notifications ahead of the reply). */
export interface SetWatchesReply { readonly type: 'setWatches'; readonly events: readonly WatchedEvent[] }
/** createSession and closeSession txns, once applied; `reconnect` answers a reattached session's
 * connect (ClientReply.connect carries the terms). */
export interface SessionReply { readonly type: 'createSession' | 'closeSession' | 'reconnect' }
export interface WhoAmIReply { readonly type: 'whoAmI'; readonly ids: readonly Id[] }

/** One op's outcome inside a multi (ZooKeeper's OpResult): an error code or the op's reply. */
export type MultiOpResult = CreateReply | DeleteReply | SetDataReply | CheckReply | ErrorReply;
export interface MultiReply { readonly type: 'multi'; readonly results: readonly MultiOpResult[] }
export type ReadOpResult = GetDataReply | GetChildrenReply | ErrorReply;
export interface MultiReadReply { readonly type: 'multiRead'; readonly results: readonly ReadOpResult[] }

export type Reply =
  | ErrorReply
  | CreateReply
  | DeleteReply
  | SetDataReply
  | SetAclReply
  | CheckReply
  | ExistsReply
  | GetDataReply
  | GetAclReply
  | GetChildrenReply
  | GetEphemeralsReply
  | GetAllChildrenNumberReply
  | SyncReply
  | EmptyReply
  | WhoAmIReply
  | SetWatchesReply
  | SessionReply
  | MultiReply
  | MultiReadReply;
