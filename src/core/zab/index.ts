// The ZAB core's public surface.
export { ZabPeer, type ZabPeerOptions } from './peer.ts';
export { makeZabConfig, defaultZabConfig, isVoter, isObserver, isMember, type ZabConfig, type ZabConfigInput } from './config.ts';
export { applyPersistOps, applyPersistOp, emptyDurableState, type DurableState, type PersistOp } from './durable.ts';
export type { StateMachine, StateMachineFactory, ApplyResult, SessionPort } from './machine.ts';
export { TreeMachine, treeMachineFactory } from './tree-machine.ts';
export { isEmptyReady, type Ready, type AppliedTxn, type ClientReply, type Trace } from './ready.ts';
export type { ZabStats } from './stats.ts';
export { voteBeats, type Vote } from './vote.ts';
export { isQuorum, quorumSize } from './quorum.ts';
export { planSync, type SyncPlan } from './sync-plan.ts';
export { TxnLog } from './txn-log.ts';
