// A LinkOpener whose endpoints are the peer ids of the ensemble, for a Client in a process that runs
// a peer (a browser tab): its own peer is reached in-process (LocalLink), any other over the link
// the two peers already share (a client channel carrying ZooKeeper's protocol, WireLink). So a tab's
// client rides out its own peer leaving the quorum by moving to another peer, as any ZooKeeper
// client moves between servers, with the same session, watches and guarantees.

import { Code, KeeperError } from '../core/errors.ts';
import type { PeerId } from '../core/util/ids.ts';
import type { PeerClientChannels } from '../runtime/peer-client-channels.ts';
import type { Peer } from '../runtime/peer.ts';
import { LocalLink } from './local-link.ts';
import type { LinkOpener } from './session-link.ts';
import { WireLink } from './wire-link.ts';

export function peerOpener(local: Peer, channels: PeerClientChannels): LinkOpener<PeerId> {
  return async (id) => {
    if (id !== local.id) return new WireLink(await channels.open(id));
    if (!local.running) throw new KeeperError(Code.CONNECTIONLOSS, `peer ${id} is not running`);
    return new LocalLink(local);
  };
}
