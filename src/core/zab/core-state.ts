// The state one peer's role modules share, and the only places it changes: sending, persisting,
// logging, committing and applying. Role modules (looking/following/observing/leading) read and
// update it; peer.ts wraps it in the tick/step/submit/ready/advance contract.

import type { Outgoing, PeerMessage } from '../messages.ts';
import type { Txn } from '../requests/txn.ts';
import { assert } from '../util/assert.ts';
import type { PeerId } from '../util/ids.ts';
import type { Prng } from '../util/prng.ts';
import { ZXID_ZERO, type Zxid } from '../zxid.ts';
import type { ZabConfig } from './config.ts';
import type { DurableState, PersistOp } from './durable.ts';
import type { Election } from './election.ts';
import type { LeaderState } from './leading.ts';
import type { LearnerState } from './learner.ts';
import { LocalRequests } from './local-requests.ts';
import type { StateMachine, StateMachineFactory } from './machine.ts';
import type { AppliedTxn, ClientReply, Ready, Trace } from './ready.ts';
import { newZabStats } from './stats.ts';
import { TxnLog } from './txn-log.ts';
import type { Vote } from './vote.ts';

export type RoleState =
  | { readonly name: 'LOOKING'; readonly election: Election }
  | { readonly name: 'FOLLOWING' | 'OBSERVING'; readonly learner: LearnerState }
  | { readonly name: 'LEADING'; readonly leader: LeaderState };

export interface CurrentVote {
  readonly vote: Vote;
  readonly electionEpoch: number;
}

export class CoreState {
  readonly stats = newZabStats();
  ticks = 0;
  acceptedEpoch: number;
  currentEpoch: number;
  /** currentEpoch as last confirmed durable by advance. */
  durableCurrentEpoch: number;
  /** The last logged zxid confirmed durable by advance. */
  durableZxid: Zxid;
  readonly log: TxnLog;
  machine: StateMachine;
  /** Highest zxid known to be committed; entries up to it are applied as soon as they are logged. */
  committedZxid: Zxid;
  role!: RoleState;
  /** The vote this peer settled on (answered to LOOKING peers once established). */
  currentVote: CurrentVote;
  /** Election rounds this peer has run (FastLeaderElection's logicalclock). */
  logicalClock = 0;
  /** Newest link generation seen from each peer. */
  readonly linkGen = new Map<PeerId, number>();
  /** Peers whose link the transport reported lost, until a message from them arrives (link-events.ts). */
  readonly linksDown = new Set<PeerId>();
  readonly requests = new LocalRequests();
  private outbox: Outgoing[] = [];
  private persistOps: PersistOp[] = [];
  /** The txns of persistOps' last op when it is an append, to extend in place. */
  private openAppend: Txn[] | undefined;
  /** Index in outbox of a cumulative ACK that a later one may replace (see sendAck), and its zxid. */
  private openAck = -1;
  private openAckZxid: Zxid = ZXID_ZERO;
  private appliedTxns: AppliedTxn[] = [];
  private clientReplies: ClientReply[] = [];
  /** For each reply, how many of appliedTxns (and their watch events) precede it. */
  private replyAfter: number[] = [];
  private traces: Trace[] = [];
  /** The newest txn time this peer has logged: a new leader's clock never runs behind it. */
  private lastTxnTimeMs = 0;

  constructor(
    readonly id: PeerId,
    readonly config: ZabConfig,
    readonly prng: Prng,
    readonly machineFactory: StateMachineFactory,
    durable: DurableState,
  ) {
    this.acceptedEpoch = durable.acceptedEpoch;
    this.currentEpoch = durable.currentEpoch;
    this.durableCurrentEpoch = durable.currentEpoch;
    this.machine = machineFactory(durable.snapshot);
    const base = durable.snapshot?.zxid ?? ZXID_ZERO;
    assert(this.machine.lastZxid === base, 'a restored machine starts at its snapshot zxid');
    this.log = new TxnLog(base, durable.log);
    for (const txn of durable.log) this.lastTxnTimeMs = Math.max(this.lastTxnTimeMs, txn.header.time);
    this.durableZxid = this.log.lastZxid;
    // Logged txns beyond the snapshot may or may not be committed: synchronisation decides.
    this.committedZxid = base;
    this.currentVote = { vote: { leader: id, zxid: this.log.lastZxid, peerEpoch: this.currentEpoch }, electionEpoch: 0 };
  }

  get now(): number {
    return this.ticks;
  }

  /** The leader's clock as txn time (deterministic: ticks, not the wall clock). It never goes back
   * behind a logged txn, so ctime/mtime and TTL expiry stay monotonic across a leader change. */
  get timeMs(): number {
    return Math.max(this.config.timeBaseMs + this.ticks * this.config.tickMs, this.lastTxnTimeMs);
  }

  send(to: PeerId, message: PeerMessage): void {
    if (to === this.id) assert(false, 'a peer never sends to itself');
    if (this.openAck >= 0) this.closeAck();
    this.outbox.push([to, message]);
  }

  /**
   * A follower's cumulative ACK of every proposal up to `zxid`. While nothing else has been sent
   * since the previous ACK (to the same peer), this one replaces it: one ACK per Ready covers a run.
   */
  sendAck(to: PeerId, zxid: Zxid): void {
    if (this.openAck >= 0 && this.outbox[this.openAck]?.[0] === to) {
      this.openAckZxid = zxid;
      return;
    }
    this.send(to, { type: 'ack', zxid });
    this.openAck = this.outbox.length - 1;
    this.openAckZxid = zxid;
  }

