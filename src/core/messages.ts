// Every peer<->peer message of the ZAB protocol: a union keyed on `type`, named after ZooKeeper's
// packets (FastLeaderElection's Notification; Leader.java's FOLLOWERINFO … UPTODATE). The transport
// carries a link generation beside each message; the payload itself is plain data so a codec can
// frame it. A message from a peer is outside input: the core validates it and drops what does not fit.

import type { Id } from './acl/types.ts';
import type { Request } from './requests/request.ts';
import type { Txn } from './requests/txn.ts';
import type { PeerId, SessionId } from './util/ids.ts';
import type { Zxid } from './zxid.ts';

export type ServerState = 'LOOKING' | 'FOLLOWING' | 'LEADING' | 'OBSERVING';

/** Fast leader election's vote, as broadcast by every peer (ZooKeeper's Notification). */
export interface NotificationMessage {
  readonly type: 'notification';
  /** The proposed (or, once established, the followed) leader. */
  readonly leader: PeerId;
  /** The proposed leader's last logged zxid. */
  readonly zxid: Zxid;
  /** The proposed leader's currentEpoch. */
  readonly peerEpoch: number;
  /** The sender's logical clock (election round). */
  readonly electionEpoch: number;
  readonly state: ServerState;
}

/** Learner -> leader, opens discovery. `attempt` tells a retry from a new connection. */
export interface FollowerInfoMessage {
  readonly type: 'followerinfo';
  readonly acceptedEpoch: number;
  readonly lastZxid: Zxid;
  readonly observer: boolean;
  readonly attempt: number;
}
/** Leader -> learner: the epoch it proposes, echoing the learner's attempt. */
export interface LeaderInfoMessage { readonly type: 'leaderinfo'; readonly newEpoch: number; readonly attempt: number }
/** Learner -> leader. currentEpoch -1 says "I had already accepted this epoch" (not counted). */
export interface AckEpochMessage { readonly type: 'ackepoch'; readonly currentEpoch: number; readonly lastZxid: Zxid }

/** Synchronisation: the learner appends `txns` after its lastZxid. */
export interface DiffMessage { readonly type: 'diff'; readonly txns: readonly Txn[] }
/** The learner drops every logged txn after `zxid` (which it must hold), then appends `txns`. */
export interface TruncMessage { readonly type: 'trunc'; readonly zxid: Zxid; readonly txns: readonly Txn[] }
/** The learner replaces its state with a snapshot taken at `zxid`, then appends `txns`. */
export interface SnapMessage {
  readonly type: 'snap';
  readonly zxid: Zxid;
  readonly snapshot: Uint8Array;
  readonly txns: readonly Txn[];
}
/** Ends synchronisation; the learner records currentEpoch = epoch durably and ACKs zxid (epoch, 0). */
export interface NewLeaderMessage { readonly type: 'newleader'; readonly epoch: number }
/** The learner may apply everything up to `committedZxid` and serve clients. */
export interface UpToDateMessage { readonly type: 'uptodate'; readonly committedZxid: Zxid }

export interface ProposalMessage { readonly type: 'proposal'; readonly txn: Txn }
/** Cumulative: the follower has durably logged every proposal of the stream up to `zxid`. */
export interface AckMessage { readonly type: 'ack'; readonly zxid: Zxid }
/** Cumulative: every proposal up to `zxid` is committed. */
export interface CommitMessage { readonly type: 'commit'; readonly zxid: Zxid }
/** Leader -> observer: a committed txn (proposal and commit in one). */
export interface InformMessage { readonly type: 'inform'; readonly txn: Txn }
/** Heartbeat both ways; a learner's PING carries the sessions its clients touched. */
export interface PingMessage { readonly type: 'ping'; readonly sessions: readonly SessionId[] }

/**
 * Learner -> leader: a client's write (or sync) to order, with the ids the client proved at the
 * learner (ZooKeeper's QuorumPacket.authinfo): the leader checks ACLs and expands `auth` with them.
 */
export interface RequestMessage {
  readonly type: 'request';
  readonly session: SessionId;
  readonly cxid: number;
  readonly request: Request;
  readonly authIds: readonly Id[];
}
/** Learner -> leader: a client connects without a session; `cxid` names the connect locally. */
export interface CreateSessionMessage { readonly type: 'create-session'; readonly cxid: number; readonly timeoutMs: number }
/** Learner -> leader: a client closes its session. */
export interface CloseSessionMessage { readonly type: 'close-session'; readonly session: SessionId; readonly cxid: number }
/** Learner -> leader: a client with a session reconnected here (the session's new owner). */
export interface RevalidateMessage { readonly type: 'revalidate'; readonly session: SessionId }
/** Leader -> learner: a forwarded sync may be answered once `zxid` is applied locally. */
export interface SyncReplyMessage {
  readonly type: 'sync-reply';
  readonly session: SessionId;
  readonly cxid: number;
  readonly zxid: Zxid;
}

/**
 * A client connection carried on a peer link (src/runtime/peer-client-channels.ts): ZooKeeper's
 * packets, named by the opener's stream number and the direction. The runtime keeps these from the
 * core, which never sees them.
 */
export interface ClientDataMessage {
  readonly type: 'client-data';
  readonly stream: number;
  readonly toServer: boolean;
  readonly data: Uint8Array;
}
export interface ClientCloseMessage {
  readonly type: 'client-close';
  readonly stream: number;
  readonly toServer: boolean;
  readonly reason: string;
}
export type ClientChannelMessage = ClientDataMessage | ClientCloseMessage;

export type PeerMessage =
  | NotificationMessage
  | FollowerInfoMessage
  | LeaderInfoMessage
  | AckEpochMessage
  | DiffMessage
  | TruncMessage
  | SnapMessage
  | NewLeaderMessage
  | UpToDateMessage
  | ProposalMessage
  | AckMessage
  | CommitMessage
  | InformMessage
  | PingMessage
  | RequestMessage
  | CreateSessionMessage
  | CloseSessionMessage
  | RevalidateMessage
  | SyncReplyMessage
  | ClientChannelMessage;

export type PeerMessageType = PeerMessage['type'];

/** A message addressed to a peer, as the core hands it to the runtime. */
export type Outgoing = readonly [to: PeerId, message: PeerMessage];
