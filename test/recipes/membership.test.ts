import { afterEach, describe, expect, it } from 'vitest';
import { Code, isKeeperError, KeeperError } from '../../src/core/errors.ts';
import { CreateMode } from '../../src/core/tree/create-mode.ts';
import { asPeerId } from '../../src/core/util/ids.ts';
import { Membership, type MembershipEvent } from '../../src/recipes/membership.ts';
import { bytes, startHarness, type Harness, type Roaming } from '../client/harness.ts';
import { firstN, lossyClient, outageClient } from './lossy-connection.ts';

const ids = (m: Membership): string[] => m.members().map((x) => x.id);

describe('the membership recipe', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  it('members joining on three peers are seen by every observer, each event carrying the full view', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await Promise.all([0, 1, 2, 3].map(() => harness.client()));
    const groups = clients.map((c) => new Membership(c, '/groups/web'));
    const events = groups.map(() => [] as MembershipEvent[]);
    groups.forEach((g, i) => g.on((e) => events[i]!.push(e)));
    await harness.run(groups[3]!.start()); // an observer that never joins
    await harness.run(Promise.all(groups.slice(0, 3).map((g, i) => g.join(`m${i}`, { port: 8000 + i }))));
    await harness.e.tickUntil('every view holds the three members', () => groups.every((g) => ids(g).length === 3));
    for (const g of groups) {
      expect(ids(g)).toEqual(['m0', 'm1', 'm2']);
      expect(g.members().map((m) => m.payload)).toEqual([{ port: 8000 }, { port: 8001 }, { port: 8002 }]);
    }
    const observed = events[3]!;
    expect(observed.map((e) => e.type)).toEqual(['joined', 'joined', 'joined']);
    expect(observed.at(-1)!.members.map((m) => m.id)).toEqual(['m0', 'm1', 'm2']);
    expect(groups.slice(0, 3).map((g) => g.isMember)).toEqual([true, true, true]);
    expect(groups[3]!.isMember).toBe(false);
  });

  it('a member whose session closes leaves every view, and leave() and close() leave too', async () => {
    h = await startHarness();
    const harness = h;
    const clients = await Promise.all([0, 1, 2].map(() => harness.client()));
    const groups = clients.map((c) => new Membership(c, '/g'));
    for (const [i, g] of groups.entries()) await harness.run(g.join(`m${i}`));
    await harness.e.tickUntil('all see three', () => groups.every((g) => ids(g).length === 3));
    const left: string[] = [];
    groups[0]!.on((e) => {
      if (e.type === 'left') left.push(`${e.member.id}:${e.members.map((m) => m.id).join(',')}`);
    });

    await harness.run(clients[2]!.close());
    await harness.e.tickUntil('m2 gone everywhere', () => groups.slice(0, 2).every((g) => !ids(g).includes('m2')));
    await harness.run(groups[1]!.leave());
    await harness.e.tickUntil('m1 gone everywhere', () => !ids(groups[0]!).includes('m1') && !ids(groups[1]!).includes('m1'));
    expect(ids(groups[1]!)).toEqual(['m0']); // a member that left still observes
    expect(left).toEqual(['m2:m0,m1', 'm1:m0']);

    await harness.run(groups[0]!.close());
    expect(await harness.run(clients[1]!.getChildren('/g'))).toEqual([]);
    const heard = left.length;
    await harness.run(groups[1]!.join('m1-again'));
    await harness.run(groups[1]!.leave());
    await harness.run(clients[0]!.sync('/'));
    expect(left.length).toBe(heard); // a closed membership hears nothing more
  });

  it('a join whose create landed but whose reply was lost finds its own node and succeeds', async () => {
    h = await startHarness();
    const harness = h;
    let creates = 0;
    const loseFirst = firstN(1, (r) => r.type === 'create' && r.path === '/lossy/me');
    const client = await lossyClient(harness, asPeerId(2), (r) => {
      if (r.type === 'create') creates++;
      return loseFirst(r);
    });
    const other = await harness.client(asPeerId(3));
    await harness.run(other.create('/lossy', bytes('')));
    const group = new Membership(client, '/lossy');
    await harness.run(group.join('me', { v: 1 }));
    expect(group.isMember).toBe(true);
    const stat = await harness.run(other.exists('/lossy/me'));
    expect(stat?.ephemeralOwner).toBe(client.session);
    expect(ids(group)).toEqual(['me']);
    expect(creates).toBe(2); // the lost one, and the retry that met our own node (NODEEXISTS)
  });

  it('a member id held by another session is a clear NODEEXISTS error, and nothing of ours is left behind', async () => {
    h = await startHarness();
    const harness = h;
    const [a, b] = await Promise.all([harness.client(), harness.client()]);
    await harness.run(new Membership(a!, '/taken').join('same'));
    const error = await harness.run(new Membership(b!, '/taken').join('same').catch((e: unknown) => e));
    expect(isKeeperError(error, Code.NODEEXISTS)).toBe(true);
    expect((error as KeeperError).message).toContain('held by another session');
    const stat = await harness.run(b!.exists('/taken/same'));
    expect(stat?.ephemeralOwner).toBe(a!.session);
  });

  it('with rejoin, a member whose node is deleted by someone else joins again with its payload', async () => {
    h = await startHarness();
    const harness = h;
    const [a, admin] = await Promise.all([harness.client(), harness.client()]);
    const group = new Membership(a!, '/re', { rejoin: true });
    await harness.run(group.join('me', { role: 'worker' }));
    const before = (await harness.run(admin!.exists('/re/me')))!;
    await harness.run(admin!.delete('/re/me'));
    await harness.e.tickUntil('joined again', () => group.isMember && group.members()[0]!.stat.czxid !== before.czxid);
    expect(group.members().map((m) => [m.id, m.payload])).toEqual([['me', { role: 'worker' }]]);
  });

  it('an observer whose connection drops while members come and go has the right view after reconnecting', async () => {
    h = await startHarness();
    const harness = h;
    const link = await outageClient(harness, asPeerId(1));
    const [a, b] = await Promise.all([harness.client(asPeerId(2)), harness.client(asPeerId(3))]);
    const observer = new Membership(link.client, '/flaky');
    const memberA = new Membership(a!, '/flaky');
    await harness.run(memberA.join('a'));
    await harness.run(observer.start());
    expect(ids(observer)).toEqual(['a']);
    link.down();
    await harness.run(new Membership(b!, '/flaky').join('b'));
    await harness.run(memberA.leave());
    link.up();
    await harness.e.tickUntil('the view converged', () => ids(observer).join() === 'b');
    expect(ids(observer)).toEqual(['b']);
  });

  it('with a rejoin factory, a member whose session expired joins again on a new client, and observers see it leave and return', async () => {
    h = await startHarness();
    const harness = h;
    const doomed = await harness.client(asPeerId(3));
    const watcher = await harness.client(asPeerId(1));
    const member = new Membership(doomed, '/exp', { rejoin: () => harness.client(asPeerId(2)) });
    const observer = new Membership(watcher, '/exp');
    const seen: string[] = [];
    observer.on((e) => seen.push(`${e.type} ${e.member.id}`));
    await harness.run(observer.start());
    await harness.run(member.join('me', { v: 1 }));
    await harness.e.tickUntil('joined', () => seen.length === 1);
    await harness.e.stop(asPeerId(3)); // its only peer: the session cannot move, and expires
    await harness.e.tickUntil('the old session expired', () => (doomed.state as string) === 'expired', 400);
    await harness.e.tickUntil('back under a new session', () => member.isMember && member.currentClient !== doomed, 400);
    await harness.e.tickUntil('the observer saw it return', () => seen.length === 3);
    expect(seen).toEqual(['joined me', 'left me', 'joined me']);
    expect(observer.members().map((m) => [m.id, m.payload])).toEqual([['me', { v: 1 }]]);
    expect(member.currentClient.session).not.toBe(doomed.session);
  });

  it('a member whose client moves to another peer stays in every view, no left event, and its view follows on', async () => {
    h = await startHarness();
    const harness = h;
    const roaming = await harness.roaming({ first: asPeerId(2) });
    const [o, late] = await Promise.all([harness.client(asPeerId(1)), harness.client(asPeerId(3))]);
    const member = new Membership(roaming.client, '/move');
    const observer = new Membership(o!, '/move');
    const seen: string[] = [];
    observer.on((e) => seen.push(`${e.type} ${e.member.id}`));
    await harness.run(observer.start());
    await harness.run(member.join('roamer'));
    roaming.blocked.add(asPeerId(2));
    roaming.session.dropLink('the test cuts the link to peer 2');
    await harness.run(new Membership(late!, '/move').join('late'));
    await harness.e.tickUntil('moved', () => roaming.client.state === 'connected' && roaming.peer() !== 2);
    await harness.e.tickUntil('the roamer sees the newcomer', () => ids(member).join() === 'late,roamer');
    await harness.e.tickUntil('the observer sees both', () => ids(observer).length === 2);
    expect(seen).toEqual(['joined roamer', 'joined late']);
    expect(member.isMember).toBe(true);
  });

  it('when the leader peer stops, members on roaming clients keep their places and every view still converges', async () => {
    h = await startHarness();
    const harness = h;
    const leader = harness.e.leader()!;
    const roamers: Roaming[] = [];
    for (const [i, first] of harness.e.ids.entries()) roamers.push(await harness.roaming({ first, seed: 10 + i }));
    const groups = roamers.map((r) => new Membership(r.client, '/ha'));
    for (const [i, g] of groups.entries()) await harness.run(g.join(`m${i}`));
    await harness.e.tickUntil('all see three', () => groups.every((g) => ids(g).length === 3));
    const lefts: string[] = [];
    groups.forEach((g) => g.on((e) => e.type === 'left' && lefts.push(e.member.id)));

    await harness.e.stop(leader);
    await harness.e.electLeader();
    await harness.e.tickUntil('every client connected again', () => roamers.every((r) => r.client.state === 'connected'), 400);
    expect(roamers.every((r) => r.peer() !== leader)).toBe(true); // the leader's own client moved
    await harness.e.tickUntil('views still hold all three', () => groups.every((g) => ids(g).join() === 'm0,m1,m2'), 400);
    expect(lefts).toEqual([]); // sessions moved with their clients: nobody left

    await harness.run(groups[0]!.leave());
    await harness.e.tickUntil('m0 gone from every view', () => groups.every((g) => ids(g).join() === 'm1,m2'), 400);
  });

  it('a payload update is seen by observers as an updated event', async () => {
    h = await startHarness();
    const harness = h;
    const [a, b] = await Promise.all([harness.client(), harness.client()]);
    const member = new Membership(a!, '/up');
    const observer = new Membership(b!, '/up');
    const seen: string[] = [];
    observer.on((e) => seen.push(`${e.type} ${JSON.stringify(e.member.payload)}`));
    await harness.run(observer.start());
    await harness.run(member.join('x', 1));
    await harness.run(member.update(2));
    await harness.e.tickUntil('the update is seen', () => seen.length === 2);
    expect(seen).toEqual(['joined 1', 'updated 2']);
  });

  it('rejects ids that are not one path segment, and payloads that are not JSON', async () => {
    h = await startHarness();
    const harness = h;
    const c = await harness.client();
    const group = new Membership(c, '/bad');
    for (const id of ['', 'a/b', '.', '..']) {
      const e = await harness.run(group.join(id).catch((x: unknown) => x));
      expect(isKeeperError(e, Code.BADARGUMENTS)).toBe(true);
    }
    const e = await harness.run(group.join('ok', () => 1).catch((x: unknown) => x));
    expect(isKeeperError(e, Code.BADARGUMENTS)).toBe(true);
    // A non-member ephemeral under the group with foreign data: its payload is undefined, not an error.
    await harness.run(c.create('/bad', bytes('')));
    await harness.run(c.create('/bad/foreign', bytes('not json'), { mode: CreateMode.EPHEMERAL }));
    await harness.run(group.start());
    expect(group.members().map((m) => [m.id, m.payload])).toEqual([['foreign', undefined]]);
  });
});
