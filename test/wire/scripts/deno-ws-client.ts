// Run by Deno (deno run -A): meshkeeper's Client in a runtime with the standard global WebSocket,
// as a page has it, through webSocketOpener() with no constructor passed. Prints one JSON line.

import { Client } from '../../../src/client/client.ts';
import { webSocketOpener } from '../../../src/client/ws-opener.ts';
import { createPrng } from '../../../src/core/util/prng.ts';
import { realClock } from '../../../src/runtime/clock.ts';

declare const Deno: { readonly args: readonly string[] };

const client = await Client.connect({
  endpoints: [Deno.args[0] ?? ''], open: webSocketOpener(), clock: realClock(), prng: createPrng(1), sessionTimeoutMs: 4000,
});
const events: string[] = [];
await client.create('/deno', new TextEncoder().encode('hi'));
const { data } = await client.getData('/deno', { watch: (event) => events.push(`${event.type} ${event.path}`) });
await client.setData('/deno', new TextEncoder().encode('ho'));
console.log(JSON.stringify({ data: new TextDecoder().decode(data), events }));
await client.close();
