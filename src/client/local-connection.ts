// The in-process connection of the first Client API, kept for its callers: a Session over
// LocalLinks to one Peer. open() makes one attempt and rejects with the peer's KeeperError when it
// refuses (a peer that is not serving yet: the caller retries). After a lost link the session tries
// the same peer again within its timeout. Clients that can move between peers use Client.connect
// with several endpoints (client.ts) instead.

import { createPrng } from '../core/util/prng.ts';
import type { Clock } from '../runtime/clock.ts';
import type { Peer } from '../runtime/peer.ts';
import { LocalLink } from './local-link.ts';
import { Session } from './session.ts';

export interface LocalConnectionOptions {
  readonly peer: Peer;
  readonly clock: Clock;
  /** The timeout asked for; the ensemble clamps it to its [min, max] bounds. Default 2,000 ms. */
  readonly sessionTimeoutMs?: number;
}

export const LocalConnection = {
  open(options: LocalConnectionOptions): Promise<Session<Peer>> {
    return Session.open({
      endpoints: [options.peer],
      open: async (peer) => new LocalLink(peer),
      clock: options.clock,
      // One endpoint: nothing to shuffle; the prng only jitters the backoff between retries.
      prng: createPrng(options.peer.id),
      sessionTimeoutMs: options.sessionTimeoutMs ?? 2_000,
      connectRounds: 1,
    });
  },
};
