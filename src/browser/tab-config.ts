// What a tab peer is told by its URL: `?ensemble=local&id=4&peers=1,2,3,4,5&nodes=1,2,3&signal=ws://…`
// (and `secret`, `tick`). Every parameter has an embedded default matching `npm start` (src/server/
// cli.ts: 3 Node voters 1-3 plus tabs 4 and 5, tick 200 ms, the loopback demo secret), so
// `http://127.0.0.1:5180/?id=4` is enough. Bad input is answered with a TabConfigError that names the
// parameter; the page shows it instead of starting a peer. The secret may also come in the fragment
// (`#secret=…`), which never reaches a server log. Pure: takes the URL, touches no DOM.

import { limits } from '../core/util/limits.ts';

/** The defaults of `meshkeeper ensemble` (src/server/cli.ts; test/browser/tab-config.test.ts keeps them equal). */
export const tabDefaults = {
  ensemble: 'local',
  secret: 'meshkeeper-local-demo-secret',
  tickMs: 200,
  signalPath: '/signal',
  nodePeers: [1, 2, 3],
  tabPeers: [4, 5],
} as const;

export interface TabConfig {
  readonly ensemble: string;
  /** This tab's peer id; undefined when the URL names none (the page offers the tab ids to pick). */
  readonly id: number | undefined;
  /** Every voter, this tab included. */
  readonly voters: readonly number[];
  /** The ids that run in Node: this tab offers WebRTC toward them (browserOffersToNode). */
  readonly nodePeers: readonly number[];
  readonly secret: string;
  /** ws:// or wss:// URL of the signaling server; '' for none (tabs of one browser only). */
  readonly signalUrl: string;
  readonly tickMs: number;
}

export class TabConfigError extends Error {}

/** The signaling URL a page served by `meshkeeper ensemble` should use: same host and port, /signal. */
export function defaultSignalUrl(page: URL): string {
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  return page.protocol === 'http:' || page.protocol === 'https:'
    ? `${scheme}//${page.host}${tabDefaults.signalPath}`
    : `ws://127.0.0.1:5180${tabDefaults.signalPath}`;
}

export function parseTabConfig(page: URL): TabConfig {
  const q = page.searchParams;
  const fragment = new URLSearchParams(page.hash.replace(/^#/, ''));
  const get = (name: string): string | undefined => {
    const v = q.get(name) ?? fragment.get(name);
    return v === null || v === '' ? undefined : v;
  };
  const voters = idList('peers', get('peers')) ?? [...tabDefaults.nodePeers, ...tabDefaults.tabPeers];
  const nodePeers = idList('nodes', get('nodes')) ?? tabDefaults.nodePeers.filter((n) => voters.includes(n));
  const rawId = get('id');
  const id = rawId === undefined ? undefined : idValue('id', rawId);
  if (id !== undefined && !voters.includes(id)) throw new TabConfigError(`id ${id} is not among the peers ${voters.join(',')}`);
  if (id !== undefined && nodePeers.includes(id)) throw new TabConfigError(`id ${id} is listed as a Node peer (nodes=${nodePeers.join(',')})`);
  const ensemble = get('ensemble') ?? tabDefaults.ensemble;
  if (new TextEncoder().encode(ensemble).length > limits.ensemble_name_bytes_max) {
    throw new TabConfigError(`ensemble is longer than ${limits.ensemble_name_bytes_max} bytes`);
  }
  const signal = q.get('signal') ?? defaultSignalUrl(page);
  if (signal !== '' && !/^wss?:\/\//.test(signal)) throw new TabConfigError(`signal must be a ws:// or wss:// URL: ${signal}`);
  const tick = get('tick');
  const tickMs = tick === undefined ? tabDefaults.tickMs : idValue('tick', tick, 60_000);
  return { ensemble, id, voters, nodePeers, secret: get('secret') ?? tabDefaults.secret, signalUrl: signal, tickMs };
}

/** The tab ids a page could take: voters that are not Node peers. */
export function tabIds(config: TabConfig): number[] {
  return config.voters.filter((v) => !config.nodePeers.includes(v));
}

function idValue(name: string, s: string, max: number = limits.peer_id_max): number {
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new TabConfigError(`${name} must be an integer in [1, ${max}]: ${s}`);
  return n;
}

function idList(name: string, s: string | undefined): number[] | undefined {
  if (s === undefined) return undefined;
  const ids = s.split(',').map((p) => idValue(name, p.trim()));
  if (new Set(ids).size !== ids.length) throw new TabConfigError(`${name} lists an id twice: ${s}`);
  if (ids.length > limits.peers_max) throw new TabConfigError(`${name} lists more than ${limits.peers_max} peers`);
  return ids;
}

/** The URL that opens peer `config.id` in a tab of the page at `page`: only what differs from the defaults. */
export function tabUrl(page: string, config: Omit<TabConfig, 'signalUrl'> & { readonly id: number }): string {
  const url = new URL(page);
  const list = (ids: readonly number[]): string => ids.join(',');
  const defaults = parseTabConfig(url);
  if (config.ensemble !== defaults.ensemble) url.searchParams.set('ensemble', config.ensemble);
  url.searchParams.set('id', String(config.id));
  if (list(config.voters) !== list(defaults.voters)) url.searchParams.set('peers', list(config.voters));
  if (list(config.nodePeers) !== list(defaults.nodePeers)) url.searchParams.set('nodes', list(config.nodePeers));
  if (config.tickMs !== defaults.tickMs) url.searchParams.set('tick', String(config.tickMs));
  // In the fragment: it never reaches a server's log.
  if (config.secret !== defaults.secret) url.hash = new URLSearchParams({ secret: config.secret }).toString();
  return url.toString();
}
