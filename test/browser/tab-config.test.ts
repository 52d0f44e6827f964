import { describe, expect, it } from 'vitest';
import { parseTabConfig, tabDefaults, TabConfigError, tabIds, tabUrl } from '../../src/browser/tab-config.ts';
import { DEFAULT_SECRET, DEFAULT_SIGNAL_PORT, DEFAULT_TICK_MS, parseCli } from '../../src/server/cli.ts';

const page = (query = ''): URL => new URL(`http://127.0.0.1:${DEFAULT_SIGNAL_PORT}/${query}`);

describe('a tab peer configured by its URL', () => {
  it('defaults to the layout npm start runs: Node voters 1-3, tabs 4 and 5, its secret, tick and ensemble', () => {
    const cli = parseCli(['ensemble']);
    if (cli.command !== 'ensemble') throw new Error('not ensemble');
    const nodes = Array.from({ length: cli.peers }, (_, i) => i + 1);
    const tabs = Array.from({ length: cli.tabs }, (_, i) => cli.peers + i + 1);
    expect([...tabDefaults.nodePeers]).toEqual(nodes);
    expect([...tabDefaults.tabPeers]).toEqual(tabs);
    const c = parseTabConfig(page('?id=4'));
    expect(c).toEqual({
      ensemble: cli.ensemble,
      id: 4,
      voters: [...nodes, ...tabs],
      nodePeers: nodes,
      secret: DEFAULT_SECRET,
      signalUrl: `ws://127.0.0.1:${DEFAULT_SIGNAL_PORT}/signal`,
      tickMs: DEFAULT_TICK_MS,
    });
    expect(tabIds(c)).toEqual(tabs);
  });

  it('reads every parameter, the secret also from the fragment', () => {
    const c = parseTabConfig(page('?ensemble=demo&id=3&peers=1,2,3&nodes=1&signal=wss://example.org/s&tick=100#secret=s3cret'));
    expect(c).toEqual({ ensemble: 'demo', id: 3, voters: [1, 2, 3], nodePeers: [1], secret: 's3cret', signalUrl: 'wss://example.org/s', tickMs: 100 });
  });

  it('a page without an id starts no peer (it offers the tab ids instead)', () => {
    expect(parseTabConfig(page()).id).toBeUndefined();
  });

  it('a bad URL is refused with the parameter named', () => {
    const bad = (q: string, why: RegExp): void => expect(() => parseTabConfig(page(q))).toThrow(why);
    bad('?id=9', /id 9 is not among the peers/);
    bad('?id=2', /listed as a Node peer/);
    bad('?id=x', /id must be an integer/);
    bad('?id=4&peers=1,1,4', /lists an id twice/);
    bad('?id=4&signal=http://x', /signal must be a ws/);
    bad('?id=4&tick=0', /tick must be an integer/);
    expect(() => parseTabConfig(page('?id=0'))).toThrow(TabConfigError);
  });

  it('the URL made for a tab carries only what differs from the defaults, and reads back as the same config', () => {
    expect(tabUrl(page().toString(), { ...parseTabConfig(page('?id=5')), id: 5 })).toBe(`${page()}?id=5`);
    const config = { ensemble: 'e2e', id: 3, voters: [1, 2, 3, 4, 5], nodePeers: [4, 5], secret: 'x y&z', tickMs: 100 };
    const url = tabUrl(page().toString(), config);
    expect(new URL(url).search).not.toContain('secret'); // the secret rides in the fragment only
    expect(new URL(url).hash).toContain('secret=');
    expect(parseTabConfig(new URL(url))).toEqual({ ...config, signalUrl: `ws://127.0.0.1:${DEFAULT_SIGNAL_PORT}/signal` });
  });
});
