import { describe, expect, it } from 'vitest';
import { Code } from '../../../src/core/errors.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import { codeOf, create, createdPath, del, standalone } from './helpers.ts';

describe('create modes', () => {
  it("a sequential node's suffix comes from the parent's cversion and is zero-padded to 10", () => {
    const { at } = standalone();
    at(create('/jobs'));
    at(create('/jobs/plain'));
    at(create('/jobs/other'));
    expect(createdPath(at(create('/jobs/job-', { mode: CreateMode.PERSISTENT_SEQUENTIAL })))).toBe('/jobs/job-0000000002');
    expect(createdPath(at(create('/jobs/job-', { mode: CreateMode.EPHEMERAL_SEQUENTIAL })))).toBe('/jobs/job-0000000003');
  });

  it('a sequential create may end in a slash: the suffix is the whole name', () => {
    const { at } = standalone();
    at(create('/q'));
    expect(createdPath(at(create('/q/', { mode: CreateMode.PERSISTENT_SEQUENTIAL })))).toBe('/q/0000000000');
  });

  it('sequence numbers never repeat under a parent, even after deletes', () => {
    const { at } = standalone();
    at(create('/q'));
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const path = createdPath(at(create('/q/n-', { mode: CreateMode.PERSISTENT_SEQUENTIAL })));
      expect(seen.has(path)).toBe(false);
      seen.add(path);
      expect(codeOf(at(del(path)))).toBe(0);
    }
    expect([...seen]).toEqual(['/q/n-0000000000', '/q/n-0000000001', '/q/n-0000000002', '/q/n-0000000003', '/q/n-0000000004']);
  });

  it("a failed create does not advance the parent's sequence", () => {
    const { at } = standalone();
    at(create('/q'));
    expect(codeOf(at(create('/q/x', { acl: [] })))).toBe(Code.INVALIDACL);
    expect(createdPath(at(create('/q/s-', { mode: CreateMode.PERSISTENT_SEQUENTIAL })))).toBe('/q/s-0000000000');
  });

  it('an ephemeral belongs to its session and goes when the session closes', () => {
    const { zk, s, at } = standalone();
    const reply = at(create('/e', { mode: CreateMode.EPHEMERAL }));
    expect(reply.type === 'create' && reply.stat.ephemeralOwner).toBe(s);
    zk.closeSession(s, 2000);
    const other = zk.openSession(2000);
    expect(zk.submit(other, { type: 'exists', path: '/e', watch: false }, 2000)).toEqual({ type: 'exists', stat: null });
  });

  it('ephemerals cannot have children', () => {
    const { at } = standalone();
    at(create('/e', { mode: CreateMode.EPHEMERAL }));
    expect(codeOf(at(create('/e/child')))).toBe(Code.NOCHILDRENFOREPHEMERALS);
    expect(codeOf(at(create('/e/s-', { mode: CreateMode.EPHEMERAL_SEQUENTIAL })))).toBe(Code.NOCHILDRENFOREPHEMERALS);
  });

  it('containers and TTL nodes may have children', () => {
    const { at } = standalone();
    at(create('/c', { mode: CreateMode.CONTAINER }));
    at(create('/t', { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 1000 }));
    expect(codeOf(at(create('/c/x')))).toBe(0);
    expect(codeOf(at(create('/t/x')))).toBe(0);
  });

  it('a container is swept once its last child is gone, and not before it ever had one', () => {
    const { zk, at } = standalone();
    at(create('/c', { mode: CreateMode.CONTAINER }));
    expect(zk.sweep(5000)).toBe(0);
    at(create('/c/x'));
    expect(zk.sweep(5000)).toBe(0);
    at(del('/c/x'));
    expect(zk.sweep(5000)).toBe(1);
    expect(at({ type: 'exists', path: '/c', watch: false })).toEqual({ type: 'exists', stat: null });
  });

  it('a TTL node is swept once it has had no children and no change for longer than its TTL', () => {
    const { zk, at } = standalone();
    at(create('/t', { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 500 }));
    at(create('/t/x'));
    expect(zk.sweep(1200)).toBe(0);
    at(del('/t/x'));
    expect(zk.sweep(1500)).toBe(0);
    expect(zk.sweep(1501)).toBe(1);
    expect(at({ type: 'exists', path: '/t', watch: false })).toEqual({ type: 'exists', stat: null });
  });

  it('a sequential TTL node takes a suffix and a TTL', () => {
    const { at } = standalone();
    const path = createdPath(at(create('/t-', { mode: CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, ttl: 10 })));
    expect(path).toMatch(/^\/t-\d{10}$/);
  });

  it('a TTL outside (0, ttl_ms_max], or a TTL given with another mode, is BADARGUMENTS', () => {
    const { at } = standalone();
    const ttlMode = CreateMode.PERSISTENT_WITH_TTL;
    expect(codeOf(at(create('/a', { mode: ttlMode, ttl: 0 })))).toBe(Code.BADARGUMENTS);
    expect(codeOf(at(create('/a', { mode: ttlMode, ttl: -5 })))).toBe(Code.BADARGUMENTS);
    expect(codeOf(at(create('/a', { mode: ttlMode, ttl: 2 ** 40 })))).toBe(Code.BADARGUMENTS);
    expect(codeOf(at(create('/a', { mode: ttlMode })))).toBe(Code.BADARGUMENTS);
    expect(codeOf(at(create('/a', { mode: CreateMode.PERSISTENT, ttl: 100 })))).toBe(Code.BADARGUMENTS);
    expect(codeOf(at(create('/a', { mode: CreateMode.PERSISTENT, ttl: -1 })))).toBe(0);
    expect(codeOf(at(create('/b', { mode: ttlMode, ttl: 2 ** 40 - 1 })))).toBe(0);
  });

  it('an unknown create mode is BADARGUMENTS', () => {
    const { at } = standalone();
    expect(codeOf(at(create('/a', { mode: 7 as never })))).toBe(Code.BADARGUMENTS);
  });
});
