// "An ephemeral exists iff its session is live", both halves, on one replica's machine:
// - no ephemeral of a session the replica's table no longer has (the closing txn removes them);
// - every acknowledged create of an ephemeral that only its session's end removes is there, owned
//   by that session, while the replica still has the session.

import type { SessionId } from '../../../src/core/util/ids.ts';
import type { TreeMachine } from '../../../src/core/zab/tree-machine.ts';

/** Sessions that own ephemerals on this replica but are not in its session table. */
export function ownersNotLive(machine: TreeMachine): SessionId[] {
  return machine.tree.sessionsWithEphemerals().filter((owner) => machine.table.get(owner) === undefined);
}

export interface AckedEphemeral {
  readonly path: string;
  readonly session: SessionId;
}

/** Acknowledged ephemerals of sessions still live on this replica that it lacks (or gives another owner). */
export function missingEphemerals(machine: TreeMachine, acked: readonly AckedEphemeral[]): AckedEphemeral[] {
  return acked.filter((e) => machine.table.get(e.session) !== undefined && machine.tree.get(e.path)?.stat().ephemeralOwner !== e.session);
}
