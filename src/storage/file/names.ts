// File names in a store directory. Every log segment and snapshot carries a generation: one
// counter for the whole directory, so "newer" means "written later" even when a SNAP from the
// leader moves the zxid backwards. Names sort by generation (zero-padded decimal).
//   log.<gen>                 a log segment: framed txns
//   snapshot.<gen>.<zxid hex> a snapshot: framed header + framed state
//   epochs                    acceptedEpoch and currentEpoch
//   *.tmp                     a write not yet renamed into place (deleted on open)

import type { Zxid } from '../../core/zxid.ts';

export const EPOCHS_FILE = 'epochs';
export const TMP_SUFFIX = '.tmp';

const pad = (gen: number): string => gen.toString().padStart(10, '0');

export const segmentName = (gen: number): string => `log.${pad(gen)}`;
export const snapshotName = (gen: number, zxid: Zxid): string => `snapshot.${pad(gen)}.${zxid.toString(16).padStart(16, '0')}`;

const SEGMENT = /^log\.(\d{10})$/;
const SNAPSHOT = /^snapshot\.(\d{10})\.([0-9a-f]{16})$/;

export type ParsedName =
  | { readonly kind: 'segment'; readonly gen: number }
  | { readonly kind: 'snapshot'; readonly gen: number }
  | { readonly kind: 'epochs' }
  | { readonly kind: 'tmp' }
  | { readonly kind: 'other' };

export function parseName(name: string): ParsedName {
  if (name === EPOCHS_FILE) return { kind: 'epochs' };
  if (name.endsWith(TMP_SUFFIX)) return { kind: 'tmp' };
  const segment = SEGMENT.exec(name);
  if (segment !== null) return { kind: 'segment', gen: Number(segment[1]) };
  const snapshot = SNAPSHOT.exec(name);
  if (snapshot !== null) return { kind: 'snapshot', gen: Number(snapshot[1]) };
  return { kind: 'other' };
}
