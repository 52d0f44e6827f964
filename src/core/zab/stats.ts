// Counters of what a peer dropped or did, for the UI, 4lw `mntr`, and the simulator's checks.
// Dropped peer messages are counted here rather than asserted on: a peer is outside input.

export interface ZabStats {
  /** Messages from a peer outside the ensemble. */
  unknownPeer: number;
  /** Messages carrying an older link generation than the newest seen on that link. */
  staleGeneration: number;
  /** Messages that do not fit the receiver's role or phase (late, early, or from a non-leader). */
  unexpected: number;
  /** Messages whose epoch or zxid is not the one expected. */
  wrongEpoch: number;
  /** Sync or commit instructions that contradict the local log (must stay zero). */
  syncMismatch: number;
  elections: number;
  leaderships: number;
  proposals: number;
  commits: number;
  snapshotsSent: number;
  stepDowns: number;
}

export const newZabStats = (): ZabStats => ({
  unknownPeer: 0,
  staleGeneration: 0,
  unexpected: 0,
  wrongEpoch: 0,
  syncMismatch: 0,
  elections: 0,
  leaderships: 0,
  proposals: 0,
  commits: 0,
  snapshotsSent: 0,
  stepDowns: 0,
});
