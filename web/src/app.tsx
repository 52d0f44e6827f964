// The minimal per-peer page: who this tab is, its role, epoch and zxids, its links and its leader.
// Thin and dumb: everything shown comes from the store (peer-store.ts). The full UI is a later step.

import type { StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { HookLink } from '../../src/browser/test-hook.ts';
import type { PeerView } from './peer-store.ts';

const cell = { padding: '2px 10px', textAlign: 'left' as const };

export function App({ store, ensemble }: { store: StoreApi<PeerView>; ensemble: string }) {
  const status = useStore(store, (s) => s.status);
  const late = useStore(store, (s) => s.timerLateMs);
  const roles = useStore(store, (s) => s.roles);
  const failure = useStore(store, (s) => s.failure);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', margin: 24 }}>
      <h1 data-testid="title">
        peer {status.id} <small>of ensemble “{ensemble}”</small>
      </h1>
      {failure !== undefined && <p style={{ color: 'crimson' }}>the peer stopped: {failure}</p>}
      <table>
        <tbody>
          <Row name="role" value={status.role} testId="role" />
          <Row name="leader" value={status.leader ?? '—'} testId="leader" />
          <Row name="serving" value={status.serving ? 'yes' : 'no'} testId="serving" />
          <Row name="epoch" value={status.epoch} testId="epoch" />
          <Row name="last logged zxid" value={status.lastLoggedZxid} testId="last-logged" />
          <Row name="committed zxid" value={status.committedZxid} testId="committed" />
          <Row name="applied zxid" value={status.appliedZxid} testId="applied" />
          <Row name="signaling" value={status.signaling.map((s) => s.state).join(' / ')} testId="signaling" />
          <Row name="main-thread timer" value={late > 100 ? `throttled (${late} ms late): ticks come from a Worker` : 'on time'} testId="throttle" />
        </tbody>
      </table>
      <h2>links</h2>
      <table>
        <thead>
          <tr>
            <th style={cell}>peer</th>
            <th style={cell}>state</th>
            <th style={cell}>generation</th>
            <th style={cell}>rtt</th>
            <th style={cell}>reason</th>
          </tr>
        </thead>
        <tbody>
          {status.links.map((l) => (
            <LinkRow key={l.peer} link={l} leader={status.leader} />
          ))}
        </tbody>
      </table>
      <h2>role changes</h2>
      <ol>
        {roles.map((r, i) => (
          <li key={i}>{r}</li>
        ))}
      </ol>
      <p style={{ color: 'gray' }}>
        Data in IndexedDB “{status.dbName}”. Console: <code>await meshkeeper.write('/x', 'hello')</code>,{' '}
        <code>await meshkeeper.read('/x')</code>, <code>meshkeeper.status()</code>.
      </p>
    </main>
  );
}

function Row({ name, value, testId }: { name: string; value: string | number; testId: string }) {
  return (
    <tr>
      <th style={cell}>{name}</th>
      <td style={cell} data-testid={testId}>
        {value}
      </td>
    </tr>
  );
}

function LinkRow({ link, leader }: { link: HookLink; leader: number | null }) {
  return (
    <tr style={{ color: link.state === 'up' ? 'inherit' : 'gray' }}>
      <td style={cell}>
        {link.peer}
        {link.peer === leader ? ' (leader)' : ''}
      </td>
      <td style={cell}>{link.state}</td>
      <td style={cell}>{link.generation}</td>
      <td style={cell}>{link.rttMs === null ? '—' : `${link.rttMs.toFixed(1)} ms`}</td>
      <td style={cell}>{link.reason ?? ''}</td>
    </tr>
  );
}
