// The ZAB safety properties, checked after every step from what peers report (ZAB's TLA+ names):
// - PrefixConsistency, Agreement, TotalOrder: every peer's delivered sequence is a prefix of one
//   canonical sequence (kept here), so any two agree on order and content.
// - Integrity: a delivered txn is one some leader proposed, with that content.
// - LocalPrimaryOrder / GlobalPrimaryOrder / zxids only grow: the canonical sequence is strictly
//   increasing in zxid, and a leader's proposals carry increasing zxids.
// - PrimaryIntegrity: a leader of epoch e has delivered every txn of an earlier epoch that anyone
//   delivered, before it proposes anything.
// - Leadership: at most one leader establishes itself per epoch.
// - Replicas that applied the same zxid have the same state digest.
// - Sequence numbers never repeat under a parent: each sequential create in the delivered sequence
//   carries a larger number than every earlier one under the same parent (checked once per txn).
// - An ephemeral's owner is a live session: after every apply, each replica's ephemerals belong to
//   sessions in its session table (the closing txn removes them in the same step).

import type { Txn } from '../../../src/core/requests/txn.ts';
import type { PeerId } from '../../../src/core/util/ids.ts';
import { epochOf, zxidToString, type Zxid } from '../../../src/core/zxid.ts';
import { isSequentialMode } from '../../../src/core/tree/create-mode.ts';
import { parentOf } from '../../../src/core/tree/path.ts';
import type { StateMachine } from '../../../src/core/zab/machine.ts';
import { TreeMachine } from '../../../src/core/zab/tree-machine.ts';
import { ownersNotLive } from './ephemerals.ts';
import { txnKey } from './txn-key.ts';

export class ZabChecker {
  readonly violations: string[] = [];
  private readonly canonical: { zxid: Zxid; key: string }[] = [];
  private readonly position = new Map<PeerId, number>();
  private readonly proposed = new Map<Zxid, string>();
  private readonly leaders = new Map<number, PeerId>();
  private readonly digests = new Map<Zxid, string>();
  private readonly lastProposed = new Map<PeerId, Zxid>();
  /** Per parent path, the largest sequence number a delivered sequential create used. */
  private readonly lastSequence = new Map<string, number>();
  /** `session/cxid` -> zxid of each delivered txn that changed state (ordering hints for the history check). */
  private readonly byRequest = new Map<string, Zxid>();

  get delivered(): number {
    return this.canonical.length;
  }

  /** Zxid of the n-th canonical txn (0-based). */
  zxidAt(index: number): Zxid | undefined {
    return this.canonical[index]?.zxid;
  }

