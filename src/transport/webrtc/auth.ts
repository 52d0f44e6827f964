// Peer authentication on a fresh data channel, before any ZAB message: an HMAC challenge-response that
// proves both ends hold the ensemble secret without sending it. Each side sends HELLO{from, to, nonce};
// on the other's HELLO it answers PROOF = HMAC(auth key, label | from | to | theirNonce | myNonce); on
// a PROOF that verifies it sends ACCEPT. The link is up once this side verified the peer and the peer
// accepted this side. Anything else (a wrong id, a bad proof, data first) ends in a failure whose reason
// both sides report: the failing side also sends REFUSE so the other learns why.
// The nonces bind each proof to this connection, so a recorded proof is useless on another.

import { AUTH_VERSION, encodeControl, NONCE_BYTES, type Frame } from './framing.ts';

export type HandshakeStep =
  | { readonly kind: 'continue'; readonly send: readonly Uint8Array[] }
  | { readonly kind: 'up'; readonly send: readonly Uint8Array[] }
  | { readonly kind: 'failed'; readonly reason: string; readonly send: readonly Uint8Array[] };

export interface HandshakeOptions {
  readonly self: number;
  readonly peer: number;
  readonly key: CryptoKey;
  /** NONCE_BYTES of fresh randomness (crypto.getRandomValues in production). */
  readonly nonce: Uint8Array;
}

const LABEL = new TextEncoder().encode('meshkeeper/auth/v1');

export class Handshake {
  private peerNonce: Uint8Array | undefined;
  private verified = false;
  private accepted = false;
  private done = false;

  constructor(private readonly options: HandshakeOptions) {}

  hello(): Uint8Array {
    const { self, peer, nonce } = this.options;
    return encodeControl({ kind: 'hello', version: AUTH_VERSION, from: self, to: peer, nonce });
  }

  /** Feeds one frame from the peer; frames must be fed one at a time, in order (await each). */
  async step(frame: Frame): Promise<HandshakeStep> {
    if (this.done) return { kind: 'failed', reason: 'handshake already finished', send: [] };
    const { self, peer } = this.options;
    switch (frame.kind) {
      case 'hello': {
        if (frame.version !== AUTH_VERSION) return this.fail(`peer ${peer} speaks auth version ${frame.version}, not ${AUTH_VERSION}`);
        if (frame.from !== peer) return this.fail(`expected peer ${peer}, but the channel claims id ${frame.from}`);
        if (frame.to !== self) return this.fail(`peer ${peer} meant to reach id ${frame.to}, not ${self}`);
        if (this.peerNonce !== undefined) return this.fail(`peer ${peer} sent a second hello`);
        this.peerNonce = frame.nonce;
        const mac = await this.mac(self, peer, frame.nonce, this.options.nonce);
        return { kind: 'continue', send: [encodeControl({ kind: 'proof', mac })] };
      }
      case 'proof': {
        if (this.peerNonce === undefined) return this.fail(`peer ${peer} sent a proof before its hello`);
        const data = proofInput(peer, self, this.options.nonce, this.peerNonce);
        const ok = await globalThis.crypto.subtle.verify('HMAC', this.options.key, frame.mac as Uint8Array<ArrayBuffer>, data);
        if (!ok) return this.fail(`peer ${peer} did not prove the ensemble secret (wrong secret)`);
        this.verified = true;
        return this.progress([encodeControl({ kind: 'accept' })]);
      }
      case 'accept':
        this.accepted = true;
        return this.progress([]);
      case 'refuse':
        this.done = true;
        return { kind: 'failed', reason: `refused by peer ${peer}: ${frame.reason}`, send: [] };
      case 'data':
      case 'batch':
      case 'ping':
      case 'pong':
        return this.fail(`peer ${peer} sent ${frame.kind} before authenticating`);
    }
  }

  private progress(send: Uint8Array[]): HandshakeStep {
    if (!(this.verified && this.accepted)) return { kind: 'continue', send };
    this.done = true;
    return { kind: 'up', send };
  }

  private fail(reason: string): HandshakeStep {
    this.done = true;
    return { kind: 'failed', reason, send: [encodeControl({ kind: 'refuse', reason })] };
  }

  private async mac(from: number, to: number, theirNonce: Uint8Array, myNonce: Uint8Array): Promise<Uint8Array> {
    const sig = await globalThis.crypto.subtle.sign('HMAC', this.options.key, proofInput(from, to, theirNonce, myNonce));
    return new Uint8Array(sig);
  }
}

/** The bytes a proof signs: who proves, to whom, the challenger's nonce, then the prover's. */
function proofInput(from: number, to: number, challenge: Uint8Array, own: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(LABEL.length + 2 + 2 * NONCE_BYTES);
  out.set(LABEL, 0);
  out[LABEL.length] = from;
  out[LABEL.length + 1] = to;
  out.set(challenge, LABEL.length + 2);
  out.set(own, LABEL.length + 2 + NONCE_BYTES);
  return out;
}
