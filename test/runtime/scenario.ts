// The runtime acceptance scenario, run over any store: three peers elect a leader and commit 1,000
// writes submitted at every peer; the leader stops and a new one keeps every acknowledged write;
// the old leader restarts from its store and catches up by DIFF.

import { expect } from 'vitest';
import { OPEN_ACL_UNSAFE } from '../../src/core/acl/types.ts';
import type { Reply } from '../../src/core/requests/reply.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import type { PeerId, SessionId } from '../../src/core/util/ids.ts';
import { utf8Encode } from '../../src/core/util/utf8.ts';
import type { Ensemble } from './ensemble.ts';

export const create = (path: string, data = path) =>
  ({ type: 'create', path, data: utf8Encode(data), acl: OPEN_ACL_UNSAFE, mode: CreateMode.PERSISTENT }) as const;

/** `count` creates of /w<i>, spread round-robin over the sessions (each on its own peer). */
export async function writeMany(e: Ensemble, sessions: readonly (readonly [PeerId, SessionId])[], count: number, prefix = 'w'): Promise<Reply[]> {
  const cxids = new Map<SessionId, number>();
  const pending: Promise<Reply>[] = [];
  for (let i = 0; i < count; i++) {
    const [peer, session] = sessions[i % sessions.length] ?? [];
    if (peer === undefined || session === undefined) throw new Error('no sessions');
    const cxid = (cxids.get(session) ?? 1000) + 1;
    cxids.set(session, cxid);
    pending.push(e.peer(peer).submit(session, cxid, create(`/${prefix}${i}`)));
  }
  return e.run(Promise.all(pending));
}

/** The children of / named `${prefix}…`, read at `peer` through `session`. */
export async function childrenAt(e: Ensemble, peer: PeerId, session: SessionId, cxid: number, prefix: string): Promise<string[]> {
  const reply = await e.request(peer, session, cxid, { type: 'getChildren', path: '/', watch: false, withStat: false });
  if (reply.type !== 'getChildren') throw new Error(`getChildren failed: ${JSON.stringify(reply)}`);
  return reply.children.filter((c) => c.startsWith(prefix));
}

export async function electWriteFailoverRejoin(e: Ensemble): Promise<void> {
  await e.startAll();
  const leader = await e.electLeader();
  const sessions: [PeerId, SessionId][] = [];
  for (const id of e.ids) sessions.push([id, await e.connect(id)]);

  const replies = await writeMany(e, sessions, 1000);
  expect(replies.filter((r) => r.type !== 'create')).toEqual([]);
  await e.settle();
  expect(new Set(e.digests()).size).toBe(1);
  for (const p of e.running()) expect(p.zab.committedZxid).toBe(e.peer(leader).zab.committedZxid);

  // The leader stops: the other two elect a new leader that holds every acknowledged write.
  await e.stop(leader);
  const next = await e.electLeader();
  expect(next).not.toBe(leader);
  const survivors = sessions.filter(([id]) => id !== leader);
  const [reader, readerSession] = survivors[0] ?? [];
  if (reader === undefined || readerSession === undefined) throw new Error('no survivor');
  expect((await childrenAt(e, reader, readerSession, 5000, 'w')).length).toBe(1000);
  const more = await writeMany(e, survivors, 10, 'after');
  expect(more.filter((r) => r.type !== 'create')).toEqual([]);

  // The old leader restarts from its store and catches up by DIFF.
  const back = await e.start(leader);
  await e.tickUntil('the old leader serves again', () => back.zab.serving && e.leader() === next);
  await e.settle();
  expect(back.events.history('synced').map((s) => s.mode)).toEqual(['diff']);
  expect(back.zab.state).toBe('FOLLOWING');
  expect(new Set(e.digests()).size).toBe(1);
  expect(back.zab.committedZxid).toBe(e.peer(next).zab.committedZxid);
}
