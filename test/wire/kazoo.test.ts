import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveEnsemble } from './live-ensemble.ts';
import { runPython } from './python.ts';

const SCRIPT = fileURLToPath(new URL('./scripts/kazoo-session.py', import.meta.url));

describe('kazoo against a meshkeeper ensemble', () => {
  const e = new LiveEnsemble({ voters: 3 });
  beforeAll(async () => {
    await e.startAll();
    await e.ready();
  }, 30_000);
  afterAll(() => e.stopAll());

  it('creates, reads, writes, watches, runs transactions and closes its session as against ZooKeeper', async () => {
    const out = JSON.parse(await runPython(SCRIPT, [e.connectString()])) as Record<string, unknown>;
    expect(out['session']).toBe(true);
    expect(out['get']).toEqual(['hello', 0, 5]);
    expect(out['set_version']).toBe(1);
    expect(out['children']).toEqual(['c1', 'c2']);
    expect(out['children2']).toEqual([['c1', 'c2'], 2]);
    expect(out['data_watch']).toEqual([['CHANGED', '/k/c1']]);
    expect(out['child_watch']).toEqual([['CHILD', '/k']]);
    expect(out['sequence']).toBe('/k/seq-0000000003');
    expect(out['ephemeral_owner_is_me']).toBe(true);
    expect(out['txn_ok']).toEqual(['/k/t1', 'ZnodeStat', true]);
    expect(out['txn_failed']).toEqual(['RolledBackError', 'NoNodeError']);
    expect(out['txn_failed_left_nothing']).toBe(true);
    expect(out['create_existing']).toBe('NodeExistsError');
    expect(out['delete_nonempty']).toBe('NotEmptyError');
    expect(out['get_missing']).toBe('NoNodeError');
    expect(out['set_bad_version']).toBe('BadVersionError');
    expect(out['exists_missing']).toBe(true);
    expect(out['after_delete']).toEqual(['c1', 'c3', 'seq-0000000003', 't1']);
    expect(out['ephemeral_after_close']).toBe(false);
    expect(out['survivors']).toEqual(['c1', 'c3', 't1']);
  }, 90_000);
});
