// One ZAB peer behind etcd-raft's RawNode contract: tick(), step(from, message, generation),
// submit(session, cxid, request), ready(), advance(ready). No I/O, clock or randomness of its own.
// The runtime persists ready.persist durably, then sends ready.send, then delivers ready.applied
// and ready.replies, then calls advance(ready); nothing that promises durability leaves earlier.

import { Code } from '../errors.ts';
import type { PeerMessage, ServerState } from '../messages.ts';
import { isWriteRequest, type Request } from '../requests/request.ts';
import { assert } from '../util/assert.ts';
import { NO_SESSION, type PeerId, type SessionId } from '../util/ids.ts';
import { limits } from '../util/limits.ts';
import type { Prng } from '../util/prng.ts';
import { zxidToString, type Zxid } from '../zxid.ts';
import { checkConnect, refused, type ConnectRefused, type ConnectRequest } from '../sessions/connect.ts';
import { passwordMatches } from '../sessions/password.ts';
import { propose, touchSession } from './broadcast.ts';
import { leaderClose, leaderConnect, leaderRevalidate } from './leader-sessions.ts';
import { isMember, isVoter, type ZabConfig } from './config.ts';
import { CoreState } from './core-state.ts';
import { emptyDurableState, type DurableState } from './durable.ts';
import { afterDurable, dropLearner, stepLeading, tickLeading } from './leading.ts';
import { stepLearner, tickLearner } from './learner.ts';
import { onLinkLost, onLinkUp } from './link-events.ts';
import { notification, stepLooking, stepLookingOther, tickLooking } from './looking.ts';
import type { StateMachine, StateMachineFactory } from './machine.ts';
import type { Ready } from './ready.ts';
import type { ZabStats } from './stats.ts';
import { becomeLooking, startLooking } from './transitions.ts';

export interface ZabPeerOptions {
  readonly id: PeerId;
  readonly config: ZabConfig;
  readonly prng: Prng;
  readonly machine: StateMachineFactory;
  /** What the peer had made durable before it (re)started. */
  readonly durable?: DurableState;
}

export class ZabPeer {
  private readonly core: CoreState;
  private handedOut: Ready | undefined;

  constructor(options: ZabPeerOptions) {
    assert(isMember(options.config, options.id), `peer ${options.id} is not in the ensemble`);
    this.core = new CoreState(options.id, options.config, options.prng, options.machine, options.durable ?? emptyDurableState);
    startLooking(this.core);
  }

  get id(): PeerId {
    return this.core.id;
  }
  get state(): ServerState {
    return this.core.role.name;
  }
  /** The leader this peer follows or is, once established. */
  get leader(): PeerId | undefined {
    return this.core.role.name === 'LOOKING' ? undefined : this.core.currentVote.vote.leader;
  }
  /** True when this peer answers clients (its role has reached BROADCAST). */
  get serving(): boolean {
    const role = this.core.role;
    if (role.name === 'LEADING') return role.leader.phase === 'broadcast';
    if (role.name === 'LOOKING') return false;
    return role.learner.phase === 'broadcast';
  }
  /** The epoch this peer leads or follows, when it knows it. */
  get epoch(): number {
    const role = this.core.role;
    if (role.name === 'LEADING') return role.leader.epoch;
    if (role.name === 'LOOKING') return this.core.currentEpoch;
    return role.learner.epoch;
  }
  get acceptedEpoch(): number {
    return this.core.acceptedEpoch;
  }
  get currentEpoch(): number {
    return this.core.currentEpoch;
  }
  get lastLoggedZxid(): Zxid {
    return this.core.log.lastZxid;
  }
  get committedZxid(): Zxid {
    return this.core.committedZxid;
  }
  get machine(): StateMachine {
    return this.core.machine;
  }
  get stats(): Readonly<ZabStats> {
    return this.core.stats;
  }
  get ticks(): number {
    return this.core.ticks;
  }
  get pendingRequests(): number {
    return this.core.requests.size;
  }

  tick(): void {
    const core = this.core;
    core.ticks++;
    const role = core.role;
    if (role.name === 'LOOKING') tickLooking(core, role.election);
    else if (role.name === 'LEADING') tickLeading(core, role.leader);
    else tickLearner(core, role.learner);
  }

