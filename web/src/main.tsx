// The page's entry: read the tab's configuration from the URL, start its peer, expose the test hook
// as window.meshkeeper, and render. Without an id in the URL it offers the tab ids to pick from; a bad
// URL shows what is wrong instead of starting anything.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { parseTabConfig, tabIds, TabConfigError, type TabConfig } from '../../src/browser/tab-config.ts';
import { startTabPeer } from '../../src/browser/tab-peer.ts';
import { makeHook, type MeshkeeperHook } from '../../src/browser/test-hook.ts';
import { App } from './app.tsx';
import { followPeer } from './peer-store.ts';

declare global {
  interface Window {
    meshkeeper?: MeshkeeperHook;
    /** Set when the peer could not start (the page shows it too). */
    meshkeeperError?: string;
  }
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
const root = createRoot(container);

function showMessage(title: string, body: string): void {
  window.meshkeeperError = `${title}: ${body}`;
  root.render(
    <main style={{ fontFamily: 'system-ui, sans-serif', margin: 24 }}>
      <h1>{title}</h1>
      <p data-testid="error">{body}</p>
    </main>,
  );
}

function showChooser(config: TabConfig): void {
  const link = (id: number): string => {
    const url = new URL(location.href);
    url.searchParams.set('id', String(id));
    return url.toString();
  };
  root.render(
    <main style={{ fontFamily: 'system-ui, sans-serif', margin: 24 }}>
      <h1>meshkeeper: pick this tab’s peer id</h1>
      <p>
        Ensemble “{config.ensemble}”: voters {config.voters.join(', ')}; Node peers {config.nodePeers.join(', ') || 'none'}. Open each
        tab id once (a second tab with the same id is refused):
      </p>
      <ul>
        {tabIds(config).map((id) => (
          <li key={id}>
            <a href={link(id)}>peer {id}</a>
          </li>
        ))}
      </ul>
    </main>,
  );
}

async function run(): Promise<void> {
  let config: TabConfig;
  try {
    config = parseTabConfig(new URL(location.href));
  } catch (error) {
    if (error instanceof TabConfigError) return showMessage('bad URL', error.message);
    throw error;
  }
  if (config.id === undefined) return showChooser(config);
  document.title = `meshkeeper peer ${config.id}`;
  const tab = await startTabPeer(config);
  window.meshkeeper = makeHook(tab);
  // Closing the tab closes its links at once (peers notice without waiting for pings).
  addEventListener('pagehide', () => void tab.stop());
  const { store } = followPeer(tab);
  root.render(
    <StrictMode>
      <App store={store} ensemble={config.ensemble} />
    </StrictMode>,
  );
}

run().catch((error: unknown) => showMessage('the peer did not start', error instanceof Error ? error.message : String(error)));
