// Curator's protected mode for sequential creates. A create whose reply is lost (CONNECTIONLOSS) may
// or may not have happened, and a sequential create cannot simply be repeated: a second node would
// be an orphan that holds a place in a lock's line (or a queue item delivered twice). So the node's
// name carries an id unique to this create, `_c_<id>-<name>NNNNNNNNNN`; after a loss the creator
// syncs, looks among the parent's children for that id and creates again only if it is not there.

import { Code, isKeeperError, KeeperError } from '../core/errors.ts';
import { CreateMode } from '../core/tree/create-mode.ts';
import { basenameOf, joinPath, parentOf } from '../core/tree/path.ts';
import type { Client } from '../client/client.ts';
import { loss_retries_max, retryOnLoss, whenConnected } from './retry.ts';

const marker = '_c_';
const idPattern = /^[A-Za-z0-9_.]{1,64}$/;

/** A fresh id for one protected create (32 hex digits). */
export function newProtectedId(): string {
  return globalThis.crypto.randomUUID().replaceAll('-', '');
}

export const protectedName = (id: string, name: string): string => `${marker}${id}-${name}`;

/** The id in a protected child's name, or undefined for a plain name. */
export function protectedIdOf(child: string): string | undefined {
  if (!child.startsWith(marker)) return undefined;
  const dash = child.indexOf('-', marker.length);
  return dash < 0 ? undefined : child.slice(marker.length, dash);
}

/** A child's name without its protected prefix (`_c_<id>-lock-0000000007` -> `lock-0000000007`). */
export function unprotected(child: string): string {
  const id = protectedIdOf(child);
  return id === undefined ? child : child.slice(marker.length + id.length + 1);
}

export interface ProtectedCreateOptions {
  /** EPHEMERAL_SEQUENTIAL by default; any sequential mode works. */
  readonly mode?: CreateMode;
  readonly ttl?: number;
  /** The create's id (default: a fresh one). Letters, digits, `_` and `.` only. */
  readonly id?: string;
  /** Another place the node may be by now (a queue item already taken), asked after a loss. */
  readonly alsoFound?: (id: string) => Promise<string | undefined>;
}

/** The child of `parent` created under `id`, if any (after a sync: nothing committed is missed). */
export async function findProtected(client: Client, parent: string, id: string): Promise<string | undefined> {
  await retryOnLoss(client, () => client.sync(parent));
  const children = await retryOnLoss(client, () => client.getChildren(parent));
  const child = children.find((c) => protectedIdOf(c) === id);
  return child === undefined ? undefined : joinPath(parent, child);
}

/**
 * Creates `${parent}/_c_<id>-${name}` (sequential) exactly once, across connection losses.
 * `path` is the usual sequential prefix, e.g. `/locks/job/lock-`. Resolves with the node's path.
 */
export async function protectedCreate(client: Client, path: string, data: Uint8Array, options: ProtectedCreateOptions = {}): Promise<string> {
  const id = options.id ?? newProtectedId();
  if (!idPattern.test(id)) throw new KeeperError(Code.BADARGUMENTS, `a protected id is 1-64 of [A-Za-z0-9_.]: ${id}`, path);
  const parent = parentOf(path);
  const target = joinPath(parent, protectedName(id, basenameOf(path)));
  const mode = options.mode ?? CreateMode.EPHEMERAL_SEQUENTIAL;
  const createOptions = options.ttl === undefined ? { mode } : { mode, ttl: options.ttl };
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.create(target, data, createOptions);
    } catch (e) {
      if (!isKeeperError(e, Code.CONNECTIONLOSS) || attempt >= loss_retries_max) throw e;
      await whenConnected(client);
      const found = (await findProtected(client, parent, id)) ?? (await options.alsoFound?.(id));
      if (found !== undefined) return found;
    }
  }
}
