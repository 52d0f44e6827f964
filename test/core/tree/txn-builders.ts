// Test helpers: txns as prep would produce them, with zxids from a counter.

import { OPEN_ACL_UNSAFE, type Acl } from '../../../src/core/acl/types.ts';
import type { ErrorCode } from '../../../src/core/errors.ts';
import type { CreateTxn, MultiSubTxn, Txn, TxnBody, TxnHeader } from '../../../src/core/requests/txn.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import type { DataTree } from '../../../src/core/tree/data-tree.ts';
import { asSessionId, type SessionId } from '../../../src/core/util/ids.ts';
import { makeZxid, type Zxid } from '../../../src/core/zxid.ts';

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

export const SESSION_A = asSessionId(0x1001);
export const SESSION_B = asSessionId(0x1002);

/** Issues txns with increasing zxids (epoch 1) and times 1000, 2000, … */
export class TxnClock {
  private counter = 0;
  session: SessionId = SESSION_A;

  header(session: SessionId = this.session): TxnHeader {
    this.counter++;
    return { sessionId: session, cxid: this.counter, zxid: this.zxid(), time: this.counter * 1000 };
  }

  zxid(): Zxid {
    return makeZxid(1, this.counter);
  }

  txn(body: TxnBody, session?: SessionId): Txn {
    return { header: this.header(session), body };
  }
}

export interface CreateOptions {
  data?: Uint8Array;
  acl?: readonly Acl[];
  mode?: CreateMode;
  ttl?: number;
  parentCversion?: number;
}

/** A create txn; parentCversion defaults to -1 ("one more than now"). */
export function createOp(path: string, options: CreateOptions = {}): CreateTxn {
  return {
    type: 'create',
    path,
    data: options.data ?? new Uint8Array(0),
    acl: options.acl ?? OPEN_ACL_UNSAFE,
    mode: options.mode ?? CreateMode.PERSISTENT,
    ttl: options.ttl ?? 0,
    parentCversion: options.parentCversion ?? -1,
  };
}

/** A create as prep would issue it against `tree`: parentCversion = persisted cversion + 1. */
export function prepCreate(tree: DataTree, path: string, options: CreateOptions = {}): CreateTxn {
  const parent = tree.get(path.slice(0, Math.max(1, path.lastIndexOf('/'))));
  return createOp(path, { ...options, parentCversion: parent === undefined ? -1 : parent.persistedCversion + 1 });
}

export const deleteOp = (path: string): MultiSubTxn => ({ type: 'delete', path });
export const setDataOp = (path: string, data: Uint8Array, version: number): MultiSubTxn => ({
  type: 'setData',
  path,
  data,
  version,
});
export const checkOp = (path: string, version: number): MultiSubTxn => ({ type: 'check', path, version });
export const errorOp = (code: ErrorCode): MultiSubTxn => ({ type: 'error', code });
