// Three browser tabs (one Chromium profile on disk, so the tabs reach each other over BroadcastChannel
// and keep their IndexedDB across a close) and two Node peer processes form one 5-voter ensemble over
// a real signaling server and the web page served beside it. They elect one leader and commit; the
// leader goes away (its tab closed; when a Node peer leads, one tab is closed and the leading process
// SIGKILLed) while a writer keeps writing; a new leader is elected and every acknowledged write is
// still there; the closed tab, reopened, recovers from IndexedDB and catches up. Two layouts: the
// first quorum is the Node peers and the first tab, and with equal zxids the highest id wins, so Node
// ids 1,2 with tabs 3,4,5 make tab 3 lead and Node ids 4,5 with tabs 1,2,3 make Node peer 5 lead:
// both ways of losing the leader are exercised.

import { expect, test, type BrowserContext } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tabUrl } from '../src/browser/tab-config.ts';
import { exitOf } from '../src/server/ensemble.ts';
import { startWebServer, type WebServer } from '../src/server/web-server.ts';
import { pollUntil, spawnPeer, type PeerProcess } from '../test/server/processes.ts';
import { launchProfile, oneLeader, retryOnLoss, Tab, views } from './mixed.ts';

const SECRET = 'e2e-ensemble-secret';
const TICK_MS = 200;
const WRITES_BEFORE = 12;
const WRITES_DURING = 12;