  /**
   * A message from a peer, on link generation `generation` (the transport bumps it each time the
   * link is re-established). Older generations are dropped; a newer one means the old connection
   * and whatever was in flight on it are gone.
   */
  step(from: PeerId, message: PeerMessage, generation = 0): void {
    const core = this.core;
    if (!isMember(core.config, from) || from === core.id) {
      core.stats.unknownPeer++;
      return;
    }
    const known = core.linkGen.get(from);
    if (known !== undefined && generation < known) {
      core.stats.staleGeneration++;
      return;
    }
    core.linkGen.set(from, generation);
    core.linksDown.delete(from);
    if (known !== undefined && generation > known) this.linkReset(from);
    if (message.type === 'notification') return this.onNotification(from, message);
    const role = core.role;
    if (role.name === 'LEADING') stepLeading(core, role.leader, from, message);
    else if (role.name === 'LOOKING') stepLookingOther(core, role.election, from, message);
    else stepLearner(core, role.learner, from, message);
  }

  /**
   * The transport reports the link to `peer` lost (it was up and is not any more): its process died
   * or the link broke. A follower of `peer` goes LOOKING at once, a leader drops it (and steps down
   * without a quorum), an election stops counting its vote. See link-events.ts.
   */
  linkLost(peer: PeerId): void {
    if (!isMember(this.core.config, peer) || peer === this.core.id) return;
    onLinkLost(this.core, peer);
  }

  /** The transport reports a link to `peer` up (a new generation): a LOOKING peer sends its vote. */
  linkUp(peer: PeerId): void {
    if (!isMember(this.core.config, peer) || peer === this.core.id) return;
    onLinkUp(this.core, peer);
  }

  /** A client request that arrived at this peer; its answer comes in a later ready().replies. */
  submit(session: SessionId, cxid: number, request: Request): void {
    const core = this.core;
    const role = core.role;
    if (!this.serving) {
      core.reply({ session, cxid, reply: { type: 'error', code: Code.CONNECTIONLOSS } });
      return;
    }
    if (core.requests.size >= limits.pending_requests_per_peer_max) {
      core.reply({ session, cxid, reply: { type: 'error', code: Code.THROTTLEDOP } });
      return;
    }
    const kind = isWriteRequest(request) ? 'write' : request.type === 'sync' ? 'sync' : 'read';
    core.requests.add(session, cxid, kind, request);
    this.ping(session);
    if (role.name === 'LEADING') {
      if (kind === 'write') propose(core, role.leader, session, cxid, request, core.id);
      else if (kind === 'sync') core.requests.setSyncZxid(session, cxid, core.log.lastZxid);
    } else if (role.name !== 'LOOKING' && kind !== 'read') {
      core.send(role.learner.leader, { type: 'request', session, cxid, request, authIds: core.machine.authIds?.(session) ?? [] });
    }
    core.requests.drain(core);
  }

  /**
   * A client's handshake (ZooKeeper's ConnectRequest); the answer comes in a later ready().replies
   * as a ClientReply with cxid `token` and `connect` set. (A bare number is the old form: a new
   * session with that timeout.)
   * - A client that has seen a newer zxid than this peer has applied is refused with CONNECTIONLOSS
   *   (it tries another peer; ZooKeeper closes such a connection), so it never reads older state.
   * - Without a session the leader mints one through a createSession txn, answered once applied.
   * - With a session and a wrong password: SESSIONEXPIRED at once (any peer can check a password:
   *   sessions/password.ts). Otherwise the leader revalidates the session (touches it; this peer
   *   becomes its owner) and the answer waits for the leader's confirmation: the revalidation is
   *   followed by a sync on the same FIFO link, and the answer goes out once this peer has applied
   *   what the leader had logged then. By that point this replica holds any closeSession the leader
   *   had decided on (only the leader knows a session is closing or expired), so checking the
   *   session here is checking it at the leader, with no new peer message. It costs one round trip
   *   to the leader, as ZooKeeper's Learner.validateSession does; answering at once from the local
   *   replica could tell a client "connected" for a session the leader has already expired.
   */
  connect(token: number, input: ConnectRequest | number): void {
    const core = this.core;
    const role = core.role;
    const request: ConnectRequest = typeof input === 'number' ? { timeoutMs: input } : input;
    const refuse = (answer: ConnectRefused, session = NO_SESSION): void =>
      core.reply({ session, cxid: token, reply: { type: 'error', code: answer.code }, connect: answer });
    if (!this.serving) return refuse(refused(Code.CONNECTIONLOSS, 'the peer is not serving'));
    const checked = checkConnect(request);
    if ('ok' in checked) return refuse(checked);
    const applied = core.machine.lastZxid;
    if (request.lastZxidSeen !== undefined && request.lastZxidSeen > applied) {
      return refuse(refused(Code.CONNECTIONLOSS, `the client has seen zxid ${zxidToString(request.lastZxidSeen)}, this peer only ${zxidToString(applied)}`));
    }
    if (core.requests.size >= limits.pending_requests_per_peer_max) return refuse(refused(Code.THROTTLEDOP, 'too many pending requests'));
    const session = checked.session;
    const cxid = core.connectCxid();
    if (session === undefined) {
      core.requests.addConnect(cxid, token);
      if (role.name === 'LEADING') leaderConnect(core, role.leader, cxid, request.timeoutMs, core.id);
      else if (role.name !== 'LOOKING') core.send(role.learner.leader, { type: 'create-session', cxid, timeoutMs: request.timeoutMs });
      return;
    }
    if (core.machine.sessions === undefined) return refuse(refused(Code.UNIMPLEMENTED, 'this state machine has no sessions'), session);
    if (!passwordMatches(core.config.sessionSecret, session, request.password ?? new Uint8Array(0))) {
      return refuse(refused(Code.SESSIONEXPIRED, 'wrong session password'), session);
    }
    core.requests.addReattach(session, cxid, token);
    if (role.name === 'LEADING') {
      leaderRevalidate(core, session, core.id);
      core.requests.setSyncZxid(session, cxid, core.log.lastZxid);
      core.requests.drain(core);
    } else if (role.name !== 'LOOKING') {
      core.send(role.learner.leader, { type: 'revalidate', session });
      core.send(role.learner.leader, { type: 'request', session, cxid, request: { type: 'sync', path: '/' }, authIds: [] });
    }
  }

