import { describe, expect, it } from 'vitest';
import type { PeerId } from '../../src/core/util/ids.ts';
import { MemoryMedium, MemoryStore } from '../../src/storage/memory.ts';
import { Ensemble } from './ensemble.ts';
import { childrenAt, electWriteFailoverRejoin, writeMany } from './scenario.ts';

function memoryStores(): { media: Map<PeerId, MemoryMedium>; open: (id: PeerId) => Promise<MemoryStore> } {
  const media = new Map<PeerId, MemoryMedium>();
  return {
    media,
    open: async (id) => {
      const medium = media.get(id) ?? new MemoryMedium();
      media.set(id, medium);
      return new MemoryStore(medium);
    },
  };
}

describe('runtime peers over the memory transport', () => {
  it('three peers elect a leader, commit 1,000 writes, survive the leader stopping, and the old leader rejoins by DIFF', async () => {
    const stores = memoryStores();
    const e = new Ensemble({ voters: 3, openStore: stores.open });
    try {
      await electWriteFailoverRejoin(e);
    } finally {
      await e.stopAll();
    }
  });

  it('a peer restarted with an empty store catches up by SNAP once the leader compacted its log', async () => {
    const stores = memoryStores();
    const e = new Ensemble({ voters: 3, openStore: stores.open, config: { snapCount: 50 } });
    try {
      await e.startAll();
      const leader = await e.electLeader();
      const follower = e.ids.find((id) => id !== leader) ?? leader;
      const session = await e.connect(leader);
      const replies = await writeMany(e, [[leader, session]], 200);
      expect(replies.every((r) => r.type === 'create')).toBe(true);

      await e.stop(follower);
      stores.media.delete(follower);
      const fresh = await e.start(follower);
      await e.tickUntil('the wiped peer serves', () => fresh.zab.serving && e.leader() === leader);
      await e.settle();
      expect(fresh.events.history('synced').map((s) => s.mode)).toEqual(['snap']);
      expect(new Set(e.digests()).size).toBe(1);
      const mine = await e.connect(follower);
      expect((await childrenAt(e, follower, mine, 1, 'w')).length).toBe(200);
    } finally {
      await e.stopAll();
    }
  });
});

describe('stopping a runtime peer', () => {
  it('answers requests it can no longer serve with CONNECTIONLOSS and closes its links', async () => {
    const e = new Ensemble({ voters: 3, openStore: async () => new MemoryStore() });
    try {
      await e.startAll();
      const leader = await e.electLeader();
      const follower = e.ids.find((id) => id !== leader) ?? leader;
      const session = await e.connect(follower);
      await e.stop(follower);
      const late = await e.peer(leader).submit(session, 1, { type: 'sync', path: '/' });
      expect(late.type).not.toBe('error');
      const other = e.ids.find((id) => id !== leader && id !== follower) ?? leader;
      expect(e.peer(other).zab.serving).toBe(true);
      const stopped = new Ensemble({ voters: 1, openStore: async () => new MemoryStore() });
      await stopped.startAll();
      const solo = stopped.peer(stopped.ids[0] ?? leader);
      await solo.stop();
      expect(await solo.submit(session, 2, { type: 'sync', path: '/' })).toEqual({ type: 'error', code: -4 });
      expect(solo.events.history('stopped').length).toBe(1);
      expect(e.peer(leader).events.history('link').some((l) => l.link.peer === follower && l.link.state === 'down')).toBe(true);
    } finally {
      await e.stopAll();
    }
  });
});
