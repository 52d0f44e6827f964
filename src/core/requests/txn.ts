// A txn is a write made deterministic: prep (on the leader) resolves sequence numbers, ACL
// placeholders, new versions and time; final applies it identically on every replica, in zxid order.
// Txns are what the log holds and what ZAB replicates; names follow ZooKeeper's txn records.

import type { Acl } from '../acl/types.ts';
import type { ErrorCode } from '../errors.ts';
import type { CreateMode } from '../tree/create-mode.ts';
import type { SessionId } from '../util/ids.ts';
import type { Zxid } from '../zxid.ts';

/** Who, when and in which order: ZooKeeper's TxnHeader. */
export interface TxnHeader {
  readonly sessionId: SessionId;
  /** The client's request id (xid), echoed in the reply. */
  readonly cxid: number;
  readonly zxid: Zxid;
  /** The leader's clock, ms since the epoch: becomes ctime/mtime and drives TTL expiry. */
  readonly time: number;
}

export interface CreateTxn {
  readonly type: 'create';
  /** Final path, with any sequential suffix already resolved. */
  readonly path: string;
  readonly data: Uint8Array;
  /** Final ACL, with `auth` placeholders already expanded. */
  readonly acl: readonly Acl[];
  readonly mode: CreateMode;
  /** TTL in ms for the *_WITH_TTL modes, else 0. */
  readonly ttl: number;
  /** The parent's cversion after this create (ZooKeeper's parentCVersion). */
  readonly parentCversion: number;
}
export interface DeleteTxn { readonly type: 'delete'; readonly path: string }
/** The leader's sweep removing an empty container or an expired TTL node. */
export interface DeleteContainerTxn { readonly type: 'deleteContainer'; readonly path: string }
export interface SetDataTxn {
  readonly type: 'setData';
  readonly path: string;
  readonly data: Uint8Array;
  /** The node's version after this write. */
  readonly version: number;
}
export interface SetAclTxn {
  readonly type: 'setACL';
  readonly path: string;
  readonly acl: readonly Acl[];
  /** The node's aversion after this write. */
  readonly version: number;
}
export interface CheckTxn { readonly type: 'check'; readonly path: string; readonly version: number }
/** A write that failed in prep still takes a zxid, so the session's replies stay in order. */
export interface ErrorTxn { readonly type: 'error'; readonly code: ErrorCode }

export type MultiSubTxn = CreateTxn | DeleteTxn | SetDataTxn | CheckTxn | ErrorTxn;
/** All or nothing: when any op failed, every sub-txn is an ErrorTxn (see final's multi rule). */
export interface MultiTxn { readonly type: 'multi'; readonly txns: readonly MultiSubTxn[] }

export interface CreateSessionTxn { readonly type: 'createSession'; readonly timeoutMs: number }
/** Closes or expires the header's session; its ephemerals go in this same txn. */
export interface CloseSessionTxn { readonly type: 'closeSession' }

export type TxnBody =
  | CreateTxn
  | DeleteTxn
  | DeleteContainerTxn
  | SetDataTxn
  | SetAclTxn
  | CheckTxn
  | ErrorTxn
  | MultiTxn
  | CreateSessionTxn
  | CloseSessionTxn;

export interface Txn {
  readonly header: TxnHeader;
  readonly body: TxnBody;
}
