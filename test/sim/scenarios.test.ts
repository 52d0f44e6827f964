// Every test/scenarios/*.txt script must print exactly its golden output.
// UPDATE_GOLDEN=1 npx vitest run test/sim/scenarios.test.ts rewrites the files from the current code.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScript } from './script.ts';

const dir = new URL('../scenarios/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

describe('scenario scripts', () => {
  it.each(files)('%s prints its golden output', (file) => {
    const url = new URL(file, dir);
    const text = readFileSync(url, 'utf8');
    const actual = runScript(text);
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(url, actual);
    else expect(actual).toBe(text);
  });
});
