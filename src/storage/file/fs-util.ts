// The few durable file operations the store is built from: an atomic replace (temp file, fsync,
// rename, fsync the directory) and a directory fsync, which makes creations, renames and
// deletions durable (POSIX keeps a file's name in its directory, not in the file). Also whole-file
// reads without a copy, and the native CRC-32 that recovery verifies big files with.

import { constants } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import type { Crc32Fn } from '../../codec/frame.ts';
import { TMP_SUFFIX } from './names.ts';

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `bytes` to `dir/name` so that a crash leaves either the old file or the whole new one. */
export async function writeFileAtomic(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dir, name + TMP_SUFFIX);
  const handle = await open(tmp, 'w');
  try {
    await handle.write(bytes, 0, bytes.length, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, join(dir, name));
  await syncDir(dir);
}

/** Deletes files (missing ones are fine), then makes the deletions durable. */
export async function unlinkAll(dir: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  for (const name of names) {
    await unlink(join(dir, name)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
  await syncDir(dir);
}

/** A file's bytes as a Uint8Array over the Buffer's own memory (no copy). */
export async function readBytes(path: string): Promise<Uint8Array> {
  const buffer = await readFile(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** zlib's native CRC-32 (Node >= 20.15), several times faster than the pure one on big snapshots. */
export const nativeCrc32: Crc32Fn | undefined =
  typeof zlib.crc32 === 'function' ? (bytes, previous) => zlib.crc32(bytes, previous) : undefined;

/**
 * O_DSYNC where a write opened with it is known to be durable on return: Node on Linux and macOS.
 * Not under Deno, whose node:fs maps numeric flags onto its own open options and would drop it
 * silently, nor on Windows (no such flag): there the log fsyncs after each write instead.
 */
export const DSYNC_FLAG: number | undefined =
  (globalThis as { Deno?: unknown }).Deno === undefined && typeof constants.O_DSYNC === 'number' && constants.O_DSYNC !== 0 &&
  (process.platform === 'linux' || process.platform === 'darwin')
    ? constants.O_DSYNC
    : undefined;

