// Model-based test: random sequences of every operation (multi included), sent both to a
// StandaloneTree (the real pipeline: prep, pending changes, final, read, session requests, the real
// DataTree and WatchRegistry) and to the plain reference model in zk-model.ts. After every step the
// replies and the watch events must agree; at the end, every node's data, ACL and Stat.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateDigest } from '../../../src/core/acl/digest.ts';
import type { Acl } from '../../../src/core/acl/types.ts';
import type { Reply } from '../../../src/core/requests/reply.ts';
import type { MultiOp, ReadOp, Request } from '../../../src/core/requests/request.ts';
import { StandaloneTree } from '../../../src/core/requests/standalone.ts';
import type { CreateMode } from '../../../src/core/tree/create-mode.ts';
import type { SessionId } from '../../../src/core/util/ids.ts';
import { ZkModel } from './zk-model.ts';

const ANYONE = { scheme: 'world', id: 'anyone' };
const ACLS: Acl[][] = [
  [{ perms: 31, id: ANYONE }],
  [{ perms: 1, id: ANYONE }],
  [{ perms: 31, id: { scheme: 'auth', id: '' } }],
  [{ perms: 31, id: { scheme: 'digest', id: generateDigest('alice:secret') } }],
  [{ perms: 31, id: { scheme: 'digest', id: generateDigest('alice:secret') } }, { perms: 5, id: ANYONE }],
  [],
];
const PATHS = ['/', '/a', '/b', '/a/b', '/a/c', '/b/a', '/a/b/c', '/zookeeper', '/zookeeper/config', '/a/'];
const CREDENTIALS = ['alice:secret', 'bob:pw', 'nocolon'];

/** A path: one of a fixed pool, or (resolved at run time) the n-th node of the model, or a child
 * of the n-th node (which grows deeper trees than the pool alone). */
type PathPick = { pool: number } | { existing: number } | { under: number; name: number };
const NAMES = ['x', 'y', 'n-'];
type Step =
  | { kind: 'write'; session: number; op: WriteSpec }
  | { kind: 'multi'; session: number; ops: WriteSpec[] }
  | { kind: 'read'; session: number; read: ReadSpec }
  | { kind: 'multiRead'; session: number; reads: ReadSpec[] }
  | { kind: 'auth'; session: number; credential: number }
  | { kind: 'whoAmI'; session: number }
  | { kind: 'open' }
  | { kind: 'close'; session: number }
  | { kind: 'sweep' };
type WriteSpec =
  | { type: 'create'; path: PathPick; mode: number; ttl: 'fit300' | 'fit5000' | number | undefined; acl: number; data: string }
  | { type: 'delete' | 'check'; path: PathPick; version: number }
  | { type: 'setData'; path: PathPick; version: number; data: string }
  | { type: 'setACL'; path: PathPick; version: number; acl: number };
type ReadSpec =
  | { type: 'exists' | 'getData'; path: PathPick; watch: boolean }
  | { type: 'getChildren'; path: PathPick; watch: boolean; withStat: boolean }
  | { type: 'getACL' | 'getAllChildrenNumber'; path: PathPick }
  | { type: 'getEphemerals'; prefix: PathPick };

const pathPick: fc.Arbitrary<PathPick> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ pool: fc.nat(PATHS.length - 1) }) },
  { weight: 3, arbitrary: fc.record({ existing: fc.nat(1000) }) },
  { weight: 3, arbitrary: fc.record({ under: fc.nat(1000), name: fc.nat(NAMES.length - 1) }) },
);
const version = fc.constantFrom(-1, -1, 0, 1, 2);
const data = fc.constantFrom('', 'x', 'hello');
/** Mostly the open ACL, so that most writes get past the ACL checks. */
const aclIndex = fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.nat(ACLS.length - 1) });
/** Mostly a TTL that fits the mode (none, or 300/5000 ms for a TTL mode); sometimes a bad one. */
const ttlPick = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('fit300' as const, 'fit5000' as const) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 300, 2 ** 40, undefined) },
);
const createSpec = fc.record({
  type: fc.constant('create' as const),
  path: pathPick,
  mode: fc.constantFrom(0, 0, 0, 1, 2, 2, 3, 4, 4, 5, 6),
  ttl: ttlPick,
  acl: aclIndex,
  data,
});
const multiOpSpec: fc.Arbitrary<WriteSpec> = fc.oneof(
  { weight: 4, arbitrary: createSpec },
  { weight: 2, arbitrary: fc.record({ type: fc.constantFrom('delete' as const, 'check' as const), path: pathPick, version }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('setData' as const), path: pathPick, version, data }) },
);
const writeSpec: fc.Arbitrary<WriteSpec> = fc.oneof(
  { weight: 6, arbitrary: multiOpSpec },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('setACL' as const), path: pathPick, version, acl: aclIndex }) },
);
const readSpec: fc.Arbitrary<ReadSpec> = fc.oneof(
  fc.record({ type: fc.constantFrom('exists' as const, 'getData' as const), path: pathPick, watch: fc.boolean() }),
  fc.record({ type: fc.constant('getChildren' as const), path: pathPick, watch: fc.boolean(), withStat: fc.boolean() }),
  fc.record({ type: fc.constantFrom('getACL' as const, 'getAllChildrenNumber' as const), path: pathPick }),
  fc.record({ type: fc.constant('getEphemerals' as const), prefix: pathPick }),
);
const session = fc.nat(5);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('write' as const), session, op: writeSpec }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('multi' as const), session, ops: fc.array(multiOpSpec, { maxLength: 4 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('read' as const), session, read: readSpec }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('multiRead' as const),
      session,
      reads: fc.array(
        readSpec.filter((r) => r.type === 'getData' || r.type === 'getChildren'),
        { maxLength: 3 },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('auth' as const), session, credential: fc.nat(CREDENTIALS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('whoAmI' as const), session }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('open' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), session }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sweep' as const) }) },
);

