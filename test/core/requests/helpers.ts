// Builders shared by the request pipeline's tests: a StandaloneTree with sessions, and requests
// written the way a client would send them.

import type { Acl } from '../../../src/core/acl/types.ts';
import { OPEN_ACL_UNSAFE } from '../../../src/core/acl/types.ts';
import type { Reply } from '../../../src/core/requests/reply.ts';
import type {
  CreateRequest,
  DeleteRequest,
  SetDataRequest,
  CheckRequest,
  SetAclRequest,
} from '../../../src/core/requests/request.ts';
import { StandaloneTree } from '../../../src/core/requests/standalone.ts';
import type { CreateMode } from '../../../src/core/tree/create-mode.ts';
import { CreateMode as Modes } from '../../../src/core/tree/create-mode.ts';
import type { SessionId } from '../../../src/core/util/ids.ts';

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

export function create(
  path: string,
  options: { data?: string; acl?: readonly Acl[]; mode?: CreateMode; ttl?: number } = {},
): CreateRequest {
  const request: CreateRequest = {
    type: 'create',
    path,
    data: bytes(options.data ?? ''),
    acl: options.acl ?? OPEN_ACL_UNSAFE,
    mode: options.mode ?? Modes.PERSISTENT,
  };
  return options.ttl === undefined ? request : { ...request, ttl: options.ttl };
}

export const del = (path: string, version = -1): DeleteRequest => ({ type: 'delete', path, version });
export const setData = (path: string, data: string, version = -1): SetDataRequest => ({
  type: 'setData',
  path,
  data: bytes(data),
  version,
});
export const check = (path: string, version: number): CheckRequest => ({ type: 'check', path, version });
export const setAcl = (path: string, acl: readonly Acl[], version = -1): SetAclRequest => ({
  type: 'setACL',
  path,
  acl,
  version,
});

export const digestAuth = (userPassword: string) => ({ type: 'auth', scheme: 'digest', auth: bytes(userPassword) }) as const;

/** A fresh tree with one open session at time 1000. */
export function standalone(): { zk: StandaloneTree; s: SessionId; at: (r: Parameters<StandaloneTree['submit']>[1]) => Reply } {
  const zk = new StandaloneTree();
  const s = zk.openSession(1000);
  return { zk, s, at: (request) => zk.submit(s, request, 1000) };
}

/** The code of an error reply, or 0 for a success. */
export function codeOf(reply: Reply): number {
  return reply.type === 'error' ? reply.code : 0;
}

export function createdPath(reply: Reply): string {
  if (reply.type !== 'create') throw new Error(`not a create reply: ${JSON.stringify(reply)}`);
  return reply.path;
}
