// Reads applied in the order they were issued. A peer answers one client's requests in order
// (FIFO), and each answer shows state at least as new as the one before; but the continuations of
// different Client methods do not resume in a fixed microtask order. The caches therefore issue a
// read at once (pipelined, one round trip for many) and apply its result only after every earlier
// read's result has been applied, so the view they build only ever moves forward in zxid order.

export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export class OrderedReads {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private idleWaiters: (() => void)[] = [];

  /** @param onApplyError called when an apply callback throws (a bug in the caller, reported). */
  constructor(private readonly onApplyError: (e: unknown) => void) {}

  /** Reads not yet applied. */
  get size(): number {
    return this.pending;
  }

  /** Starts `read` now; `apply` runs with its outcome after every earlier read's apply. */
  push<T>(read: Promise<T>, apply: (outcome: Settled<T>) => void): void {
    const settled = read.then(
      (value): Settled<T> => ({ ok: true, value }),
      (error: unknown): Settled<T> => ({ ok: false, error }),
    );
    this.pending++;
    this.tail = this.tail
      .then(() => settled)
      .then((outcome) => {
        try {
          apply(outcome);
        } catch (e) {
          this.onApplyError(e);
        }
      })
      .finally(() => {
        this.pending--;
        if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
  }

  /** Resolves when every read pushed so far, and every read those pushed in turn, is applied. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
