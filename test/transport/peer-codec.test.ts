import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePeerMessage, encodePeerMessage, PEER_FORMAT_VERSION } from '../../src/codec/peer-codec.ts';
import { CodecError } from '../../src/codec/codec-error.ts';
import type { PeerMessage } from '../../src/core/messages.ts';
import { peerMessageArb, peerMessageArbs } from './peer-arbitrary.ts';

/** Decoding must either succeed or throw a CodecError: nothing else escapes. */
function decodeOrCodecError(bytes: Uint8Array): PeerMessage | CodecError {
  try {
    return decodePeerMessage(bytes);
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
}

describe('peer codec', () => {
  for (const [type, arb] of Object.entries(peerMessageArbs)) {
    it(`a ${type} message survives encode and decode unchanged`, () => {
      fc.assert(
        fc.property(arb as fc.Arbitrary<PeerMessage>, (message) => {
          expect(decodePeerMessage(encodePeerMessage(message))).toEqual(message);
        }),
        { numRuns: 100 },
      );
    });
  }

  it('the same message always encodes to the same bytes', () => {
    fc.assert(fc.property(peerMessageArb, (m) => {
      expect(encodePeerMessage(m)).toEqual(encodePeerMessage(decodePeerMessage(encodePeerMessage(m))));
    }));
  });

  it('every truncation of a valid message is refused with a CodecError', () => {
    fc.assert(
      fc.property(peerMessageArb, fc.nat(), (m, cut) => {
        const bytes = encodePeerMessage(m);
        const short = bytes.subarray(0, cut % bytes.length);
        expect(decodeOrCodecError(short)).toBeInstanceOf(CodecError);
      }),
      { numRuns: 300 },
    );
  });

  it('trailing bytes after a valid message are refused', () => {
    fc.assert(fc.property(peerMessageArb, fc.uint8Array({ minLength: 1, maxLength: 8 }), (m, extra) => {
      const bytes = encodePeerMessage(m);
      const longer = new Uint8Array(bytes.length + extra.length);
      longer.set(bytes);
      longer.set(extra, bytes.length);
      expect(decodeOrCodecError(longer)).toBeInstanceOf(CodecError);
    }));
  });

  it('random garbage and flipped bytes never escape as anything but a CodecError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => void decodeOrCodecError(bytes)), { numRuns: 1000 });
    fc.assert(
      fc.property(peerMessageArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (m, at, xor) => {
        const bytes = encodePeerMessage(m);
        const i = at % bytes.length;
        bytes[i] = (bytes[i] ?? 0) ^ xor;
        decodeOrCodecError(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it('an unknown version, an unknown tag and out-of-range fields are refused', () => {
    const ack = encodePeerMessage({ type: 'ack', zxid: 5 as never });
    expect(decodeOrCodecError(Uint8Array.of(PEER_FORMAT_VERSION + 1, ...ack.subarray(1)))).toBeInstanceOf(CodecError);
    expect(decodeOrCodecError(Uint8Array.of(PEER_FORMAT_VERSION, 200))).toBeInstanceOf(CodecError);
    const negative = Uint8Array.of(PEER_FORMAT_VERSION, ack[1] ?? 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    expect(decodeOrCodecError(negative)).toBeInstanceOf(CodecError);
    const vote = encodePeerMessage({ type: 'notification', leader: 1 as never, zxid: 0 as never, peerEpoch: 0, electionEpoch: 1, state: 'LOOKING' });
    const badLeader = vote.slice();
    badLeader[2] = 0;
    expect(decodeOrCodecError(badLeader)).toBeInstanceOf(CodecError);
    const badState = vote.slice();
    badState[badState.length - 1] = 9;
    expect(decodeOrCodecError(badState)).toBeInstanceOf(CodecError);
  });

  it('a txn count larger than the bytes could hold is refused before allocating', () => {
    const diff = encodePeerMessage({ type: 'diff', txns: [] });
    diff.set([0xff, 0xff, 0xff, 0xff], 2);
    const e = decodeOrCodecError(diff);
    expect(e).toBeInstanceOf(CodecError);
    expect((e as CodecError).message).toMatch(/txn count/);
  });
});
