// Assertions that stay on in production (TigerBeetle's habit): a failed assert is a bug in meshkeeper,
// never bad input. Input from outside is validated at the edge and answered with a KeeperError.

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Marks a branch the type system proves unreachable (exhaustive switches over unions). */
export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${JSON.stringify(value)}`);
}
