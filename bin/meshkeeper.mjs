#!/usr/bin/env node
// The `meshkeeper` command: runs src/server/cli.ts through tsx's ESM API in this same process (no
// wrapper process, so a signal to this PID reaches the peer itself) and exits with its code.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/server/cli.ts', import.meta.url);
process.exit(await main(process.argv.slice(2)));