function resolve(pick: PathPick, model: ZkModel): string {
  if ('pool' in pick) return PATHS[pick.pool]!;
  const paths = [...model.nodes.keys()].sort();
  if ('existing' in pick) return paths[pick.existing % paths.length]!;
  const parent = paths[pick.under % paths.length]!;
  return `${parent === '/' ? '' : parent}/${NAMES[pick.name]!}`;
}

function writeRequest(spec: WriteSpec, model: ZkModel): MultiOp | Request {
  const path = resolve(spec.path, model);
  const bytes = (text: string) => new TextEncoder().encode(text);
  switch (spec.type) {
    case 'create': {
      const request = { type: 'create', path, data: bytes(spec.data), acl: ACLS[spec.acl]!, mode: spec.mode as CreateMode } as const;
      const ttlMode = spec.mode === 5 || spec.mode === 6;
      const ttl = typeof spec.ttl === 'string' ? (ttlMode ? (spec.ttl === 'fit300' ? 300 : 5000) : undefined) : spec.ttl;
      return ttl === undefined ? request : { ...request, ttl };
    }
    case 'delete':
    case 'check':
      return { type: spec.type, path, version: spec.version };
    case 'setData':
      return { type: 'setData', path, data: bytes(spec.data), version: spec.version };
    case 'setACL':
      return { type: 'setACL', path, acl: ACLS[spec.acl]!, version: spec.version };
  }
}

function readRequest(spec: ReadSpec, model: ZkModel): Request {
  switch (spec.type) {
    case 'exists':
    case 'getData':
      return { type: spec.type, path: resolve(spec.path, model), watch: spec.watch };
    case 'getChildren':
      return { type: 'getChildren', path: resolve(spec.path, model), watch: spec.watch, withStat: spec.withStat };
    case 'getACL':
    case 'getAllChildrenNumber':
      return { type: spec.type, path: resolve(spec.path, model) };
    case 'getEphemerals':
      return { type: 'getEphemerals', prefix: resolve(spec.prefix, model) };
  }
}

/** Children sets are unordered in ZooKeeper; bytes compare as arrays. */
function normal(reply: Reply): unknown {
  return JSON.parse(
    JSON.stringify(reply, (key, value: unknown) => {
      if (value instanceof Uint8Array) return Array.from(value);
      if (key === 'children' && Array.isArray(value)) return [...(value as string[])].sort();
      return value;
    }),
  );
}

function run(steps: Step[]): void {
  const zk = new StandaloneTree();
  const model = new ZkModel();
  const live: SessionId[] = [];
  let time = 1000;
  const open = (): void => {
    const id = zk.openSession(time);
    expect(model.openSession(time)).toBe(id);
    live.push(id);
  };
  for (let i = 0; i < 3; i++) open();

  for (const [index, s] of steps.entries()) {
    time += 137 * (index % 7);
    if (live.length === 0) open();
    const who = 'session' in s ? live[s.session % live.length]! : (0 as SessionId);
    let request: Request | undefined;
    switch (s.kind) {
      case 'write':
        request = writeRequest(s.op, model) as Request;
        break;
      case 'multi':
        request = { type: 'multi', ops: s.ops.map((op) => writeRequest(op, model) as MultiOp) };
        break;
      case 'read':
        request = readRequest(s.read, model);
        break;
      case 'multiRead':
        request = { type: 'multiRead', ops: s.reads.map((r) => readRequest(r, model) as ReadOp) };
        break;
      case 'auth':
        request = { type: 'auth', scheme: 'digest', auth: new TextEncoder().encode(CREDENTIALS[s.credential]!) };
        break;
      case 'whoAmI':
        request = { type: 'whoAmI' };
        break;
      case 'open':
        open();
        break;
      case 'close':
        expect(normal(zk.closeSession(who, time))).toEqual(normal(model.closeSession(who, time)));
        live.splice(live.indexOf(who), 1);
        break;
      case 'sweep':
        expect(zk.sweep(time)).toBe(model.sweep(time));
        break;
    }
    const context = { step: index, request };
    if (request !== undefined) {
      expect({ ...context, reply: normal(zk.submit(who, request, time)) }).toEqual({
        ...context,
        reply: normal(model.submit(who, request, time)),
      });
    }
    const events = zk.takeEvents().map((d) => [d.session, d.event.type, d.event.path]);
    const expected = model.events.splice(0).map((e) => [e.session, e.type, e.path]);
    expect({ ...context, events: events.sort() }).toEqual({ ...context, events: expected.sort() });
    expect(zk.lastZxid).toBe(model.zxid);
  }

  expect(zk.tree.nodeCount).toBe(model.nodes.size);
  for (const [path, node] of model.nodes) {
    const real = zk.tree.get(path);
    expect(real, path).toBeDefined();
    expect({ path, stat: real!.stat() }).toEqual({ path, stat: model.stat(path) });
    expect({ path, data: Array.from(real!.data) }).toEqual({ path, data: Array.from(node.data) });
    expect({ path, acl: real!.acl }).toEqual({ path, acl: node.acl });
  }
}

describe('the request pipeline against a reference model', () => {
  it('random sequences of every operation give the model\'s replies, events and final state', () => {
    fc.assert(
      fc.property(fc.array(fc.noBias(step), { minLength: 10, maxLength: 80, size: 'max' }), (steps) => run(steps)),
      { numRuns: 200, seed: 20240611 },
    );
  });

});
