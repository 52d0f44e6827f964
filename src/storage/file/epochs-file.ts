// The epochs file: acceptedEpoch and currentEpoch in one frame, replaced atomically as a whole.

import { ByteReader } from '../../codec/byte-reader.ts';
import { ByteWriter } from '../../codec/byte-writer.ts';
import { CodecError } from '../../codec/codec-error.ts';
import { frameRecord, readFrames } from '../../codec/frame.ts';
import { limits } from '../../core/util/limits.ts';
import type { DurableEpochs } from '../epoch-store.ts';

const MAGIC = 0x4d4b4550; // "MKEP"
const VERSION = 1;

export type Epochs = DurableEpochs;

export function encodeEpochs(epochs: Epochs): Uint8Array {
  const w = new ByteWriter(16);
  w.u32(MAGIC);
  w.u8(VERSION);
  w.u32(epochs.acceptedEpoch);
  w.u32(epochs.currentEpoch);
  return frameRecord(w.finish());
}

/** The epochs, or a reason the file cannot be read (it is written atomically: that is corruption). */
export function decodeEpochs(file: Uint8Array): Epochs | { invalid: string } {
  const scan = readFrames(file, 64);
  if (scan.problem !== undefined || scan.payloads.length !== 1) {
    return { invalid: scan.problem?.detail ?? `${scan.payloads.length} frames, expected 1` };
  }
  try {
    const r = new ByteReader(scan.payloads[0]!);
    if (r.u32('magic') !== MAGIC) return { invalid: 'not an epochs file (bad magic)' };
    const version = r.u8('version');
    if (version !== VERSION) return { invalid: `unknown epochs format version ${version}` };
    const acceptedEpoch = r.u32('acceptedEpoch');
    const currentEpoch = r.u32('currentEpoch');
    r.expectEnd('the epochs');
    if (acceptedEpoch > limits.epoch_max || currentEpoch > limits.epoch_max) return { invalid: 'epoch beyond epoch_max' };
    return { acceptedEpoch, currentEpoch };
  } catch (e) {
    if (e instanceof CodecError) return { invalid: e.message };
    throw e;
  }
}
