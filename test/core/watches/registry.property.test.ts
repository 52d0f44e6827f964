// The registry against a reference written straight from the rules (a flat list of watches, each
// matched against each event), under random adds, events, removals and session closes.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeeperError } from '../../../src/core/errors.ts';
import { asSessionId, type SessionId } from '../../../src/core/util/ids.ts';
import type { TreeEvent } from '../../../src/core/watches/events.ts';
import { EventType, WatcherType } from '../../../src/core/watches/events.ts';
import { type SessionWatches, WatchRegistry } from '../../../src/core/watches/registry.ts';

type Kind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';
interface Watch { readonly session: number; readonly kind: Kind; readonly path: string }

const within = (path: string, ancestor: string): boolean =>
  ancestor === '/' || path === ancestor || path.startsWith(`${ancestor}/`);

/** The rules, one line each. */
function hears(w: Watch, e: TreeEvent): boolean {
  switch (w.kind) {
    case 'data':
    case 'exist':
      return w.path === e.path && e.type !== EventType.NodeChildrenChanged;
    case 'child':
      return w.path === e.path && (e.type === EventType.NodeChildrenChanged || e.type === EventType.NodeDeleted);
    case 'persistent':
      return w.path === e.path;
    case 'persistentRecursive':
      return e.type !== EventType.NodeChildrenChanged && within(e.path, w.path);
  }
}
const oneShot = (k: Kind): boolean => k === 'data' || k === 'exist' || k === 'child';
const kindsOf: Record<WatcherType, Kind[]> = {
  [WatcherType.Children]: ['child'],
  [WatcherType.Data]: ['data', 'exist'],
  [WatcherType.Persistent]: ['persistent'],
  [WatcherType.PersistentRecursive]: ['persistentRecursive'],
  [WatcherType.Any]: ['data', 'exist', 'child', 'persistent', 'persistentRecursive'],
};

class Reference {
  watches: Watch[] = [];
  add(session: number, kind: Kind, path: string): void {
    if (!this.watches.some((w) => w.session === session && w.kind === kind && w.path === path)) this.watches.push({ session, kind, path });
  }
  trigger(events: readonly TreeEvent[]): string[] {
    const out: string[] = [];
    for (const e of events) {
      const hit = this.watches.filter((w) => hears(w, e));
      this.watches = this.watches.filter((w) => !(hears(w, e) && oneShot(w.kind)));
      const sessions = [...new Set(hit.map((w) => w.session))].sort((a, b) => a - b);
      for (const s of sessions) out.push(`${s}:${e.type}:${e.path}`);
    }
    return out;
  }
  remove(path: string, session: number, type: WatcherType): number[] | 'NOWATCHER' {
    const gone = this.watches.filter((w) => w.session === session && w.path === path && kindsOf[type].includes(w.kind));
    if (gone.length === 0) return 'NOWATCHER';
    this.watches = this.watches.filter((w) => !gone.includes(w));
    const events: number[] = [];
    if (gone.some((w) => w.kind === 'data' || w.kind === 'exist')) events.push(EventType.DataWatchRemoved);
    if (gone.some((w) => w.kind === 'child')) events.push(EventType.ChildWatchRemoved);
    if (gone.some((w) => w.kind === 'persistent' || w.kind === 'persistentRecursive')) events.push(EventType.PersistentWatchRemoved);
    return events;
  }
  check(path: string, session: number, type: WatcherType): 'ok' | 'NOWATCHER' {
    return this.watches.some((w) => w.session === session && w.path === path && kindsOf[type].includes(w.kind)) ? 'ok' : 'NOWATCHER';
  }
  removeSession(session: number): void {
    this.watches = this.watches.filter((w) => w.session !== session);
  }
  watchesOf(session: number): SessionWatches {
    const list = (kind: Kind): string[] => this.watches.filter((w) => w.session === session && w.kind === kind).map((w) => w.path).sort();
    return { data: list('data'), exist: list('exist'), child: list('child'), persistent: list('persistent'), persistentRecursive: list('persistentRecursive') };
  }
}

const paths = ['/', '/a', '/a/b', '/a/b/c', '/ab', '/b'];
const sessionIds = [1, 2, 3];
const path = fc.constantFrom(...paths);
const session = fc.constantFrom(...sessionIds);
const kind = fc.constantFrom<Kind>('data', 'exist', 'child', 'persistent', 'persistentRecursive');
const watcherType = fc.constantFrom<WatcherType>(1, 2, 3, 4, 5);
const treeEvent = fc.record({
  type: fc.constantFrom(EventType.NodeCreated, EventType.NodeDeleted, EventType.NodeDataChanged, EventType.NodeChildrenChanged),
  path,
});

type Op =
  | { op: 'add'; session: number; kind: Kind; path: string }
  | { op: 'trigger'; events: TreeEvent[] }
  | { op: 'remove'; session: number; type: WatcherType; path: string }
  | { op: 'check'; session: number; type: WatcherType; path: string }
  | { op: 'removeSession'; session: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('add' as const), session, kind, path }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('trigger' as const), events: fc.array(treeEvent, { minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), session, type: watcherType, path }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('check' as const), session, type: watcherType, path }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeSession' as const), session }) },
);

function addTo(r: WatchRegistry, s: SessionId, k: Kind, p: string): void {
  if (k === 'data') r.addDataWatch(p, s);
  else if (k === 'exist') r.addExistWatch(p, s);
  else if (k === 'child') r.addChildWatch(p, s);
  else r.addPersistentWatch(p, s, k === 'persistentRecursive');
}

const outcome = (f: () => unknown): unknown => {
  try {
    return f();
  } catch (e) {
    if (isKeeperError(e)) return e.codeName;
    throw e;
  }
};

describe('WatchRegistry against a reference model', () => {
  it('random adds, events, removals and session closes give the same deliveries, removals and watch lists', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const registry = new WatchRegistry();
        const reference = new Reference();
        for (const o of ops) {
          switch (o.op) {
            case 'add':
              addTo(registry, asSessionId(o.session), o.kind, o.path);
              reference.add(o.session, o.kind, o.path);
              break;
            case 'trigger': {
              const got = registry.trigger(o.events).map((d) => `${d.session}:${d.event.type}:${d.event.path}`);
              expect(got).toEqual(reference.trigger(o.events));
              break;
            }
            case 'remove': {
              const got = outcome(() => registry.removeWatches(o.path, asSessionId(o.session), o.type).map((e) => e.type));
              expect(got).toEqual(reference.remove(o.path, o.session, o.type));
              break;
            }
            case 'check': {
              const got = outcome(() => registry.checkWatches(o.path, asSessionId(o.session), o.type) ?? 'ok');
              expect(got).toEqual(reference.check(o.path, o.session, o.type));
              break;
            }
            case 'removeSession':
              registry.removeSession(asSessionId(o.session));
              reference.removeSession(o.session);
              break;
          }
          for (const s of sessionIds) expect(registry.watchesOf(asSessionId(s))).toEqual(reference.watchesOf(s));
          expect(registry.count()).toBe(reference.watches.length);
        }
      }),
      { numRuns: 500 },
    );
  });
});
