// A tiny typed listener set: subscribe returns its unsubscribe; emit calls a snapshot of the handlers
// so one may unsubscribe while being called. A throwing handler does not stop the others.

export class Listeners<Args extends unknown[]> {
  private readonly handlers = new Set<(...args: Args) => void>();

  add(handler: (...args: Args) => void): () => void {
    this.handlers.add(handler);
    return () => {
      this.handlers.delete(handler);
    };
  }

  emit(...args: Args): void {
    for (const handler of [...this.handlers]) {
      try {
        handler(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
