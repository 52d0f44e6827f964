// ZooKeeper's four-letter words, answered on the client port: a client that sends four ASCII letters
// instead of a packet gets a plain-text answer and the connection closes (ruok -> imok, srvr,
// stat, mntr, isro, conf, cons, envi). The figures are the admin endpoint's (admin-server.ts
// serverStats), written in ZooKeeper's text layouts so that scripts written for it still work.
// Any other word gets ZooKeeper's "not in the whitelist" answer.

import type { ClientGateway } from '../runtime/client-gateway.ts';
import { sessionIdToString } from '../core/sessions/session-id.ts';
import { serverStats, type AdminSource } from './admin-server.ts';

export const FOUR_LETTER_WORDS = ['ruok', 'srvr', 'stat', 'mntr', 'isro', 'conf', 'cons', 'envi'] as const;

export interface FourLetterSource extends AdminSource {
  readonly gateway: ClientGateway;
  readonly tickMs: number;
  readonly clientPort: number;
}

/** Whether the first four bytes of a connection spell a four-letter word (lowercase letters). */
export function isFourLetterWord(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  for (let i = 0; i < 4; i++) {
    const c = head[i]!;
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
}

const VERSION = 'meshkeeper 0.1.0 (ZooKeeper 3.9 wire protocol)';

export function answerFourLetterWord(word: string, source: FourLetterSource): string {
  const s = serverStats(source);
  const connections = source.gateway.connections();
  const received = connections.reduce((n, c) => n + c.received, 0);
  const sent = connections.reduce((n, c) => n + c.sent, 0);
  const outstanding = connections.reduce((n, c) => n + c.outstanding, 0);
  const mode = s['serving'] === true ? String(s['server_state']) : 'not serving';
  const srvr = [
    `Zookeeper version: ${VERSION}`,
    'Latency min/avg/max: 0/0.0/0',
    `Received: ${received}`,
    `Sent: ${sent}`,
    `Connections: ${connections.length}`,
    `Outstanding: ${outstanding}`,
    `Zxid: ${String(s['applied_zxid'])}`,
    `Mode: ${mode}`,
    `Node count: ${String(s['znode_count'] ?? 0)}`,
  ];
  const cons = connections.map((c) =>
    ` ${c.remote}[1](queued=${c.outstanding},recved=${c.received},sent=${c.sent}` +
    `${c.session === undefined ? '' : `,sid=${sessionIdToString(c.session)}`},to=${c.timeoutMs})`);
  switch (word) {
    case 'ruok':
      return source.peer.running ? 'imok' : '';
    case 'srvr':
      return `${srvr.join('\n')}\n`;
    case 'stat':
      return `${[srvr[0], 'Clients:', ...cons, '', ...srvr.slice(1)].join('\n')}\n`;
    case 'cons':
      return `${cons.join('\n')}\n\n`;
    case 'isro':
      return 'rw';
    case 'envi':
      return `Environment:\nzookeeper.version=${VERSION}\n`;
    case 'conf':
      return [
        `clientPort=${source.clientPort}`,
        `serverId=${String(s['id'])}`,
        `tickTime=${source.tickMs}`,
        `minSessionTimeout=${2 * source.tickMs}`,
        `maxSessionTimeout=${20 * source.tickMs}`,
        `ensemble=${source.ensemble}`,
        '',
      ].join('\n');
    case 'mntr':
      return mntr(s, connections.length, outstanding, received, sent);
    default:
      return `${word} is not executed because it is not in the whitelist.\n`;
  }
}

function mntr(s: Record<string, unknown>, connections: number, outstanding: number, received: number, sent: number): string {
  const peers = Array.isArray(s['peers']) ? s['peers'].length : 0;
  const lines: [string, unknown][] = [
    ['zk_version', VERSION],
    ['zk_server_state', s['server_state']],
    ['zk_znode_count', s['znode_count'] ?? 0],
    ['zk_num_alive_connections', connections],
    ['zk_outstanding_requests', outstanding],
    ['zk_packets_received', received],
    ['zk_packets_sent', sent],
    ['zk_global_sessions', s['sessions'] ?? 0],
    ['zk_peer_links', peers],
    ['zk_epoch', s['epoch']],
    ['zk_last_zxid', s['applied_zxid']],
  ];
  return lines.map(([k, v]) => `${k}\t${String(v)}`).join('\n') + '\n';
}
