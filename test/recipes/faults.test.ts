// The recipes under faults: seeded runs on a 3-peer ensemble where peers stop and restart (the
// leader among them) while roaming clients contend. Checkers run after every tick and inside every
// critical section: mutual exclusion among holders with live sessions (lock), at most N live leases
// (semaphore), at most one live leader and leaderships taken in candidate order (election), every
// queue item delivered at most once and exactly once when its offer was acknowledged (queue), and
// progress once the ensemble heals. A holder is "live" while its ephemeral node exists in the most
// advanced applied tree: ephemerals go exactly with their session.

import { afterEach, describe, expect, it } from 'vitest';
import { Code, isKeeperError } from '../../src/core/errors.ts';
import type { Client } from '../../src/client/client.ts';
import { LeaderElection } from '../../src/recipes/leader-election.ts';
import { DistributedLock, type LockHandle } from '../../src/recipes/lock.ts';
import { DistributedQueue } from '../../src/recipes/queue.ts';
import { Semaphore, type Lease } from '../../src/recipes/semaphore.ts';
import { onSessionEnd, retryOnLoss } from '../../src/recipes/retry.ts';
import { ensurePath, sequenceOf } from '../../src/recipes/sequence.ts';
import { after } from '../../src/client/timers.ts';
import { bytes, text } from '../client/harness.ts';
import { startFaultRig, type FaultRig } from './fault-harness.ts';

// Seed 12 once caught a waiter sleeping through its predecessor's delete across a reconnect.
const seeds = [11, 12, 29];
const faultTicks = 400;

async function connect(rig: FaultRig, n: number): Promise<Client[]> {
  const out: Client[] = [];
  for (let i = 0; i < n; i++) out.push(await rig.client());
  return out;
}

/** A session that ended is the one allowed way out of a workload; anything else is a failure. */
function endedBySession(e: unknown): boolean {
  return isKeeperError(e, Code.SESSIONEXPIRED);
}

