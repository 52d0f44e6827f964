// Runs a Python 3 script (the Debian python3, where python3-kazoo lives) with a deadline.

import { spawn } from 'node:child_process';

/** Resolves with the script's stdout; rejects with its stderr when it fails or outlives `ms`. */
export function runPython(script: string, args: readonly string[], ms = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`python3 exited ${code ?? signal}: ${stderr.slice(-4000)}`));
    });
  });
}