  /** The client closes its session (its ephemerals go in the same txn). */
  closeSession(session: SessionId, cxid: number): void {
    const core = this.core;
    const role = core.role;
    if (!this.serving) {
      core.reply({ session, cxid, reply: { type: 'error', code: Code.CONNECTIONLOSS } });
      return;
    }
    core.requests.add(session, cxid, 'write');
    if (role.name === 'LEADING') leaderClose(core, role.leader, session, cxid);
    else if (role.name !== 'LOOKING') core.send(role.learner.leader, { type: 'close-session', session, cxid });
  }

  /**
   * A client with a session reconnected to this peer: the leader makes this peer its owner, so
   * requests it left at its old peer can no longer take effect (they fail with SESSIONMOVED).
   * Requests sent after this one reach the leader after it, on the same FIFO link.
   */
  revalidate(session: SessionId): void {
    const core = this.core;
    const role = core.role;
    if (role.name === 'LEADING') leaderRevalidate(this.core, session, this.core.id);
    else if (role.name !== 'LOOKING' && this.serving) core.send(role.learner.leader, { type: 'revalidate', session });
  }

  /** A client's heartbeat: the leader pushes the session's deadline out (learners relay it). */
  ping(session: SessionId): void {
    const role = this.core.role;
    if (role.name === 'LEADING') touchSession(this.core, session);
    else if (role.name !== 'LOOKING') role.learner.touched.add(session);
  }

  hasReady(): boolean {
    return this.core.hasReady();
  }

  ready(): Ready {
    assert(this.handedOut === undefined, 'ready() again before advance()');
    this.handedOut = this.core.takeReady();
    return this.handedOut;
  }

  /** The runtime confirms that ready.persist is durable (and the rest was carried out). */
  advance(ready: Ready): void {
    assert(ready === this.handedOut, 'advance() with a Ready this peer did not hand out last');
    this.handedOut = undefined;
    const core = this.core;
    for (const op of ready.persist) {
      if (op.type === 'append') {
        const last = op.txns.at(-1);
        if (last !== undefined) core.durableZxid = last.header.zxid;
      } else if (op.type === 'truncate') {
        core.durableZxid = Math.min(core.durableZxid, op.zxid) as Zxid;
      } else if (op.type === 'snapshot' && op.replace) {
        core.durableZxid = op.zxid;
      } else if (op.type === 'currentEpoch') {
        core.durableCurrentEpoch = op.epoch;
      }
    }
    if (core.role.name === 'LEADING') afterDurable(core, core.role.leader);
  }

  private linkReset(from: PeerId): void {
    const role = this.core.role;
    if (role.name === 'LOOKING') role.election.earlyFollowers.delete(from);
    else if (role.name === 'LEADING') dropLearner(role.leader, from);
    else if (role.learner.leader === from && role.learner.phase !== 'discovery') {
      becomeLooking(this.core);
    }
  }

  private onNotification(from: PeerId, n: Extract<PeerMessage, { type: 'notification' }>): void {
    const core = this.core;
    const role = core.role;
    if (role.name === 'LOOKING') {
      stepLooking(core, role.election, from, n);
      return;
    }
    // Established: tell a LOOKING peer (or any observer) whom we follow, so it can join.
    if (n.state === 'LOOKING' || !isVoter(core.config, from)) {
      core.send(from, notification(core.currentVote.vote, core.currentVote.electionEpoch, role.name));
    }
  }
}
