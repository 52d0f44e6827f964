// Runs `fn` once the current turn of the event loop is over: after its I/O callbacks where there is
// setImmediate (Node, Deno), else as a microtask (browsers). Batching writers flush here, so what
// one turn wrote leaves as one send.

export const endOfTurn: (fn: () => void) => void =
  typeof globalThis.setImmediate === 'function' ? (fn) => void globalThis.setImmediate(fn) : (fn) => queueMicrotask(fn);
