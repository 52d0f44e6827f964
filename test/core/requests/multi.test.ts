import { describe, expect, it } from 'vitest';
import { Code } from '../../../src/core/errors.ts';
import type { MultiOp } from '../../../src/core/requests/request.ts';
import { CreateMode } from '../../../src/core/tree/create-mode.ts';
import { check, codeOf, create, del, setData, standalone } from './helpers.ts';

const multi = (...ops: MultiOp[]) => ({ type: 'multi', ops }) as const;

describe('multi', () => {
  it('a multi applies all its ops, each seeing the effects of the ones before', () => {
    const { at } = standalone();
    const reply = at(multi(create('/a'), create('/a/b'), setData('/a/b', 'x', 0), check('/a/b', 1), del('/a/b')));
    expect(reply.type).toBe('multi');
    if (reply.type !== 'multi') return;
    expect(reply.results.map((r) => r.type)).toEqual(['create', 'create', 'setData', 'check', 'delete']);
    expect(at({ type: 'getChildren', path: '/a', watch: false, withStat: false })).toEqual({ type: 'getChildren', children: [] });
  });

  it('a failed multi changes nothing, and reports OK before the failed op, its code, then RUNTIMEINCONSISTENCY', () => {
    const { zk, at } = standalone();
    at(create('/keep'));
    const before = zk.digest();
    const reply = at(multi(create('/a'), setData('/keep', 'x'), check('/keep', 7), create('/b')));
    expect(reply).toEqual({
      type: 'multi',
      results: [
        { type: 'error', code: Code.OK },
        { type: 'error', code: Code.OK },
        { type: 'error', code: Code.BADVERSION },
        { type: 'error', code: Code.RUNTIMEINCONSISTENCY },
      ],
    });
    expect(zk.digest()).toBe(before);
    expect(at({ type: 'exists', path: '/a', watch: false })).toEqual({ type: 'exists', stat: null });
  });

  it('a failed multi still takes a zxid', () => {
    const { zk, at } = standalone();
    const before = zk.lastZxid;
    at(multi(del('/missing')));
    expect(zk.lastZxid).toBe(before + 1);
  });

  it('a failed multi leaves no trace in later sequence numbers', () => {
    const { at } = standalone();
    at(create('/q'));
    at(multi(create('/q/s-', { mode: CreateMode.PERSISTENT_SEQUENTIAL }), del('/missing')));
    const reply = at(create('/q/s-', { mode: CreateMode.PERSISTENT_SEQUENTIAL }));
    expect(reply.type === 'create' && reply.path).toBe('/q/s-0000000000');
  });

  it('sequential creates in one multi take successive suffixes', () => {
    const { at } = standalone();
    at(create('/q'));
    const reply = at(multi(create('/q/s-', { mode: CreateMode.PERSISTENT_SEQUENTIAL }), create('/q/s-', { mode: CreateMode.PERSISTENT_SEQUENTIAL })));
    expect(reply.type === 'multi' && reply.results.map((r) => (r.type === 'create' ? r.path : r.type))).toEqual([
      '/q/s-0000000000',
      '/q/s-0000000001',
    ]);
  });

  it('an empty multi succeeds with no results', () => {
    const { at } = standalone();
    expect(at(multi())).toEqual({ type: 'multi', results: [] });
  });

  it('a multi with more than multi_ops_max ops is BADARGUMENTS', () => {
    const { at } = standalone();
    const ops = Array.from({ length: 1001 }, () => check('/', -1));
    expect(codeOf(at(multi(...ops)))).toBe(Code.BADARGUMENTS);
  });

  it('multiRead answers each op on its own, errors included', () => {
    const { at } = standalone();
    at(create('/a', { data: 'hello' }));
    const reply = at({
      type: 'multiRead',
      ops: [
        { type: 'getData', path: '/a', watch: false },
        { type: 'getData', path: '/missing', watch: false },
        { type: 'getChildren', path: '/', watch: false, withStat: false },
      ],
    });
    expect(reply.type).toBe('multiRead');
    if (reply.type !== 'multiRead') return;
    expect(reply.results[0]?.type === 'getData' && new TextDecoder().decode(reply.results[0].data)).toBe('hello');
    expect(reply.results[1]).toEqual({ type: 'error', code: Code.NONODE });
    expect(reply.results[2]?.type === 'getChildren' && reply.results[2].children).toContain('a');
  });
});
