// The simulated clients' less common operations, which the linearizability check does not model
// but other checkers watch: sequential creates under /q (persistent and ephemeral; numbers must
// never repeat, even after deletes), containers /k0 /k1 whose children come and go (the leader's
// sweep deletes them once empty), TTL nodes /t0 /t1 (the sweep deletes them after their TTL), and
// exists watches on those (the sweep's deletes must fire them once).

import { OPEN_ACL_UNSAFE } from '../../src/core/acl/types.ts';
import type { Request } from '../../src/core/requests/request.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import type { Prng } from '../../src/core/util/prng.ts';
import type { HistoryKind } from './history.ts';

export interface ExtraOp {
  readonly kind: HistoryKind;
  readonly path: string;
  readonly request: Request;
}

const data = new Uint8Array([120]);
const create = (path: string, mode: CreateMode, ttl?: number): Request =>
  ttl === undefined ? { type: 'create', path, data, acl: OPEN_ACL_UNSAFE, mode } : { type: 'create', path, data, acl: OPEN_ACL_UNSAFE, mode, ttl };

/** One extra op for client `client`; `lastSequential` is the last sequential node it created. */
export function extraOp(prng: Prng, client: number, lastSequential: string | undefined): ExtraOp {
  const j = prng.int(2);
  const write = (path: string, request: Request): ExtraOp => ({ kind: 'write', path, request });
  switch (prng.int(9)) {
    case 0:
      return write('/q', create('/q', CreateMode.PERSISTENT));
    case 1:
      return write('/q/s-', create('/q/s-', CreateMode.PERSISTENT_SEQUENTIAL));
    case 2:
      return write('/q/e-', create('/q/e-', CreateMode.EPHEMERAL_SEQUENTIAL));
    case 3:
      return lastSequential === undefined
        ? write('/q', create('/q', CreateMode.PERSISTENT))
        : write(lastSequential, { type: 'delete', path: lastSequential, version: -1 });
    case 4:
      return write(`/k${j}`, create(`/k${j}`, CreateMode.CONTAINER));
    case 5:
      return write(`/k${j}/x${client}`, create(`/k${j}/x${client}`, CreateMode.PERSISTENT));
    case 6:
      return write(`/k${j}/x${client}`, { type: 'delete', path: `/k${j}/x${client}`, version: -1 });
    case 7:
      return write(`/t${j}`, create(`/t${j}`, CreateMode.PERSISTENT_WITH_TTL, 200 + prng.int(1500)));
    default: {
      const path = prng.chance(0.5) ? `/t${j}` : `/k${j}`;
      return { kind: 'read', path, request: { type: 'exists', path, watch: true } };
    }
  }
}
