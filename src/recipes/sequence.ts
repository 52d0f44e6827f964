// Shared by the recipes: ensure a persistent path exists, and order ephemeral-sequential children.

import { Code, isKeeperError } from '../core/errors.ts';
import { joinPath } from '../core/tree/path.ts';
import type { Client } from '../client/client.ts';

const empty = new Uint8Array(0);

/** Creates `path` and its missing ancestors as persistent nodes (a racing creator is fine). */
export async function ensurePath(client: Client, path: string): Promise<void> {
  let at = '';
  for (const segment of path.split('/').slice(1)) {
    at = `${at}/${segment}`;
    try {
      await client.create(at, empty);
    } catch (e) {
      if (!isKeeperError(e, Code.NODEEXISTS)) throw e;
    }
  }
}

/** Children named `${prefix}NNNNNNNNNN`, lowest sequence first. */
export function sortedBySequence(children: readonly string[], prefix: string): string[] {
  return children
    .filter((c) => c.startsWith(prefix))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
}

export const childPath = joinPath;
