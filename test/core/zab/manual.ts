// A hand-driven ensemble for contract tests: messages go exactly where and when the test says.

import type { PeerMessage } from '../../../src/core/messages.ts';
import type { PeerId } from '../../../src/core/util/ids.ts';
import { createPrng } from '../../../src/core/util/prng.ts';
import { makeZabConfig } from '../../../src/core/zab/config.ts';
import { ZabPeer } from '../../../src/core/zab/peer.ts';
import type { Ready } from '../../../src/core/zab/ready.ts';
import { createRegisterMachine } from '../../sim/register-machine.ts';
import { MemoryStore } from '../../sim/store.ts';
import { p } from './helpers.ts';

export interface Wire {
  readonly from: PeerId;
  readonly to: PeerId;
  readonly message: PeerMessage;
}

export class ManualEnsemble {
  readonly peers = new Map<PeerId, ZabPeer>();
  readonly stores = new Map<PeerId, MemoryStore>();
  readonly readies: { id: PeerId; ready: Ready }[] = [];
  wire: Wire[] = [];
  /** Link generation on every link (bumped by restart, so survivors notice the break). */
  generation = 0;

  private readonly config;

  constructor(readonly n: number) {
    const config = makeZabConfig({ voters: Array.from({ length: n }, (_, i) => p(i + 1)), tickMs: 100 });
    this.config = config;
    for (let i = 1; i <= n; i++) {
      this.stores.set(p(i), new MemoryStore());
      this.peers.set(p(i), new ZabPeer({ id: p(i), config, prng: createPrng(i), machine: createRegisterMachine }));
    }
  }

  peer(id: number): ZabPeer {
    const peer = this.peers.get(p(id));
    if (peer === undefined) throw new Error(`no peer ${id}`);
    return peer;
  }

  /** Crashes a peer and rebuilds it from its store; links to it start a new generation. */
  restart(id: PeerId): ZabPeer {
    const store = this.stores.get(id);
    if (store === undefined) throw new Error(`no peer ${id}`);
    this.generation++;
    this.wire = this.wire.filter((w) => w.from !== id && w.to !== id);
    const peer = new ZabPeer({ id, config: this.config, prng: createPrng(id + 100), machine: createRegisterMachine, durable: store.durable() });
    this.peers.set(id, peer);
    return peer;
  }

  /** Runs the driver loop for one peer: persist, queue sends, advance. */
  drive(id: PeerId): void {
    const peer = this.peers.get(id);
    while (peer?.hasReady() === true) {
      const ready = peer.ready();
      this.readies.push({ id, ready });
      this.stores.get(id)?.persist(ready.persist);
      for (const [to, message] of ready.send) this.wire.push({ from: id, to, message });
      peer.advance(ready);
    }
  }

  /** Delivers every queued message (and what they cause) until the wire is quiet. */
  pump(filter: (w: Wire) => boolean = () => true): void {
    for (const id of this.peers.keys()) this.drive(id);
    for (let guard = 0; this.wire.length > 0 && guard < 10_000; guard++) {
      const w = this.wire.shift();
      if (w === undefined || !filter(w)) continue;
      this.peers.get(w.to)?.step(w.from, w.message, this.generation);
      this.drive(w.to);
    }
  }

  tick(): void {
    for (const [id, peer] of this.peers) {
      peer.tick();
      this.drive(id);
    }
  }

  /** Ticks and pumps until a leader serves (election, discovery, sync done). */
  establish(): PeerId {
    for (let i = 0; i < 20; i++) {
      this.pump();
      const leader = [...this.peers.values()].find((x) => x.state === 'LEADING' && x.serving);
      if (leader !== undefined && [...this.peers.values()].every((x) => x.serving)) return leader.id;
      this.tick();
    }
    throw new Error('no leader established');
  }
}
