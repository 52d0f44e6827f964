// A simulated peer's durable store is the memory adapter's medium itself (src/storage/memory.ts),
// driven through its synchronous face: persist() for a completed write, persistTorn() for one a
// crash cut short, durable() to rebuild a peer. One implementation of the memory medium and its
// crash semantics, shared with the runtime's async MemoryStore; the simulator keeps its old name.

export { MemoryMedium as MemoryStore, persistUnits } from '../../src/storage/memory.ts';
