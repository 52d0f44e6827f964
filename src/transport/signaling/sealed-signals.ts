// Seals signaling bodies with AES-GCM under the ensemble's signal key (keys.ts). The additional data
// binds a body to its ensemble, sender and receiver, so a relay cannot redirect or replay it to
// another pair. Body text: "s:" + base64(iv | ciphertext) for a sealed payload, "r:" + reason for a
// plain refusal. Sealing and opening are async; the Sealer keeps them in order per direction.

import type { PeerId } from '../../core/util/ids.ts';
import type { InboundSignal, SignalPayload } from './signaling.ts';

const IV_BYTES = 12;

export class Sealer {
  private outbound: Promise<unknown> = Promise.resolve();
  private inbound: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly key: CryptoKey,
    private readonly ensemble: string,
  ) {}

  /** Seals in call order: the n-th call's body is handed to `deliver` before the (n+1)-th's. */
  seal(from: PeerId, to: PeerId, payload: SignalPayload, deliver: (body: string) => void): void {
    const sealed = this.sealNow(from, to, payload);
    this.outbound = this.outbound.then(() => sealed).then(deliver, () => undefined);
  }

  /** Opens in call order; a body that does not open becomes a 'garbled' signal. */
  open(from: PeerId, to: PeerId, body: string, deliver: (signal: InboundSignal) => void): void {
    const opened = this.openNow(from, to, body);
    this.inbound = this.inbound.then(() => opened).then(deliver, () => undefined);
  }

  private async sealNow(from: PeerId, to: PeerId, payload: SignalPayload): Promise<string> {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const plain = new TextEncoder().encode(JSON.stringify(payload));
    const cipher = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: this.aad(from, to) }, this.key, plain);
    const out = new Uint8Array(IV_BYTES + cipher.byteLength);
    out.set(iv, 0);
    out.set(new Uint8Array(cipher), IV_BYTES);
    return `s:${toBase64(out)}`;
  }

  private async openNow(from: PeerId, to: PeerId, body: string): Promise<InboundSignal> {
    if (body.startsWith('r:')) return { kind: 'refuse', from, reason: body.slice(2, 1026) };
    const garbled = (reason: string): InboundSignal => ({ kind: 'garbled', from, reason });
    if (!body.startsWith('s:')) return garbled(`peer ${from} sent an unknown signaling body`);
    try {
      const bytes = fromBase64(body.slice(2));
      const plain = await globalThis.crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: this.aad(from, to) },
        this.key,
        bytes.subarray(IV_BYTES),
      );
      const payload = JSON.parse(new TextDecoder().decode(plain)) as unknown;
      if (!isPayload(payload)) return garbled(`peer ${from} sent a malformed signaling payload`);
      return { kind: 'signal', from, payload };
    } catch {
      return garbled(`signaling from peer ${from} did not decrypt (wrong ensemble secret?)`);
    }
  }

  private aad(from: PeerId, to: PeerId): Uint8Array<ArrayBuffer> {
    return new TextEncoder().encode(`meshkeeper/signal/${this.ensemble}/${from}->${to}`);
  }
}

export const refusalBody = (reason: string): string => `r:${reason.slice(0, 1024)}`;

function isPayload(x: unknown): x is SignalPayload {
  return typeof x === 'object' && x !== null && typeof (x as { attempt?: unknown }).attempt === 'string' && 'data' in x;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
