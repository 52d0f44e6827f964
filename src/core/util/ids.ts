// Branded ids: a PeerId cannot be passed where a SessionId is expected, though both are numbers.

/** A peer's server id in the ensemble (ZooKeeper's `sid`/`myid`), 1..peer_id_max. */
export type PeerId = number & { readonly __peer: true };

/** A client session id, 0 < id < 2^53 (ZooKeeper's 64-bit session id, kept exact in a JS number). */
export type SessionId = number & { readonly __session: true };

export const asPeerId = (n: number): PeerId => n as PeerId;
export const asSessionId = (n: number): SessionId => n as SessionId;

/** ZooKeeper's ephemeralOwner for a node that no session owns. */
export const NO_SESSION = 0 as SessionId;
