// The ensemble a peer belongs to and the timing it runs by, all in ticks. Validated once at
// construction: a bad configuration is the operator's input, answered with BADARGUMENTS.

import { Code, KeeperError } from '../errors.ts';
import type { PeerId } from '../util/ids.ts';
import { limits } from '../util/limits.ts';

export interface ZabConfig {
  readonly voters: readonly PeerId[];
  readonly observers: readonly PeerId[];
  /** Wall-clock length of one tick; turns the leader's tick count into txn time. */
  readonly tickMs: number;
  /** Ticks a peer may spend in discovery and synchronisation. */
  readonly initLimit: number;
  /** Ticks of silence after which a follower, or a leader without a quorum, gives up. */
  readonly syncLimit: number;
  /** ms since the epoch at tick 0: txn time = timeBaseMs + ticks * tickMs. */
  readonly timeBaseMs: number;
  /** Committed txns kept in the log before a snapshot compacts them (ZooKeeper's snapCount). */
  readonly snapCount: number;
  /** Counter at which the leader forces a new epoch; below limits.zxid_counter_max only in tests. */
  readonly zxidCounterMax: number;
  /** Highest ticks between re-sent election notifications (backoff cap). */
  readonly electionResendTicksMax: number;
  /** Ticks between the leader's container and TTL sweeps (ZooKeeper's checkIntervalMs, 60 s). */
  readonly sweepTicks: number;
  /** Keys session passwords (sessions/password.ts): every peer of an ensemble must share it. */
  readonly sessionSecret: string;
}

export const defaultZabConfig = {
  tickMs: 2000,
  initLimit: 10,
  syncLimit: 5,
  timeBaseMs: 0,
  snapCount: 100_000,
  zxidCounterMax: limits.zxid_counter_max,
  electionResendTicksMax: 8,
  sweepTicks: 30,
  /** Fixed for tests and demos; a real ensemble passes its own secret. */
  sessionSecret: 'meshkeeper-default-session-secret',
} as const;

export type ZabConfigInput = Pick<ZabConfig, 'voters'> & Partial<Omit<ZabConfig, 'voters'>>;

export function makeZabConfig(input: ZabConfigInput): ZabConfig {
  const config: ZabConfig = { ...defaultZabConfig, observers: [], ...input };
  const all = [...config.voters, ...config.observers];
  const bad = (why: string): never => {
    throw new KeeperError(Code.BADARGUMENTS, `invalid ensemble: ${why}`);
  };
  if (config.voters.length === 0) bad('no voters');
  if (all.length > limits.peers_max) bad(`more than ${limits.peers_max} peers`);
  if (new Set(all).size !== all.length) bad('a peer id appears twice');
  for (const id of all) if (!Number.isInteger(id) || id < 1 || id > limits.peer_id_max) bad(`peer id ${id}`);
  for (const n of [config.tickMs, config.initLimit, config.syncLimit, config.snapCount, config.electionResendTicksMax, config.sweepTicks]) {
    if (!Number.isInteger(n) || n < 1) bad('timing values must be positive integers');
  }
  if (typeof config.sessionSecret !== 'string' || config.sessionSecret === '') bad('sessionSecret must be a non-empty string');
  if (config.zxidCounterMax < 2 || config.zxidCounterMax > limits.zxid_counter_max) bad('zxidCounterMax');
  return config;
}

export const isVoter = (config: ZabConfig, id: PeerId): boolean => config.voters.includes(id);
export const isObserver = (config: ZabConfig, id: PeerId): boolean => config.observers.includes(id);
export const isMember = (config: ZabConfig, id: PeerId): boolean => isVoter(config, id) || isObserver(config, id);
