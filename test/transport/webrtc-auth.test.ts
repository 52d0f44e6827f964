import { describe, expect, it } from 'vitest';
import { Handshake, type HandshakeStep } from '../../src/transport/webrtc/auth.ts';
import { decodeFrame, encodeControl } from '../../src/transport/webrtc/framing.ts';
import { deriveEnsembleKeys } from '../../src/transport/webrtc/keys.ts';

const nonce = (seed: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (seed * 17 + i) & 0xff);

/** Runs two handshakes against each other, delivering frames in order, until both finish. */
async function run(a: Handshake, b: Handshake): Promise<[HandshakeStep, HandshakeStep]> {
  const inbox: [Uint8Array[], Uint8Array[]] = [[b.hello()], [a.hello()]];
  const sides = [a, b] as const;
  const result: (HandshakeStep | undefined)[] = [undefined, undefined];
  for (let round = 0; round < 20 && inbox.some((q) => q.length > 0); round++) {
    for (const i of [0, 1] as const) {
      const bytes = inbox[i].shift();
      if (bytes === undefined || result[i]?.kind === 'failed' || result[i]?.kind === 'up') continue;
      const frame = decodeFrame(bytes);
      if (frame.kind === 'error') throw new Error(frame.reason);
      const step = await sides[i].step(frame);
      inbox[i === 0 ? 1 : 0].push(...step.send);
      if (step.kind !== 'continue') result[i] = step;
    }
  }
  return [result[0] ?? { kind: 'continue', send: [] }, result[1] ?? { kind: 'continue', send: [] }];
}

describe('peer authentication (HMAC challenge-response)', () => {
  it('two peers holding the same secret both come up', async () => {
    const keys = await deriveEnsembleKeys('s3cret', 'demo');
    const [a, b] = await run(
      new Handshake({ self: 1, peer: 2, key: keys.auth, nonce: nonce(1) }),
      new Handshake({ self: 2, peer: 1, key: keys.auth, nonce: nonce(2) }),
    );
    expect(a.kind).toBe('up');
    expect(b.kind).toBe('up');
  });

  it('a wrong secret is refused on both sides with a reason naming the peer', async () => {
    const good = await deriveEnsembleKeys('s3cret', 'demo');
    const bad = await deriveEnsembleKeys('guess', 'demo');
    const [a, b] = await run(
      new Handshake({ self: 1, peer: 2, key: good.auth, nonce: nonce(1) }),
      new Handshake({ self: 2, peer: 1, key: bad.auth, nonce: nonce(2) }),
    );
    expect(a).toMatchObject({ kind: 'failed', reason: 'peer 2 did not prove the ensemble secret (wrong secret)' });
    expect(b).toMatchObject({ kind: 'failed', reason: 'peer 1 did not prove the ensemble secret (wrong secret)' });
  });

  it('the same secret under another ensemble name does not authenticate', async () => {
    const one = await deriveEnsembleKeys('s3cret', 'demo');
    const other = await deriveEnsembleKeys('s3cret', 'prod');
    const [a] = await run(
      new Handshake({ self: 1, peer: 2, key: one.auth, nonce: nonce(1) }),
      new Handshake({ self: 2, peer: 1, key: other.auth, nonce: nonce(2) }),
    );
    expect(a.kind).toBe('failed');
  });

  it('a channel claiming another id is refused, and the refusal reaches the other side', async () => {
    const keys = await deriveEnsembleKeys('s3cret', 'demo');
    const a = new Handshake({ self: 1, peer: 2, key: keys.auth, nonce: nonce(1) });
    const impostor = new Handshake({ self: 3, peer: 1, key: keys.auth, nonce: nonce(3) });
    const step = await a.step(decodeFrame(impostor.hello()) as never);
    expect(step).toMatchObject({ kind: 'failed', reason: 'expected peer 2, but the channel claims id 3' });
    const told = await impostor.step(decodeFrame(step.send[0] as Uint8Array) as never);
    expect(told).toMatchObject({ kind: 'failed', reason: 'refused by peer 1: expected peer 2, but the channel claims id 3' });
  });

  it('data before authentication fails the handshake', async () => {
    const keys = await deriveEnsembleKeys('s3cret', 'demo');
    const a = new Handshake({ self: 1, peer: 2, key: keys.auth, nonce: nonce(1) });
    const step = await a.step(decodeFrame(encodeControl({ kind: 'ping', stamp: 1 })) as never);
    expect(step).toMatchObject({ kind: 'failed', reason: 'peer 2 sent ping before authenticating' });
  });
});