  /** Writes the open ACK's final zxid into the outbox; later ACKs start a new message. */
  private closeAck(): void {
    const entry = this.outbox[this.openAck];
    if (entry !== undefined && entry[1].type === 'ack' && entry[1].zxid !== this.openAckZxid) {
      this.outbox[this.openAck] = [entry[0], { type: 'ack', zxid: this.openAckZxid }];
    }
    this.openAck = -1;
  }

  persist(op: PersistOp): void {
    // Consecutive appends become one (one durable write per Ready), extended in place.
    if (op.type === 'append' && this.openAppend !== undefined) {
      for (const txn of op.txns) this.openAppend.push(txn);
      return;
    }
    if (op.type === 'append') {
      this.openAppend = [...op.txns];
      this.persistOps.push({ type: 'append', txns: this.openAppend });
    } else {
      this.openAppend = undefined;
      this.persistOps.push(op);
    }
  }

  /**
   * Once established in `epoch`, the vote this peer answers LOOKING peers with names the leader of
   * that epoch. Election votes carry the epoch a candidate had, and peers that joined at different
   * times would otherwise report different ones for the same leadership; a returning peer, which
   * needs a quorum of established peers to agree on (leader, epoch), could then never join.
   */
  settleVote(leader: PeerId, epoch: number): void {
    const vote = { leader, zxid: this.currentVote.vote.zxid, peerEpoch: epoch };
    this.currentVote = { vote, electionEpoch: this.currentVote.electionEpoch };
  }

  trace(t: Trace): void {
    this.traces.push(t);
  }

  reply(r: ClientReply): void {
    this.clientReplies.push(r);
    this.replyAfter.push(this.appliedTxns.length);
  }

  /** A cxid for a connect's createSession txn: negative (clients use positive ones), unique across
   * peers (the peer id in the high bits) and, with high probability, across this peer's restarts;
   * and within a signed 32-bit int, as ZooKeeper's TxnHeader (and our txn codec) stores a cxid. */
  connectCxid(): number {
    return -(this.id * 2 ** 23 + this.prng.int(2 ** 23));
  }

  /** Logs a txn in memory and asks for it durably. */
  logTxn(txn: Txn): void {
    this.log.append(txn);
    if (txn.header.time > this.lastTxnTimeMs) this.lastTxnTimeMs = txn.header.time;
    if (this.openAppend !== undefined) this.openAppend.push(txn);
    else this.persist({ type: 'append', txns: [txn] });
  }

  setAcceptedEpoch(epoch: number): void {
    assert(epoch >= this.acceptedEpoch, 'acceptedEpoch never goes back');
    this.acceptedEpoch = epoch;
    this.persist({ type: 'acceptedEpoch', epoch });
  }

  setCurrentEpoch(epoch: number): void {
    assert(epoch >= this.currentEpoch && epoch <= this.acceptedEpoch, 'currentEpoch <= acceptedEpoch');
    this.currentEpoch = epoch;
    this.persist({ type: 'currentEpoch', epoch });
  }

  /** Records that everything up to `zxid` is committed and applies what the log holds of it. */
  commitUpTo(zxid: Zxid): void {
    if (zxid > this.committedZxid) this.committedZxid = zxid;
    this.applyCommitted();
  }

  private applyCommitted(): void {
    for (const txn of this.log.between(this.machine.lastZxid, this.committedZxid)) {
      const result = this.machine.apply(txn, this.ticks);
      if (this.machine.lastZxid !== txn.header.zxid) assert(false, 'the machine advanced to the applied txn');
      this.appliedTxns.push({ txn, reply: result.reply, deliveries: result.deliveries });
      // Answered here, in the run: a read queued behind this txn sees it and nothing later of its
      // own session. Ready.replyAfter keeps its reply ahead of the events later txns fire.
      this.requests.onApplied(this, txn, result.reply);
    }
    this.requests.drain(this);
    this.maybeCompact();
  }

  /** Snapshot and purge the log once it holds more than snapCount applied txns. */
  private maybeCompact(): void {
    const applied = this.machine.lastZxid;
    if (this.log.countThrough(applied) <= this.config.snapCount) return;
    this.persist({ type: 'snapshot', zxid: applied, bytes: this.machine.serialize(), replace: false });
    this.log.compact(applied);
  }

  /** Replaces the machine and log with a leader's snapshot (SNAP). */
  restoreSnapshot(zxid: Zxid, bytes: Uint8Array): void {
    this.machine = this.machineFactory({ zxid, bytes });
    this.log.reset(zxid);
    this.committedZxid = zxid;
    this.persist({ type: 'snapshot', zxid, bytes, replace: true });
    this.trace({ type: 'restored', zxid });
  }

  /** Everything pending, handed over once: the caller persists, sends, delivers, then advances. */
  takeReady(): Ready {
    if (this.openAck >= 0) this.closeAck();
    const ready: Ready = {
      persist: this.persistOps,
      send: this.outbox,
      applied: this.appliedTxns,
      replies: this.clientReplies,
      replyAfter: this.replyAfter,
      trace: this.traces,
    };
    this.persistOps = [];
    this.openAppend = undefined;
    this.outbox = [];
    this.appliedTxns = [];
    this.clientReplies = [];
    this.replyAfter = [];
    this.traces = [];
    return ready;
  }

  hasReady(): boolean {
    return this.persistOps.length + this.outbox.length + this.appliedTxns.length + this.clientReplies.length +
      this.traces.length > 0;
  }
}
