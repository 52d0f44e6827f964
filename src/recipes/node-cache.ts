// NodeCache: the current data and Stat of one node (null while it does not exist), kept up to date
// by a persistent watch on the node, with created / changed / deleted events. It is a TreeCache of
// depth 0 (tree-cache.ts says how nothing is lost between the first read and the watch): one
// non-recursive persistent watch, and a re-read of the node for each of its events.

import type { Client } from '../client/client.ts';
import { TreeCache, type CachedNode } from './tree-cache.ts';

export type NodeCacheEvent =
  | { readonly type: 'created'; readonly node: CachedNode }
  | { readonly type: 'changed'; readonly node: CachedNode; readonly previous: CachedNode }
  | { readonly type: 'deleted'; readonly previous: CachedNode };

export type NodeCacheListener = (event: NodeCacheEvent) => void;

export interface NodeCacheOptions {
  /** Errors the cache cannot act on (NOAUTH, a session that expired). Default: dropped. */
  readonly onError?: (error: unknown) => void;
}

export class NodeCache {
  private readonly tree: TreeCache;

  constructor(client: Client, readonly path: string, options: NodeCacheOptions = {}) {
    this.tree = new TreeCache(client, path, options.onError === undefined ? { maxDepth: 0 } : { maxDepth: 0, onError: options.onError });
  }

  /** Watches and reads the node; resolves once its current state is known. */
  start(): Promise<void> {
    return this.tree.start();
  }

  close(): void {
    this.tree.close();
  }

  /** The node as last seen, or null when it does not exist. */
  get current(): CachedNode | null {
    return this.tree.get(this.path) ?? null;
  }

  on(listener: NodeCacheListener): () => void {
    return this.tree.on((event) => {
      if (event.type === 'added') listener({ type: 'created', node: event.node });
      else if (event.type === 'updated') listener({ type: 'changed', node: event.node, previous: event.previous });
      else listener({ type: 'deleted', previous: event.node });
    });
  }

  /** Resolves once every read issued so far has been applied. */
  settled(): Promise<void> {
    return this.tree.settled();
  }
}
