// A tiny interpreter for scenario scripts with golden output, in etcd-raft's datadriven style:
//
//   # a comment
//   command arg key=value
//   ----
//   expected output lines
//
// Blocks are separated by blank lines. `runScript` returns the file with each block's output
// replaced by what the commands printed now, so a test compares it with the file (and
// UPDATE_GOLDEN=1 rewrites it). Commands: peers, stabilize, run, tick, deliver, deliver-one, hold,
// release, partition, heal, crash, restart, write, read, status, log, queued, stats.

import { asPeerId, type PeerId } from '../../src/core/util/ids.ts';
import { registerData } from './register-machine.ts';
import { ScriptEnsemble, showZxid } from './script-ensemble.ts';

interface Command {
  readonly name: string;
  readonly args: readonly string[];
  readonly kv: ReadonlyMap<string, string>;
}

function parseCommand(line: string): Command {
  const [name = '', ...rest] = line.trim().split(/\s+/);
  const kv = new Map<string, string>();
  const args: string[] = [];
  for (const r of rest) {
    const eq = r.indexOf('=');
    if (eq > 0) kv.set(r.slice(0, eq), r.slice(eq + 1));
    else args.push(r);
  }
  return { name, args, kv };
}

const peerArg = (s: string | undefined): PeerId => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bad peer id ${s}`);
  return asPeerId(n);
};

class Interpreter {
  private ens: ScriptEnsemble | undefined;

  private get e(): ScriptEnsemble {
    if (this.ens === undefined) throw new Error('no ensemble: start with `peers`');
    return this.ens;
  }

  run(cmd: Command): string[] {
    const out: string[] = [];
    if (this.ens !== undefined) this.ens.output.length = 0;
    const num = (key: string, fallback: number): number => Number(cmd.kv.get(key) ?? fallback);
    switch (cmd.name) {
      case 'peers':
        this.ens = new ScriptEnsemble(num('voters', 3), num('observers', 0), num('snap-count', 1000));
        break;
      case 'stabilize':
        this.stabilize(num('ticks', 60));
        break;
      case 'run':
        for (let i = 0; i < num('ticks', 1); i++) {
          this.e.tick();
          this.e.deliverAll();
        }
        break;
      case 'tick':
        for (let i = 0; i < num('n', 1); i++) this.e.tick();
        break;
      case 'deliver': {
        const from = cmd.kv.get('from');
        const to = cmd.kv.get('to');
        this.e.deliverAll((f, t) => (from === undefined || f === Number(from)) && (to === undefined || t === Number(to)));
        break;
      }
      case 'deliver-one':
        this.e.deliverOne(peerArg(cmd.kv.get('from')), peerArg(cmd.kv.get('to')));
        break;
      case 'hold':
        this.e.hold(peerArg(cmd.kv.get('from')), peerArg(cmd.kv.get('to')));
        break;
      case 'release':
        this.e.release(peerArg(cmd.kv.get('from')), peerArg(cmd.kv.get('to')));
        break;
      case 'partition':
        this.e.partition(cmd.args.map((g) => g.split(',').map(peerArg)));
        break;
      case 'heal':
        this.e.heal();
        break;
      case 'crash':
        this.e.crash(peerArg(cmd.args[0]));
        break;
      case 'restart':
        this.e.restart(peerArg(cmd.args[0]));
        break;
      case 'write':
        this.e.submit(peerArg(cmd.args[0]), { type: 'setData', path: cmd.args[1] ?? '/a', data: registerData(cmd.args[2] ?? ''), version: -1 });
        break;
      case 'read':
        this.e.submit(peerArg(cmd.args[0]), { type: 'getData', path: cmd.args[1] ?? '/a', watch: false });
        break;
      case 'status':
        for (const id of this.e.ids) out.push(this.status(id));
        break;
      case 'log': {
        const core = this.e.core(peerArg(cmd.args[0]));
        out.push(core === undefined ? 'down' : `logged up to ${showZxid(core.lastLoggedZxid)}`);
        break;
      }
      case 'queued':
        out.push(...this.e.queued());
        break;
      case 'stats': {
        const core = this.e.core(peerArg(cmd.args[0]));
        if (core !== undefined) {
          for (const [k, v] of Object.entries(core.stats)) if (v !== 0 && cmd.args.slice(1).includes(k)) out.push(`${k}=${v}`);
        }
        break;
      }
      default:
        throw new Error(`unknown command ${cmd.name}`);
    }
    return [...(this.ens?.output ?? []), ...out];
  }

  private stabilize(maxTicks: number): void {
    const e = this.e;
    for (let i = 0; i <= maxTicks; i++) {
      e.deliverAll();
      const live = e.ids.map((id) => e.core(id)).filter((c) => c !== undefined);
      const settled = live.every((c) => c.serving && c.leader !== undefined && e.core(c.leader) !== undefined);
      if (settled && e.queued().length === 0) return;
      e.tick();
    }
  }

  private status(id: PeerId): string {
    const core = this.e.core(id);
    if (core === undefined) return `${id}: down`;
    const leader = core.leader === undefined || core.state === 'LEADING' ? '' : ` leader=${core.leader}`;
    return `${id}: ${core.state}${leader} accepted=${core.acceptedEpoch} current=${core.currentEpoch} ` +
      `logged=${showZxid(core.lastLoggedZxid)} applied=${showZxid(core.machine.lastZxid)}${core.serving ? '' : ' (not serving)'}`;
  }
}

/** Runs a script and returns its text with every block's output as produced now. */
export function runScript(text: string): string {
  const interp = new Interpreter();
  const lines = text.split('\n');
  const result: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || line.startsWith('#')) {
      result.push(line);
      i++;
      continue;
    }
    result.push(line, '----');
    i++;
    if (lines[i] !== '----') throw new Error(`line ${i + 1}: expected ---- after a command`);
    i++;
    while (i < lines.length && (lines[i] ?? '').trim() !== '') i++;
    const out = interp.run(parseCommand(line));
    result.push(...(out.length === 0 ? ['ok'] : out));
  }
  return result.join('\n');
}
