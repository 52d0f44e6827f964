// The one error family for bytes that cannot be decoded: a peer or a file handed us something
// malformed. Decoders throw it (never an assert), with the byte offset where reading failed.

export class CodecError extends Error {
  override readonly name = 'CodecError';
  constructor(
    detail: string,
    /** Byte offset in the input where the problem was found. */
    readonly offset: number,
  ) {
    super(`${detail} (at byte ${offset})`);
  }
}
