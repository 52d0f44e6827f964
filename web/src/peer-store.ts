// The page's state: a zustand vanilla store that follows one tab peer through its events (status
// after every drain, role changes, links), plus how late the page's own timers run. The store only
// mirrors; nothing in the UI steers the peer except through the Client.

import { createStore, type StoreApi } from 'zustand/vanilla';
import { tabStatus, type HookStatus } from '../../src/browser/test-hook.ts';
import type { TabPeer } from '../../src/browser/tab-peer.ts';
import { watchThrottling } from '../../src/browser/worker-clock.ts';

export interface PeerView {
  readonly status: HookStatus;
  /** How late the main thread's timer ran last (hidden tabs: ~1,000 ms); the peer ticks from a Worker. */
  readonly timerLateMs: number;
  /** The last role changes, newest last. */
  readonly roles: readonly string[];
  readonly failure: string | undefined;
}

const ROLES_KEPT = 8;

/** A store that follows `tab`; the returned stop() unsubscribes. */
export function followPeer(tab: TabPeer): { store: StoreApi<PeerView>; stop: () => void } {
  const store = createStore<PeerView>(() => ({ status: tabStatus(tab), timerLateMs: 0, roles: [], failure: undefined }));
  const refresh = (): void => store.setState({ status: tabStatus(tab) });
  const offEvents = tab.peer.events.on((event) => {
    switch (event.type) {
      case 'role': {
        const line = `${new Date().toLocaleTimeString()} ${event.role}${event.leader === undefined ? '' : ` (leader ${event.leader})`}`;
        store.setState((s) => ({ roles: [...s.roles, line].slice(-ROLES_KEPT) }));
        return refresh();
      }
      case 'failed':
        store.setState({ failure: event.error });
        return refresh();
      default:
        return refresh();
    }
  });
  const offSignaling = tab.signaling.onStatus(refresh);
  const offThrottle = watchThrottling(tab.clock, 250, (late) => {
    if (Math.abs(late - store.getState().timerLateMs) > 50) store.setState({ timerLateMs: Math.round(late) });
  });
  return {
    store,
    stop: () => {
      offEvents();
      offSignaling();
      offThrottle();
    },
  };
}
