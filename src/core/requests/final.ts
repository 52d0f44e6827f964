// final: a committed txn applied to this replica (ZooKeeper's FinalRequestProcessor, write half).
// The tree applies the txn and names what changed; the watch registry turns those changes into the
// events each watching session receives. Every replica runs final in zxid order, so every replica
// fires the same watches. A closed session's watches go first: its client is gone, and nothing
// that its own ephemerals' deletion triggers is delivered to it.

import type { Reply } from './reply.ts';
import type { Delivery, TreeWriter, WatchPort } from './ports.ts';
import type { Txn } from './txn.ts';

export interface FinalResult {
  readonly reply: Reply;
  readonly deliveries: Delivery[];
}

export function final(tree: TreeWriter, watches: WatchPort, txn: Txn): FinalResult {
  if (txn.body.type === 'closeSession') watches.removeSession(txn.header.sessionId);
  const { reply, events } = tree.apply(txn);
  const deliveries = events.length === 0 ? [] : watches.trigger(events);
  return { reply, deliveries };
}
