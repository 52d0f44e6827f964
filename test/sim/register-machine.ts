// A small replicated state machine for the simulator and protocol tests: registers keyed by path.
// setData writes a register (creating it), create fails with NODEEXISTS on an existing one (checked
// on the leader against proposed-but-unapplied changes, as prep does), getData reads. Deterministic
// and snapshot-able, so the protocol can be exercised before, and independently of, the DataTree.

import { Code } from '../../src/core/errors.ts';
import type { Reply } from '../../src/core/requests/reply.ts';
import type { Request, WriteRequest } from '../../src/core/requests/request.ts';
import type { Txn, TxnBody, TxnHeader } from '../../src/core/requests/txn.ts';
import type { Stat } from '../../src/core/tree/stat.ts';
import { NO_SESSION, type SessionId } from '../../src/core/util/ids.ts';
import type { ApplyResult, StateMachine, StateMachineFactory } from '../../src/core/zab/machine.ts';
import { ZXID_ZERO, type Zxid } from '../../src/core/zxid.ts';

interface Register {
  readonly data: string;
  readonly version: number;
  readonly mzxid: Zxid;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const createRegisterMachine: StateMachineFactory = (snapshot) => {
  const registers = new Map<string, Register>();
  let lastZxid: Zxid = ZXID_ZERO;
  /** Leader only: paths created by proposals not yet applied. */
  const pendingCreates = new Set<string>();
  if (snapshot !== undefined) {
    const parsed = JSON.parse(decoder.decode(snapshot.bytes)) as { zxid: number; registers: [string, Register][] };
    for (const [path, reg] of parsed.registers) registers.set(path, reg);
    lastZxid = parsed.zxid as Zxid;
  }
  const stat = (reg: Register): Stat => ({
    czxid: reg.mzxid, mzxid: reg.mzxid, ctime: 0, mtime: 0, version: reg.version, cversion: 0, aversion: 0,
    ephemeralOwner: NO_SESSION, dataLength: reg.data.length, numChildren: 0, pzxid: reg.mzxid,
  });

  const machine: StateMachine = {
    get lastZxid() {
      return lastZxid;
    },
    apply(txn: Txn): ApplyResult {
      lastZxid = txn.header.zxid;
      const body = txn.body;
      if (body.type === 'create') pendingCreates.delete(body.path);
      if (body.type === 'create' || body.type === 'setData') {
        const prev = registers.get(body.path);
        const reg = { data: decoder.decode(body.data), version: (prev?.version ?? -1) + 1, mzxid: txn.header.zxid };
        registers.set(body.path, reg);
        const reply: Reply = body.type === 'create' ? { type: 'create', path: body.path, stat: stat(reg) } : { type: 'setData', stat: stat(reg) };
        return { reply, deliveries: [] };
      }
      if (body.type === 'error') return { reply: { type: 'error', code: body.code }, deliveries: [] };
      return { reply: { type: 'error', code: Code.UNIMPLEMENTED }, deliveries: [] };
    },
    prep(_header: TxnHeader, request: WriteRequest): TxnBody {
      if (request.type === 'setData') return { type: 'setData', path: request.path, data: request.data, version: 0 };
      if (request.type === 'create') {
        if (registers.has(request.path) || pendingCreates.has(request.path)) return { type: 'error', code: Code.NODEEXISTS };
        pendingCreates.add(request.path);
        return { type: 'create', path: request.path, data: request.data, acl: request.acl, mode: request.mode, ttl: 0, parentCversion: 0 };
      }
      return { type: 'error', code: Code.UNIMPLEMENTED };
    },
    record() {},
    clearPending() {
      pendingCreates.clear();
    },
    read(_session: SessionId, request: Request): Reply {
      if (request.type !== 'getData') return { type: 'error', code: Code.UNIMPLEMENTED };
      const reg = registers.get(request.path);
      if (reg === undefined) return { type: 'error', code: Code.NONODE };
      return { type: 'getData', data: encoder.encode(reg.data), stat: stat(reg) };
    },
    digest(): string {
      let h = 0x811c9dc5;
      const text = JSON.stringify([...registers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
      return h.toString(16);
    },
    serialize(): Uint8Array {
      return encoder.encode(JSON.stringify({ zxid: lastZxid, registers: [...registers.entries()] }));
    },
  };
  return machine;
};

export const registerValue = (data: Uint8Array): string => decoder.decode(data);
export const registerData = (value: string): Uint8Array => encoder.encode(value);
