// ZooKeeper's Transaction builder: ops collected in order, committed as one multi (all or nothing).

import type { Acl } from '../core/acl/types.ts';
import { OPEN_ACL_UNSAFE } from '../core/acl/types.ts';
import type { MultiOpResult } from '../core/requests/reply.ts';
import type { MultiOp } from '../core/requests/request.ts';
import { CreateMode } from '../core/tree/create-mode.ts';

export interface CreateOptions {
  readonly mode?: CreateMode;
  readonly acl?: readonly Acl[];
  readonly ttl?: number;
}

export function createOp(path: string, data: Uint8Array, options: CreateOptions = {}): MultiOp {
  const base = { type: 'create', path, data, acl: options.acl ?? OPEN_ACL_UNSAFE, mode: options.mode ?? CreateMode.PERSISTENT } as const;
  return options.ttl === undefined ? base : { ...base, ttl: options.ttl };
}

export class Transaction {
  private readonly ops: MultiOp[] = [];

  constructor(private readonly run: (ops: readonly MultiOp[]) => Promise<MultiOpResult[]>) {}

  create(path: string, data: Uint8Array, options: CreateOptions = {}): this {
    this.ops.push(createOp(path, data, options));
    return this;
  }
  delete(path: string, version = -1): this {
    this.ops.push({ type: 'delete', path, version });
    return this;
  }
  setData(path: string, data: Uint8Array, version = -1): this {
    this.ops.push({ type: 'setData', path, data, version });
    return this;
  }
  check(path: string, version: number): this {
    this.ops.push({ type: 'check', path, version });
    return this;
  }
  commit(): Promise<MultiOpResult[]> {
    return this.run([...this.ops]);
  }
}
