// ZooKeeper wire protocol benchmark. Prints one JSON line per figure. Run with `npx tsx bench/wire.ts`
// (npm run bench:wire).
// - jute_reply_roundtrips_per_s: a getData reply (1 KiB of data) encoded by the server's codec and
//   decoded by the client's, in one process: the codec's cost per reply.
// - ws_sequential_writes_per_s: meshkeeper's Client over WebSocket to a 1-peer ensemble (memory
//   store, real clock), one setData at a time, each awaited: the round trip through ws, the gateway,
//   the peer's driver loop and back.
// - ws_pipelined_reads_per_s / tcp_pipelined_reads_per_s: BENCH_OPS getData calls issued at once,
//   over WebSocket (Client) and over the TCP client port (a WireLink over node:net): throughput when
//   the link is kept full.

import { connect } from 'node:net';
import { Client } from '../src/client/client.ts';
import { WireLink, type PacketChannel } from '../src/client/wire-link.ts';
import { nodeWebSocketOpener } from '../src/client/ws-opener-node.ts';
import { decodeServerPacket, encodeReplyPacket, OpCode } from '../src/codec/jute/index.ts';
import type { Stat } from '../src/core/tree/stat.ts';
import { asPeerId, asSessionId } from '../src/core/util/ids.ts';
import { createPrng } from '../src/core/util/prng.ts';
import type { Zxid } from '../src/core/zxid.ts';
import { realClock } from '../src/runtime/clock.ts';
import { LiveEnsemble } from '../test/wire/live-ensemble.ts';

const OPS = Number(process.env['BENCH_OPS'] ?? 5_000);

function figure(name: string, value: number, unit: string): void {
  console.log(JSON.stringify({ bench: 'wire', figure: name, value: Math.round(value), unit }));
}

function codec(): void {
  const stat: Stat = {
    czxid: 5 as Zxid, mzxid: 9 as Zxid, ctime: 1, mtime: 2, version: 3, cversion: 0, aversion: 0,
    ephemeralOwner: asSessionId(0), dataLength: 1024, numChildren: 0, pzxid: 5 as Zxid,
  };
  const reply = { type: 'getData' as const, data: new Uint8Array(1024), stat };
  const shape = { opcode: OpCode.getData };
  const n = OPS * 20;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const packet = decodeServerPacket(encodeReplyPacket(i, 9, shape, reply).subarray(4));
    if (packet.kind !== 'reply') throw new Error('not a reply');
    packet.body.read(shape);
  }
  figure('jute_reply_roundtrips_per_s', n / ((performance.now() - t0) / 1000), 'replies/s');
}

function tcpChannel(address: string): Promise<PacketChannel> {
  const at = address.lastIndexOf(':');
  const socket = connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)) });
  socket.setNoDelay(true);
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        send: (bytes) => socket.write(bytes),
        close: () => socket.destroy(),
        onData: (listener) => socket.on('data', listener),
        onClose: (listener) => socket.on('close', () => listener('closed')),
      }));
  });
}

async function main(): Promise<void> {
  codec();
  const e = new LiveEnsemble({ voters: 1, websocket: true });
  await e.startAll();
  await e.ready();
  const member = e.member(asPeerId(1));
  const client = await Client.connect({
    endpoints: [member.ws!.url], open: nodeWebSocketOpener(), clock: realClock(), prng: createPrng(1), sessionTimeoutMs: 4000,
  });
  try {
    const data = new Uint8Array(64);
    await client.create('/bench', data);
    let t0 = performance.now();
    for (let i = 0; i < OPS / 5; i++) await client.setData('/bench', data);
    figure('ws_sequential_writes_per_s', OPS / 5 / ((performance.now() - t0) / 1000), 'ops/s');

    t0 = performance.now();
    await Promise.all(Array.from({ length: OPS }, () => client.getData('/bench')));
    figure('ws_pipelined_reads_per_s', OPS / ((performance.now() - t0) / 1000), 'ops/s');

    const link = new WireLink(await tcpChannel(member.zk.address));
    const answer = await link.connect({ timeoutMs: 4000 });
    if (!answer.ok) throw new Error(`connect refused: ${answer.reason}`);
    t0 = performance.now();
    await Promise.all(Array.from({ length: OPS }, (_, i) => link.send(i + 1, { type: 'getData', path: '/bench', watch: false })));
    figure('tcp_pipelined_reads_per_s', OPS / ((performance.now() - t0) / 1000), 'ops/s');
    await link.closeSession(OPS + 1);
  } finally {
    await client.close();
    await e.stopAll();
  }
}

await main();
