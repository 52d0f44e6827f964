import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_BYTES, frameEach, frameRecord, frameRecords, pureCrc32, readFrames } from '../../src/codec/frame.ts';

const payloads = [Uint8Array.of(1, 2, 3), new Uint8Array(0), Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)];
const framed = frameRecords(payloads);

describe('record framing', () => {
  it('reads back every framed payload with its offset, and a batch frames like its records one by one', () => {
    const scan = readFrames(framed);
    expect(scan.payloads).toEqual(payloads);
    expect(scan.offsets).toEqual([0, 11, 19]);
    expect(scan.validEnd).toBe(framed.length);
    expect(scan.problem).toBeUndefined();
    const oneByOne = payloads.map(frameRecord);
    expect(Uint8Array.from(oneByOne.flatMap((b) => [...b]))).toEqual(framed);
  });

  it('calls any cut inside the last frame a torn tail, and cuts back to the end of the frame before', () => {
    const lastStart = 19;
    for (let cut = lastStart + 1; cut < framed.length; cut++) {
      const scan = readFrames(framed.subarray(0, cut));
      expect(scan.payloads).toHaveLength(2);
      expect(scan.validEnd).toBe(lastStart);
      expect(scan.problem?.kind).toBe('torn');
    }
  });

  it('calls a bad CRC in the very last frame torn, and one before it corruption naming the offset', () => {
    const lastDamaged = framed.slice();
    lastDamaged[framed.length - 1] = lastDamaged[framed.length - 1]! ^ 0xff;
    expect(readFrames(lastDamaged).problem).toMatchObject({ kind: 'torn', offset: 19 });
    const middleDamaged = framed.slice();
    middleDamaged[FRAME_HEADER_BYTES + 1] = middleDamaged[FRAME_HEADER_BYTES + 1]! ^ 0x01;
    const scan = readFrames(middleDamaged);
    expect(scan.problem).toMatchObject({ kind: 'corrupt', offset: 0 });
    expect(scan.payloads).toHaveLength(0);
  });

  it('calls an impossible length corruption, but zeros to the end (unwritten space) a torn tail', () => {
    const hugeLength = framed.slice();
    hugeLength[11] = 0xff;
    expect(readFrames(hugeLength).problem).toMatchObject({ kind: 'corrupt', offset: 11 });
    const zeros = new Uint8Array(framed.length + 4096);
    zeros.set(framed);
    const scan = readFrames(zeros);
    expect(scan.payloads).toHaveLength(3);
    expect(scan.problem).toMatchObject({ kind: 'torn', offset: framed.length });
  });

  it('never reports a damaged frame as good: any single flipped byte stops the scan at or before it', () => {
    fc.assert(
      fc.property(fc.nat({ max: framed.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, flip) => {
        const bytes = framed.slice();
        bytes[i] = bytes[i]! ^ flip;
        const scan = readFrames(bytes);
        expect(scan.problem).toBeDefined();
        expect(scan.validEnd).toBeLessThanOrEqual(i);
      }),
      { numRuns: 500 },
    );
  });
});

describe('record framing with a pluggable CRC', () => {
  it('gives the same verdicts with a zlib-style CRC function as with the built-in one', () => {
    const damaged = framed.slice();
    damaged[FRAME_HEADER_BYTES + 1] = damaged[FRAME_HEADER_BYTES + 1]! ^ 0x01;
    for (const bytes of [framed, damaged, framed.subarray(0, framed.length - 2)]) {
      expect(readFrames(bytes, undefined, pureCrc32)).toEqual(readFrames(bytes));
    }
  });
});

describe('framing a batch in place', () => {
  it('frames items encoded straight into one buffer exactly as frameRecords frames their bytes', () => {
    const { bytes, offsets } = frameEach(payloads, (w, p) => w.raw(p));
    expect(bytes).toEqual(framed);
    expect(offsets).toEqual(readFrames(framed).offsets);
  });
});
