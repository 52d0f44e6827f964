import { describe, expect, it } from 'vitest';
import { OrderedReads } from '../../src/recipes/ordered-reads.ts';

describe('ordered reads', () => {
  it('applies results in the order the reads were issued, whatever order they settle in, failures included', async () => {
    const errors: unknown[] = [];
    const reads = new OrderedReads((e) => errors.push(e));
    const applied: string[] = [];
    const resolvers: ((v: string) => void)[] = [];
    let reject: (e: unknown) => void = () => undefined;
    for (let i = 0; i < 3; i++) {
      reads.push(new Promise<string>((resolve) => resolvers.push(resolve)), (o) => applied.push(o.ok ? o.value : 'failed'));
    }
    reads.push(new Promise<string>((_, r) => (reject = r)), (o) => applied.push(o.ok ? o.value : `failed: ${String(o.error)}`));
    reads.push(Promise.resolve('late-pushed, first settled'), () => {
      throw new Error('a broken apply');
    });
    expect(reads.size).toBe(5);
    reject('lost');
    resolvers[2]!('c');
    resolvers[1]!('b');
    await Promise.resolve();
    expect(applied).toEqual([]); // the first read holds everyone back
    resolvers[0]!('a');
    await reads.idle();
    expect(applied).toEqual(['a', 'b', 'c', 'failed: lost']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['a broken apply']);
    expect(reads.size).toBe(0);
  });

  it('idle() waits for reads pushed by an apply as well', async () => {
    const reads = new OrderedReads(() => undefined);
    const applied: number[] = [];
    reads.push(Promise.resolve(1), () => {
      applied.push(1);
      reads.push(Promise.resolve(2), () => applied.push(2));
    });
    await reads.idle();
    expect(applied).toEqual([1, 2]);
  });
});
