// The durable epochs of ZAB's discovery: acceptedEpoch (recorded before ACKEPOCH) and currentEpoch
// (recorded before the ACK of NEWLEADER). A peer that forgot either could vote twice in one epoch.

export interface DurableEpochs {
  readonly acceptedEpoch: number;
  readonly currentEpoch: number;
}

export interface EpochStore {
  /** The epochs as last recorded (0 and 0 on a fresh store). */
  read(): Promise<DurableEpochs>;
  /** Records acceptedEpoch durably. */
  writeAccepted(epoch: number): Promise<void>;
  /** Records currentEpoch durably. */
  writeCurrent(epoch: number): Promise<void>;
}
