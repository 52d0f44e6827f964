// ZooKeeper's Stat: the metadata every znode carries and every read returns.

import type { Zxid } from '../zxid.ts';
import type { SessionId } from '../util/ids.ts';

export interface Stat {
  /** zxid of the create. */
  readonly czxid: Zxid;
  /** zxid of the last setData (the create's, until one). */
  readonly mzxid: Zxid;
  /** Time of the create, ms since the epoch, from the leader's clock. */
  readonly ctime: number;
  /** Time of the last setData. */
  readonly mtime: number;
  /** Number of setData calls. */
  readonly version: number;
  /** Number of changes to the children (creates and deletes). */
  readonly cversion: number;
  /** Number of setACL calls. */
  readonly aversion: number;
  /** The owning session of an ephemeral, else 0. */
  readonly ephemeralOwner: SessionId;
  readonly dataLength: number;
  readonly numChildren: number;
  /** zxid of the last change to the children (the create's, until one). */
  readonly pzxid: Zxid;
}
