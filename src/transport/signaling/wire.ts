// The signaling server's wire format: JSON text frames on one WebSocket per peer. A peer joins one
// room (its ensemble's name) under its id; the server tells it who is present and relays opaque
// bodies by peer id. The server never reads a body: offers, answers and candidates are sealed with the
// ensemble's key before they leave the peer (sealed-signals.ts). This file is shared by the client and
// the server, so it stays free of platform APIs.

import { limits } from '../../core/util/limits.ts';

export const SIGNAL_PATH = '/signal';

export type ClientFrame =
  | { readonly t: 'join'; readonly room: string; readonly id: number }
  | { readonly t: 'relay'; readonly to: number; readonly body: string };

export type ServerFrame =
  | { readonly t: 'joined'; readonly peers: readonly number[] }
  | { readonly t: 'refused'; readonly reason: string }
  | { readonly t: 'presence'; readonly id: number; readonly present: boolean }
  | { readonly t: 'relay'; readonly from: number; readonly body: string };

export const isPeerIdValue = (x: unknown): x is number =>
  typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= limits.peer_id_max;

/** Parses a client's frame, or says why it is not one (the server closes the socket with it). */
export function parseClientFrame(text: string): ClientFrame | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'a signaling frame is not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'a signaling frame is not an object';
  const f = value as Record<string, unknown>;
  if (f['t'] === 'join') {
    const room = f['room'];
    if (typeof room !== 'string' || room.length === 0 || new TextEncoder().encode(room).length > limits.ensemble_name_bytes_max) {
      return `a room name must have 1..${limits.ensemble_name_bytes_max} bytes`;
    }
    if (!isPeerIdValue(f['id'])) return `a peer id must be an integer in 1..${limits.peer_id_max}`;
    return { t: 'join', room, id: f['id'] };
  }
  if (f['t'] === 'relay') {
    if (!isPeerIdValue(f['to'])) return 'a relay names no valid peer id';
    if (typeof f['body'] !== 'string') return 'a relay has no body';
    return { t: 'relay', to: f['to'], body: f['body'] };
  }
  return 'unknown signaling frame type';
}

/** Parses the server's frame on the client; undefined for anything else (ignored). */
export function parseServerFrame(text: string): ServerFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const f = value as Record<string, unknown>;
  switch (f['t']) {
    case 'joined': {
      const peers = f['peers'];
      return Array.isArray(peers) && peers.every(isPeerIdValue) ? { t: 'joined', peers } : undefined;
    }
    case 'refused':
      return typeof f['reason'] === 'string' ? { t: 'refused', reason: f['reason'] } : undefined;
    case 'presence':
      return isPeerIdValue(f['id']) && typeof f['present'] === 'boolean' ? { t: 'presence', id: f['id'], present: f['present'] } : undefined;
    case 'relay':
      return isPeerIdValue(f['from']) && typeof f['body'] === 'string' ? { t: 'relay', from: f['from'], body: f['body'] } : undefined;
    default:
      return undefined;
  }
}
