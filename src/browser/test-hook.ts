// `window.meshkeeper`: a small, JSON-friendly handle on the tab's peer for Playwright tests and for a
// curious person at the devtools console. status() is a plain snapshot (zxids as 0x… strings);
// write() resolves once the ensemble acknowledged the write (committed, and applied at this peer);
// read() syncs with the leader first, so it sees every write acknowledged before it was called.
// Failures reject with a message that starts with ZooKeeper's code name (CONNECTIONLOSS, …): a caller
// retries what it wants retried. An expired session is replaced on the next call.

import { Code, codeName, isKeeperError } from '../core/errors.ts';
import { zxidToString } from '../core/zxid.ts';
import type { SignalingStatus } from '../transport/signaling/signaling.ts';
import type { TabPeer } from './tab-peer.ts';

export interface HookLink {
  readonly peer: number;
  readonly state: string;
  readonly generation: number;
  readonly rttMs: number | null;
  readonly reason: string | null;
}

export interface HookStatus {
  readonly id: number;
  readonly running: boolean;
  readonly role: string;
  readonly leader: number | null;
  readonly serving: boolean;
  readonly epoch: number;
  readonly lastLoggedZxid: string;
  readonly committedZxid: string;
  readonly appliedZxid: string;
  readonly links: readonly HookLink[];
  readonly signaling: readonly SignalingStatus[];
  readonly dbName: string;
  /** The last zxid the peer found in IndexedDB when it started. */
  readonly recoveredZxid: string;
}

export interface MeshkeeperHook {
  status(): HookStatus;
  /** Creates `path` (its parent must exist) or overwrites its data; resolves with the write's zxid. */
  write(path: string, data: string): Promise<string>;
  /** sync, then the node's data as text; null when the node does not exist. */
  read(path: string): Promise<string | null>;
  children(path: string): Promise<string[]>;
  stop(): Promise<void>;
}

export function tabStatus(tab: TabPeer): HookStatus {
  const s = tab.peer.status();
  return {
    id: s.id,
    running: tab.peer.running,
    role: s.role,
    leader: s.leader ?? null,
    serving: s.serving,
    epoch: s.epoch,
    lastLoggedZxid: zxidToString(s.lastLoggedZxid),
    committedZxid: zxidToString(s.committedZxid),
    appliedZxid: zxidToString(s.appliedZxid),
    links: tab.transport.links().map((l) => ({
      peer: l.peer,
      state: l.state,
      generation: l.generation,
      rttMs: l.rttMs ?? null,
      reason: l.reason ?? null,
    })),
    signaling: tab.signaling.routeStatuses(),
    dbName: tab.dbName,
    recoveredZxid: zxidToString(tab.recoveredZxid),
  };
}

export function makeHook(tab: TabPeer): MeshkeeperHook {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  /** Runs `fn` on the tab's client; a KeeperError becomes an Error whose message starts with its code name. */
  const withClient = async <T>(fn: (c: Awaited<ReturnType<TabPeer['client']>>) => Promise<T>): Promise<T> => {
    try {
      return await fn(await tab.client());
    } catch (error) {
      if (isKeeperError(error, Code.SESSIONEXPIRED)) tab.dropClient();
      if (isKeeperError(error)) throw new Error(`${codeName(error.code) ?? error.code}: ${error.message}`);
      throw error;
    }
  };
  return {
    status: () => tabStatus(tab),
    write: (path, data) =>
      withClient(async (c) => {
        const bytes = encoder.encode(data);
        try {
          return zxidToString((await c.create2(path, bytes)).stat.czxid);
        } catch (error) {
          if (!isKeeperError(error, Code.NODEEXISTS)) throw error;
          return zxidToString((await c.setData(path, bytes)).mzxid);
        }
      }),
    read: (path) =>
      withClient(async (c) => {
        await c.sync(path);
        try {
          return decoder.decode((await c.getData(path)).data);
        } catch (error) {
          if (isKeeperError(error, Code.NONODE)) return null;
          throw error;
        }
      }),
    children: (path) =>
      withClient(async (c) => {
        await c.sync(path);
        return (await c.getChildren(path)) as string[];
      }),
    stop: () => tab.stop(),
  };
}