for (const layout of [
  { name: 'a tab leads', NODE_IDS: [1, 2], TAB_IDS: [3, 4, 5] },
  { name: 'a Node peer leads', NODE_IDS: [4, 5], TAB_IDS: [1, 2, 3] },
])
  test.describe(layout.name, () => {
    const { NODE_IDS, TAB_IDS } = layout;
    const VOTERS = [...NODE_IDS, ...TAB_IDS].sort((a, b) => a - b);
    const ENSEMBLE = `e2e-${NODE_IDS.join('')}`;
    let web: WebServer;
    let root: string;
    let context: BrowserContext;
    const nodes = new Map<number, PeerProcess>();
    const tabs = new Map<number, Tab>();

    const urlOf = (id: number): string =>
      tabUrl(web.url, { ensemble: ENSEMBLE, id, voters: VOTERS, nodePeers: NODE_IDS, secret: SECRET, tickMs: TICK_MS });

    test.beforeAll(async () => {
      web = await startWebServer({ port: 0 });
      root = await mkdtemp(join(tmpdir(), 'meshkeeper-e2e-'));
      const args = (id: number): string[] => [
        '--ensemble', ENSEMBLE, '--peers', VOTERS.join(','), '--node-peers', NODE_IDS.join(','),
        '--data-dir', join(root, `node-${id}`), '--signal', web.signal.url, '--tick-ms', String(TICK_MS),
      ];
      for (const p of await Promise.all(NODE_IDS.map((id) => spawnPeer(args(id), id, SECRET)))) nodes.set(p.id, p);
      context = await launchProfile(join(root, 'chromium-profile'));
    });

    test.afterAll(async () => {
      await context?.close();
      for (const p of nodes.values()) {
        if (p.child.exitCode === null && p.child.signalCode === null && p.child.pid !== undefined) process.kill(p.child.pid, 'SIGKILL');
      }
      await Promise.all([...nodes.values()].map((p) => exitOf(p.child)));
      await web?.close();
      if (root) await rm(root, { recursive: true, force: true });
    });

    test('3 tabs and 2 Node peers elect one leader, survive losing it without losing a write, and a reopened tab catches up', async () => {
      // 1. One ensemble: every tab and Node peer follows one leader in one epoch. The first tab and the
      // Node peers make the first quorum (so the highest of them leads); the other tabs join it.
      const live = () => views([...tabs.values()], [...nodes.values()]);
      const [firstTab, ...laterTabs] = TAB_IDS as [number, ...number[]];
      tabs.set(firstTab, await Tab.open(context, urlOf(firstTab), firstTab));
      await pollUntil(async () => oneLeader((await live()) ?? []), 'one leader among the first tab and the Node peers', 60_000, 200);
      for (const t of await Promise.all(laterTabs.map((id) => Tab.open(context, urlOf(id), id)))) tabs.set(t.id, t);
      const first = await pollUntil(async () => oneLeader((await live()) ?? []), 'one leader among 3 tabs and 2 Node peers', 60_000, 200);
      expect(first.epoch).toBeGreaterThan(0);

      // 2. Writes through every tab commit and are seen by every other tab.
      const acked = new Map<string, string>();
      const tabList = [...tabs.values()];
      await retryOnLoss(() => tabList[0]!.write('/e2e', 'root'), 20_000);
      for (let i = 0; i < WRITES_BEFORE; i++) {
        const path = `/e2e/before-${i}`;
        await retryOnLoss(() => tabList[i % tabList.length]!.write(path, `v${i}`), 20_000);
        acked.set(path, `v${i}`);
      }
      for (const t of tabList) expect((await t.children('/e2e')).length).toBe(WRITES_BEFORE);

      // 3. The leader goes away while a surviving tab keeps writing.
      const leaderId = first.leader.id;
      const closedTabId = first.leader.kind === 'tab' ? leaderId : TAB_IDS.find((id) => id !== leaderId)!;
      const closing = tabs.get(closedTabId)!;
      const beforeClose = await closing.status();
      const writer = [...tabs.values()].find((t) => t.id !== closedTabId)!;
      const during = (async () => {
        for (let i = 0; i < WRITES_DURING; i++) {
          const path = `/e2e/during-${i}`;
          await retryOnLoss(() => writer.write(path, `w${i}`), 60_000);
          acked.set(path, `w${i}`);
        }
      })();
      await closing.page.close();
      tabs.delete(closedTabId);
      if (first.leader.kind === 'node') {
        const leader = nodes.get(leaderId)!;
        process.kill(leader.child.pid!, 'SIGKILL');
        await exitOf(leader.child);
        nodes.delete(leaderId);
      }
      const lostAt = Date.now();
      const second = await pollUntil(async () => oneLeader((await live()) ?? []), 'a new leader among the 3 survivors', 60_000, 200);
      test.info().annotations.push({
        type: 'failover',
        description: `${first.leader.kind} ${leaderId} led epoch ${first.epoch}; tab ${closedTabId} closed; ${second.leader.kind} ${second.leader.id} leads epoch ${second.epoch} after ${Date.now() - lostAt} ms`,
      });
      expect(second.leader.id).not.toBe(leaderId);
      expect(second.epoch).toBeGreaterThan(first.epoch);
      await during;

      // Every acknowledged write is there, on every surviving tab (read after sync).
      for (const t of tabs.values()) {
        for (const [path, value] of acked) expect(await retryOnLoss(() => t.read(path), 20_000)).toBe(value);
      }

      // 4. The closed tab, reopened, starts from what it had in IndexedDB and catches up.
      const reopened = await Tab.open(context, urlOf(closedTabId), closedTabId);
      tabs.set(closedTabId, reopened);
      const recovered = await reopened.status();
      expect(BigInt(recovered.recoveredZxid)).toBeGreaterThanOrEqual(BigInt(beforeClose.appliedZxid));
      expect(BigInt(recovered.recoveredZxid)).toBeGreaterThan(0n);
      const third = await pollUntil(async () => oneLeader((await live()) ?? []), 'the reopened tab follows the leader', 60_000, 200);
      expect(third.leader.id).toBe(second.leader.id);
      for (const [path, value] of acked) expect(await retryOnLoss(() => reopened.read(path), 20_000)).toBe(value);
      const final = await reopened.status();
      expect(BigInt(final.appliedZxid)).toBeGreaterThanOrEqual(BigInt(beforeClose.appliedZxid));
    });
  });