  indexOf(zxid: Zxid): number {
    let lo = 0;
    let hi = this.canonical.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.canonical[mid]?.zxid ?? 0) < zxid) lo = mid + 1;
      else hi = mid;
    }
    return this.canonical[lo]?.zxid === zxid ? lo : -1;
  }

  /** The zxid at which a session's request took effect, if anyone delivered it and it was no error. */
  zxidOfRequest(session: number, cxid: number): Zxid | undefined {
    return this.byRequest.get(`${session}/${cxid}`);
  }

  positionOf(peer: PeerId): number {
    return this.position.get(peer) ?? 0;
  }

  /** The peer's state was (re)built from a snapshot at `zxid` (restart or SNAP). */
  restored(peer: PeerId, zxid: Zxid): void {
    if (zxid === 0) {
      this.position.set(peer, 0);
      return;
    }
    const i = this.indexOf(zxid);
    if (i < 0) this.fail(`Integrity: peer ${peer} restored a snapshot at ${zxidToString(zxid)} that nobody delivered`);
    this.position.set(peer, i + 1);
  }

  applied(peer: PeerId, txn: Txn): void {
    const key = txnKey(txn);
    const zxid = txn.header.zxid;
    const proposed = this.proposed.get(zxid);
    if (proposed !== key) this.fail(`Integrity: peer ${peer} delivered ${key}, proposed was ${proposed ?? 'nothing'}`);
    const pos = this.positionOf(peer);
    const expected = this.canonical[pos];
    if (expected === undefined) {
      const last = this.canonical.at(-1);
      if (last !== undefined && zxid <= last.zxid) {
        this.fail(`TotalOrder: peer ${peer} delivered ${zxidToString(zxid)} after ${zxidToString(last.zxid)}`);
      }
      this.canonical.push({ zxid, key });
      this.sequences(txn);
      // An ErrorTxn (or a failed multi) took a zxid but changed nothing: no place to hint.
      const failed = txn.body.type === 'error' || (txn.body.type === 'multi' && txn.body.txns.some((t) => t.type === 'error'));
      if (!failed) this.byRequest.set(`${txn.header.sessionId}/${txn.header.cxid}`, zxid);
    } else if (expected.key !== key) {
      this.fail(`Agreement: peer ${peer} delivered ${key} at position ${pos}, others delivered ${expected.key}`);
    }
    this.position.set(peer, pos + 1);
  }

  digest(peer: PeerId, zxid: Zxid, digest: string): void {
    const known = this.digests.get(zxid);
    if (known === undefined) this.digests.set(zxid, digest);
    else if (known !== digest) this.fail(`Digest: peer ${peer} at ${zxidToString(zxid)} has ${digest}, others ${known}`);
  }

  established(peer: PeerId, epoch: number): void {
    const other = this.leaders.get(epoch);
    if (other !== undefined && other !== peer) this.fail(`Leadership: peers ${other} and ${peer} both led epoch ${epoch}`);
    this.leaders.set(epoch, peer);
  }

  proposedBy(peer: PeerId, txn: Txn): void {
    const zxid = txn.header.zxid;
    const key = txnKey(txn);
    const known = this.proposed.get(zxid);
    if (known !== undefined && known !== key) this.fail(`Integrity: two proposals for ${zxidToString(zxid)}: ${known} and ${key}`);
    this.proposed.set(zxid, key);
    const last = this.lastProposed.get(peer);
    if (last !== undefined && epochOf(last) === epochOf(zxid) && zxid <= last) {
      this.fail(`LocalPrimaryOrder: peer ${peer} proposed ${zxidToString(zxid)} after ${zxidToString(last)}`);
    }
    this.lastProposed.set(peer, zxid);
    // PrimaryIntegrity: everything delivered from earlier epochs is already delivered here.
    const pos = this.positionOf(peer);
    for (let i = pos; i < this.canonical.length; i++) {
      const c = this.canonical[i];
      if (c !== undefined && epochOf(c.zxid) < epochOf(zxid)) {
        this.fail(`PrimaryIntegrity: leader ${peer} proposed ${zxidToString(zxid)} before delivering ${c.key}`);
        break;
      }
    }
  }

  /** Delivered txns the sweep made (deleteContainer) and sequential creates: shows the workload ran. */
  sweeps = 0;
  sequentialCreates = 0;

  /** Sequential creates of a newly delivered txn (and of its multi) against the per-parent maximum. */
  private sequences(txn: Txn): void {
    const body = txn.body;
    if (body.type === 'deleteContainer') this.sweeps++;
    const creates = body.type === 'create' ? [body] : body.type === 'multi' ? body.txns.filter((t) => t.type === 'create') : [];
    for (const create of creates) {
      if (!isSequentialMode(create.mode)) continue;
      this.sequentialCreates++;
      const number = Number(create.path.slice(-10));
      const parent = parentOf(create.path);
      const last = this.lastSequence.get(parent);
      if (last !== undefined && number <= last) {
        this.fail(`Sequence: ${create.path} at ${zxidToString(txn.header.zxid)} does not follow sequence ${last} under ${parent}`);
      }
      this.lastSequence.set(parent, Math.max(number, last ?? number));
    }
  }

  /** Every ephemeral the replica holds belongs to a session its table still has. */
  ephemerals(peer: PeerId, machine: StateMachine): void {
    if (!(machine instanceof TreeMachine)) return;
    for (const owner of ownersNotLive(machine)) {
      this.fail(`Ephemeral: peer ${peer} at ${zxidToString(machine.lastZxid)} holds ephemerals of session ${owner}, which is not live`);
    }
  }

  private fail(message: string): void {
    if (this.violations.length < 20) this.violations.push(message);
  }
}
