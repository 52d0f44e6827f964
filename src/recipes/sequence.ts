// Shared by the recipes: ensure a persistent path exists, and order sequential children (plain
// `lock-0000000007` or protected `_c_<id>-lock-0000000007`, protected.ts) by their 10-digit suffix.

import { Code, isKeeperError } from '../core/errors.ts';
import { joinPath } from '../core/tree/path.ts';
import type { Client } from '../client/client.ts';
import { unprotected } from './protected.ts';
import { retryOnLoss } from './retry.ts';

const empty = new Uint8Array(0);
const suffix = /^\d{10}$/;

/** Creates `path` and its missing ancestors as persistent nodes (a racing creator is fine). */
export async function ensurePath(client: Client, path: string): Promise<void> {
  let at = '';
  for (const segment of path.split('/').filter((s) => s !== '')) {
    at = `${at}/${segment}`;
    try {
      await retryOnLoss(client, () => client.create(at, empty));
    } catch (e) {
      if (!isKeeperError(e, Code.NODEEXISTS)) throw e;
    }
  }
}

/**
 * Runs `create` (a create under `parent`); if the parent is missing (NONODE), creates it and its
 * ancestors and runs `create` once more. Cheaper than ensurePath before every create: the common
 * case costs one write, not one per path segment.
 */
export async function withParents<T>(client: Client, parent: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (e) {
    if (!isKeeperError(e, Code.NONODE)) throw e;
  }
  await ensurePath(client, parent);
  return create();
}

/** The sequence number of a sequential child (its last 10 digits). */
export const sequenceOf = (child: string): number => Number(child.slice(-10));

/** Children named `${prefix}NNNNNNNNNN` (protected or not), lowest sequence first. */
export function sortedBySequence(children: readonly string[], prefix: string): string[] {
  return children
    .filter((c) => {
      const name = unprotected(c);
      return name.startsWith(prefix) && suffix.test(name.slice(prefix.length));
    })
    .sort((a, b) => sequenceOf(a) - sequenceOf(b));
}

export const childPath = joinPath;
