// An ephemeral node under a deterministic name (a member id, a service instance id), created so
// that a retry after CONNECTIONLOSS is safe: the name is known before the create, so a create whose
// reply was lost is found again. NODEEXISTS is then read: a node owned by our own session is ours
// (success, its data brought up to date); one owned by another session is a clear NODEEXISTS error
// naming the owner. (Curator's protected mode solves the same problem for sequential names with a
// GUID prefix; a deterministic name needs none.)

import { Code, isKeeperError, KeeperError } from '../core/errors.ts';
import { CreateMode } from '../core/tree/create-mode.ts';
import { parentOf } from '../core/tree/path.ts';
import type { Stat } from '../core/tree/stat.ts';
import { limits } from '../core/util/limits.ts';
import type { Client } from '../client/client.ts';
import { ensurePath } from './sequence.ts';
import { whenConnected } from './retry.ts';
import { isOutcomeUnknown, retrying } from './session-wait.ts';

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** Creates (or finds, if ours) the ephemeral `path` holding `data`; its parents are created as needed. */
export async function createOwnedEphemeral(client: Client, path: string, data: Uint8Array): Promise<Stat> {
  for (let attempt = 1; attempt <= limits.recipe_attempts_max; attempt++) {
    try {
      return (await client.create2(path, data, { mode: CreateMode.EPHEMERAL })).stat;
    } catch (e) {
      if (isKeeperError(e, Code.NONODE)) {
        await retrying(client, limits.recipe_attempts_max, () => ensurePath(client, parentOf(path)));
        continue;
      }
      if (isOutcomeUnknown(e)) {
        await whenConnected(client);
        continue; // the lost create may have landed: the next attempt's NODEEXISTS says whose it is
      }
      if (!isKeeperError(e, Code.NODEEXISTS)) throw e;
      const stat = await retrying(client, limits.recipe_attempts_max, () => client.exists(path));
      if (stat === null) continue; // it went meanwhile: create again
      if (stat.ephemeralOwner !== client.session) {
        throw new KeeperError(
          Code.NODEEXISTS,
          `held by another session (0x${stat.ephemeralOwner.toString(16)}${stat.ephemeralOwner === 0 ? ', a persistent node' : ''})`,
          path,
        );
      }
      return ensureData(client, path, data);
    }
  }
  throw new KeeperError(Code.CONNECTIONLOSS, `no answer after ${limits.recipe_attempts_max} attempts`, path);
}

/** Our node exists: make its data ours too (a join retried with a newer payload). */
async function ensureData(client: Client, path: string, data: Uint8Array): Promise<Stat> {
  const current = await retrying(client, limits.recipe_attempts_max, () => client.getData(path));
  if (sameBytes(current.data, data)) return current.stat;
  return setOwnData(client, path, data);
}

/** Sets the data of a node this session owns; a lost reply is retried (setData of the same bytes is idempotent). */
export function setOwnData(client: Client, path: string, data: Uint8Array): Promise<Stat> {
  return retrying(client, limits.recipe_attempts_max, () => client.setData(path, data));
}

/** Deletes `path` if it exists; NONODE (already gone, or a lost delete that landed) is success. */
export async function deleteIfPresent(client: Client, path: string): Promise<void> {
  await retrying(client, limits.recipe_attempts_max, async () => {
    try {
      await client.delete(path);
    } catch (e) {
      if (!isKeeperError(e, Code.NONODE)) throw e;
    }
  });
}
