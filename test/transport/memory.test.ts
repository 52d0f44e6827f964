import { describe, expect, it } from 'vitest';
import type { PeerMessage } from '../../src/core/messages.ts';
import { asPeerId, type PeerId } from '../../src/core/util/ids.ts';
import type { Zxid } from '../../src/core/zxid.ts';
import { MemoryNetwork } from '../../src/transport/memory.ts';
import { runTransportConformance } from './conformance.ts';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

for (const codec of [true, false]) {
  runTransportConformance(`memory (codec ${codec ? 'on' : 'off'})`, async () => {
    const network = new MemoryNetwork({ codec });
    const transports = [1, 2, 3].map((id) => network.join(asPeerId(id)));
    await flush();
    return {
      transports,
      cut: async (a, b) => network.disconnect(a, b),
      restore: async (a, b) => network.connect(a, b),
      settle: flush,
      teardown: async () => {
        for (const t of transports) await t.close();
      },
    };
  });
}

describe('memory network', () => {
  const ack = (n: number): PeerMessage => ({ type: 'ack', zxid: n as Zxid });
  const p = (n: number): PeerId => asPeerId(n);

  it('an injected scheduler decides when messages arrive, in FIFO order', () => {
    const tasks: (() => void)[] = [];
    const network = new MemoryNetwork({ schedule: (t) => tasks.push(t) });
    const a = network.join(p(1));
    const b = network.join(p(2));
    const got: number[] = [];
    b.onMessage((_f, m) => got.push(m.type === 'ack' ? m.zxid : -1));
    a.send(p(2), ack(1));
    a.send(p(2), ack(2));
    expect(got).toEqual([]);
    expect(network.inFlight).toBe(tasks.length);
    while (tasks.length > 0) tasks.shift()?.();
    expect(got).toEqual([1, 2]);
    expect(network.inFlight).toBe(0);
  });

  it('partition cuts every link between groups and heal brings them back with new generations', async () => {
    const network = new MemoryNetwork();
    const [a, b, c] = [1, 2, 3].map((id) => network.join(p(id)));
    await flush();
    const gen = (t: typeof a, peer: number) => t?.links().find((l) => l.peer === p(peer));
    const before = gen(a, 3)?.generation ?? 0;
    network.partition([[p(1), p(2)], [p(3)]]);
    expect(gen(a, 2)?.state).toBe('up');
    expect(gen(a, 3)?.state).toBe('down');
    expect(gen(b, 3)?.state).toBe('down');
    expect(gen(c, 1)?.reason).toBe('partitioned');
    a?.send(p(3), ack(1));
    expect(network.stats.dropped).toBe(1);
    network.heal();
    expect(gen(c, 1)?.state).toBe('up');
    expect(gen(c, 1)?.generation).toBe(before + 1);
  });

  it('a peer that closes and joins again starts new generations on its links', async () => {
    const network = new MemoryNetwork();
    const a = network.join(p(1));
    const b = network.join(p(2));
    await flush();
    const first = b.links()[0]?.generation ?? 0;
    await a.close();
    const again = network.join(p(1));
    await flush();
    expect(b.links()[0]).toEqual({ peer: p(1), state: 'up', generation: first + 1 });
    expect(again.links()[0]).toEqual({ peer: p(2), state: 'up', generation: first + 1 });
  });
});
