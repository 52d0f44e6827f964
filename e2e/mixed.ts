// Helpers for the mixed tab + Node ensemble e2e: one Chromium profile on disk (a persistent context,
// so IndexedDB survives a closed tab), tab pages with their test hook (window.meshkeeper), Node peer
// processes (test/server/processes.ts), and one view of every member's role/epoch/zxids whichever
// kind it is. Waiting is always on a condition, with a bound.

import type { BrowserContext, Page } from '@playwright/test';
import { chromium } from '@playwright/test';
import type { HookStatus } from '../src/browser/test-hook.ts';
import { chromiumLaunchOptions } from '../test/storage/browser/chromium.ts';
import { srvrAll, type PeerProcess } from '../test/server/processes.ts';

/** Chromium for WebRTC on loopback: real host candidates instead of mDNS names (node-datachannel cannot resolve them). */
export async function launchProfile(dir: string): Promise<BrowserContext> {
  const base = chromiumLaunchOptions();
  return chromium.launchPersistentContext(dir, { ...base, args: [...base.args, '--disable-features=WebRtcHideLocalIpsWithMdns'] });
}

/** One member as the test sees it, from a tab's hook or a Node peer's admin endpoint. */
export interface MemberView {
  readonly id: number;
  readonly kind: 'tab' | 'node';
  readonly role: string;
  readonly leader: number | null;
  readonly serving: boolean;
  readonly epoch: number;
  readonly lastZxid: bigint;
  readonly appliedZxid: bigint;
}

export class Tab {
  readonly log: string[] = [];
  private constructor(
    readonly id: number,
    readonly page: Page,
  ) {}

  /** Opens `url` in a new page of `context` and waits until its peer started (the hook exists). */
  static async open(context: BrowserContext, url: string, id: number): Promise<Tab> {
    const page = await context.newPage();
    const tab = new Tab(id, page);
    page.on('console', (m) => tab.log.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => tab.log.push(`pageerror: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => window.meshkeeper !== undefined || window.meshkeeperError !== undefined, undefined, { timeout: 30_000 });
    const error = await page.evaluate(() => window.meshkeeperError);
    if (error !== undefined) throw new Error(`tab ${id} did not start: ${error}`);
    return tab;
  }

  status(): Promise<HookStatus> {
    return this.page.evaluate(() => {
      if (!window.meshkeeper) throw new Error('no hook');
      return window.meshkeeper.status();
    });
  }

  /** Resolves with the write's zxid once acknowledged; rejects with the hook's error (CONNECTIONLOSS …). */
  write(path: string, data: string): Promise<string> {
    return this.page.evaluate(([p, d]) => window.meshkeeper!.write(p, d), [path, data] as const);
  }

  read(path: string): Promise<string | null> {
    return this.page.evaluate((p) => window.meshkeeper!.read(p), path);
  }

  children(path: string): Promise<string[]> {
    return this.page.evaluate((p) => window.meshkeeper!.children(p), path);
  }

  async view(): Promise<MemberView> {
    const s = await this.status();
    return {
      id: s.id,
      kind: 'tab',
      role: s.role,
      leader: s.leader,
      serving: s.serving,
      epoch: s.epoch,
      lastZxid: BigInt(s.lastLoggedZxid),
      appliedZxid: BigInt(s.appliedZxid),
    };
  }
}

export async function nodeView(p: PeerProcess): Promise<MemberView | undefined> {
  const [v] = await srvrAll([p.adminUrl]);
  if (v === undefined) return undefined;
  return {
    id: v.id,
    kind: 'node',
    role: v.role,
    leader: v.leader,
    serving: v.serving,
    epoch: v.epoch,
    lastZxid: BigInt(v.last_zxid),
    appliedZxid: BigInt(v.applied_zxid),
  };
}

/** Every member's view, or undefined when one does not answer. */
export async function views(tabs: readonly Tab[], nodes: readonly PeerProcess[]): Promise<MemberView[] | undefined> {
  const all = await Promise.all([...tabs.map((t) => t.view().catch(() => undefined)), ...nodes.map(nodeView)]);
  return all.some((v) => v === undefined) ? undefined : (all as MemberView[]);
}

/** One LEADING and everyone else FOLLOWING it in its epoch, all serving; undefined otherwise. */
export function oneLeader(all: readonly MemberView[]): { leader: MemberView; epoch: number } | undefined {
  const leaders = all.filter((v) => v.role === 'LEADING');
  const leader = leaders[0];
  if (leaders.length !== 1 || leader === undefined || all.some((v) => !v.serving)) return undefined;
  const ok = all.every((v) => v === leader || (v.role === 'FOLLOWING' && v.leader === leader.id && v.epoch === leader.epoch));
  return ok ? { leader, epoch: leader.epoch } : undefined;
}

/** Retries `fn` while it fails with CONNECTIONLOSS (a failover in progress), up to `ms`. */
export async function retryOnLoss<T>(fn: () => Promise<T>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!/CONNECTIONLOSS|SESSIONEXPIRED|SESSIONMOVED|OPERATIONTIMEOUT/.test(message) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
