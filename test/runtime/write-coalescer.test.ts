import { describe, expect, it } from 'vitest';
import { WriteCoalescer } from '../../src/runtime/write-coalescer.ts';
import { PacketSplitter } from '../../src/codec/jute/frames.ts';

const packet = (n: number, fill: number): Uint8Array => {
  const out = new Uint8Array(4 + n).fill(fill);
  new DataView(out.buffer).setInt32(0, n);
  return out;
};
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('write coalescer', () => {
  it('packets written in one turn leave as one send, in order, and split back whole', async () => {
    const sends: Uint8Array[] = [];
    const c = new WriteCoalescer((b) => sends.push(b));
    const written = [packet(3, 1), packet(0, 0), packet(200, 2), packet(1, 3)];
    for (const p of written) c.write(p);
    expect(sends).toEqual([]);
    await nextTurn();
    expect(sends).toHaveLength(1);
    const got = new PacketSplitter().push(sends[0]!);
    expect(got.map((p) => [...p])).toEqual(written.map((p) => [...p.subarray(4)]));
  });

  it('a send never passes the bound unless one packet alone is bigger, which goes alone', async () => {
    const sends: Uint8Array[] = [];
    const c = new WriteCoalescer((b) => sends.push(b), 100);
    for (let i = 0; i < 10; i++) c.write(packet(26, i)); // 30 bytes each
    c.write(packet(500, 99));
    c.write(packet(6, 7));
    await nextTurn();
    expect(sends.map((s) => s.length)).toEqual([90, 90, 90, 30, 504, 10]);
    const all = new PacketSplitter();
    const got = sends.flatMap((s) => all.push(s));
    expect(got.map((p) => p.length)).toEqual([...Array(10).fill(26), 500, 6]);
  });

  it('flush sends at once (before a close); discard drops what is held', async () => {
    const sends: Uint8Array[] = [];
    const c = new WriteCoalescer((b) => sends.push(b));
    c.write(packet(1, 1));
    c.flush();
    expect(sends).toHaveLength(1);
    c.write(packet(1, 2));
    c.discard();
    await nextTurn();
    expect(sends).toHaveLength(1);
  });
});