describe.each(seeds)('recipes under peer faults (seed %i)', (seed) => {
  let rig: FaultRig | undefined;
  afterEach(async () => rig?.stop());

  it('5 clients contend for a lock while peers stop and restart: never two holders with live sessions, and all finish', async () => {
    rig = await startFaultRig(seed);
    const r = rig;
    const clients = await connect(r, 5);
    await r.e.run(ensurePath(clients[0]!, '/f/lock'));
    const holders = new Map<number, LockHandle>();
    const violations: string[] = [];
    const errors: unknown[] = [];
    const check = (): void => {
      const live = [...holders.entries()].filter(([, h]) => !h.lost && r.exists(h.node));
      if (live.length > 1) violations.push(`at ${r.e.clock.now()}: ${live.map(([i, h]) => `${i}:${h.node}`).join(', ')}`);
    };
    let disconnects = 0;
    for (const c of clients) c.on('state', (state) => void (state === 'disconnected' && disconnects++));
    let faultsOver = false;
    let acquisitions = 0;
    let finished = 0;
    let expired = 0;
    const worker = async (i: number): Promise<void> => {
      const client = clients[i]!;
      const lock = new DistributedLock(client, '/f/lock');
      try {
        for (let n = 0; !faultsOver || n < 3; n++) {
          await lock.withLock(async (held) => {
            holders.set(i, held);
            check();
            acquisitions++;
            try {
              // Work while holding: writes that a second holder would interleave with.
              for (let k = 0; k < 2; k++) await retryOnLoss(client, () => client.setData('/f/lock', bytes(`${i}:${n}:${k}`)));
            } finally {
              holders.delete(i);
            }
          });
        }
        finished++;
      } catch (e) {
        if (endedBySession(e)) expired++;
        else errors.push(e);
      }
    };
    const work = Promise.all(clients.map((_, i) => worker(i)));
    const log = await r.faults(faultTicks, check);
    faultsOver = true;
    await r.heal(() => finished + expired + errors.length === clients.length, check);
    await work;
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    expect(log.stops).toBeGreaterThanOrEqual(4);
    expect(finished).toBeGreaterThanOrEqual(clients.length - expired);
    expect(finished).toBeGreaterThan(0);
    expect(acquisitions).toBeGreaterThanOrEqual(finished * 3);
    // The faults reached the contenders: their sessions moved between peers while contending.
    expect(disconnects).toBeGreaterThanOrEqual(2);
  });

  it('5 clients share 2 semaphore leases while peers stop and restart: never more than 2 leases with live sessions, and all finish', async () => {
    rig = await startFaultRig(seed + 4);
    const r = rig;
    const clients = await connect(r, 5);
    const out = new Map<number, Lease>();
    const violations: string[] = [];
    const errors: unknown[] = [];
    const check = (): void => {
      const live = [...out.values()].filter((l) => !l.lost && r.exists(l.node));
      if (live.length > 2) violations.push(`at ${r.e.clock.now()}: ${live.map((l) => l.node).join(', ')}`);
    };
    let faultsOver = false;
    let finished = 0;
    let expired = 0;
    let leases = 0;
    const worker = async (i: number): Promise<void> => {
      const client = clients[i]!;
      const sem = new Semaphore(client, '/f/sem', 2);
      try {
        for (let n = 0; !faultsOver || n < 3; n++) {
          await sem.withLease(async (lease) => {
            out.set(i, lease);
            check();
            leases++;
            try {
              for (let k = 0; k < 2; k++) await retryOnLoss(client, () => client.sync('/'));
            } finally {
              out.delete(i);
            }
          });
        }
        finished++;
      } catch (e) {
        if (endedBySession(e)) expired++;
        else errors.push(e);
      }
    };
    const work = Promise.all(clients.map((_, i) => worker(i)));
    const log = await r.faults(faultTicks, check);
    faultsOver = true;
    await r.heal(() => finished + expired + errors.length === clients.length, check);
    await work;
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    expect(log.stops).toBeGreaterThanOrEqual(4);
    expect(finished).toBeGreaterThanOrEqual(clients.length - expired);
    expect(finished).toBeGreaterThan(0);
    expect(leases).toBeGreaterThanOrEqual(finished * 3);
  });

  it('a lock holder cut off past its session timeout: its session expires, only then the next waiter holds, and the old handle reports the loss', async () => {
    rig = await startFaultRig(seed + 3);
    const r = rig;
    const a = await r.roamer();
    const b = await r.client();
    const held = await r.e.run(new DistributedLock(a.client, '/f/cut').acquire());
    let next: LockHandle | undefined;
    void new DistributedLock(b, '/f/cut').acquire().then((h) => (next = h));
    await r.e.run(b.sync('/'));
    expect(next).toBeUndefined();
    a.isolate();
    let overlap = false;
    await r.e.tickUntil('the waiter holds', () => {
      if (next !== undefined && r.exists(held.node)) overlap = true;
      return next !== undefined;
    });
    expect(overlap).toBe(false);
    a.rejoin();
    await r.e.tickUntil('the cut-off holder learns it lost the lock', () => held.lost);
    expect(held.signal.aborted).toBe(true);
    expect(a.client.state).toBe('expired');
    await r.e.run(next!.release());
  });

  it('4 candidates elect, lead, resign and rejoin while peers stop and restart: at most one live leader, leaderships in candidate order', async () => {
    rig = await startFaultRig(seed + 1);
    const r = rig;
    const clients = await connect(r, 4);
    const elections = clients.map((c, i) => new LeaderElection(c, '/f/election', `c${i}`));
    const violations: string[] = [];
    const errors: unknown[] = [];
    const taken: number[] = [];
    const check = (): void => {
      const live = elections.filter((el) => el.isLeader && el.candidateNode !== undefined && r.exists(el.candidateNode));
      if (live.length > 1) violations.push(`at ${r.e.clock.now()}: ${live.map((el) => el.candidateNode).join(', ')}`);
    };
    for (const el of elections) {
      el.onLeadership((leading) => {
        if (!leading || el.candidateNode === undefined) return;
        taken.push(sequenceOf(el.candidateNode));
        check();
      });
    }
    let faultsOver = false;
    let done = 0;
    let terms = 0;
    const candidate = async (i: number): Promise<void> => {
      const client = clients[i]!;
      const el = elections[i]!;
      try {
        for (let n = 0; !faultsOver || n < 2; n++) {
          await el.join();
          await leadingOrEnded(client, el);
          if (!el.isLeader) throw new Error(`c${i} stopped waiting without leading (session ${client.state})`);
          terms++;
          for (let k = 0; k < 2; k++) await retryOnLoss(client, () => client.setData('/f/election', bytes(`c${i}`)));
          await el.resign();
        }
      } catch (e) {
        if (!endedBySession(e) && client.state !== 'expired') errors.push(e);
      } finally {
        done++;
      }
    };
    const work = Promise.all(clients.map((_, i) => candidate(i)));
    const log = await r.faults(faultTicks, check);
    faultsOver = true;
    await r.heal(() => done === clients.length, check);
    await work;
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    expect(log.stops).toBeGreaterThanOrEqual(4);
    expect(terms).toBeGreaterThanOrEqual(clients.filter((c) => c.state === 'connected').length * 2);
    // A leader's node is the lowest in line; later candidates always hold higher numbers.
    expect(taken).toEqual([...taken].sort((a, b) => a - b));
    expect(new Set(taken).size).toBe(taken.length);
  });

  it('2 producers and 2 consumers move 40 items while peers stop and restart: none delivered twice, every acknowledged one delivered', async () => {
    rig = await startFaultRig(seed + 2);
    const r = rig;
    const [p0, p1, c0, c1] = await connect(r, 4);
    const producers = [p0!, p1!];
    const consumers = [c0!, c1!];
    const acknowledged = new Set<string>();
    const unknown = new Set<string>();
    const delivered: string[][] = consumers.map(() => []);
    const errors: unknown[] = [];
    let producing = producers.length;
    let consumerExpiries = 0;
    let disconnects = 0;
    for (const c of [...producers, ...consumers]) c.on('state', (state) => void (state === 'disconnected' && disconnects++));
    const stop = new AbortController();
    const produce = async (p: number): Promise<void> => {
      const q = new DistributedQueue(producers[p]!, '/f/queue');
      try {
        for (let n = 0; n < 20; n++) {
          const item = `${p}:${n}`;
          unknown.add(item);
          await q.offer(bytes(item));
          unknown.delete(item);
          acknowledged.add(item);
          // Spread the offers over the faulty period (simulated time: the rig's manual clock).
          await new Promise<void>((resolve) => after(r.e.clock, 1_000, resolve));
        }
      } catch (e) {
        if (!endedBySession(e)) errors.push(e);
      } finally {
        producing--;
      }
    };
    const consume = async (c: number): Promise<void> => {
      const q = new DistributedQueue(consumers[c]!, '/f/queue');
      try {
        for (;;) delivered[c]!.push(text(await q.take({ signal: stop.signal })));
      } catch (e) {
        if (stop.signal.aborted) return;
        if (endedBySession(e)) consumerExpiries++;
        else errors.push(e);
      }
    };
    const all = (): string[] => delivered.flat();
    const work = Promise.all([...producers.map((_, p) => produce(p)), ...consumers.map((_, c) => consume(c))]);
    const noop = (): void => undefined;
    const log = await r.faults(faultTicks, noop);
    await r.heal(() => producing === 0 && [...acknowledged].every((item) => all().includes(item)), noop);
    stop.abort();
    await r.e.run(work, 200);
    expect(errors).toEqual([]);
    expect(log.stops).toBeGreaterThanOrEqual(4);
    const items = all();
    // Never twice; every acknowledged offer delivered; an offer that ended with its session, at most once.
    expect(items.length).toBe(new Set(items).size);
    for (const item of acknowledged) expect(items).toContain(item);
    for (const item of items) expect(acknowledged.has(item) || unknown.has(item)).toBe(true);
    if (consumerExpiries === 0) expect(acknowledged.size).toBeGreaterThan(0);
    expect(disconnects).toBeGreaterThanOrEqual(2);
    // Per consumer, one producer's items arrive in the order offered.
    for (const got of delivered) {
      for (const p of [0, 1]) {
        const seq = got.filter((s) => s.startsWith(`${p}:`)).map((s) => Number(s.split(':')[1]));
        expect(seq).toEqual([...seq].sort((a, b) => a - b));
      }
    }
  });
});

/** Resolves once the candidate leads, or its session has ended (it never will then). */
function leadingOrEnded(client: Client, el: LeaderElection): Promise<void> {
  return new Promise((resolve) => {
    const stops: (() => void)[] = [];
    const done = (): void => {
      for (const stop of stops) stop();
      resolve();
    };
    stops.push(onSessionEnd(client, done));
    stops.push(el.onLeadership((leading) => leading && done()));
    if (el.isLeader) done();
  });
}
