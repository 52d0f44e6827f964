// One table of watches keyed by path and session, like one of the two WatchManagers ZooKeeper's
// DataTree keeps (dataWatches, childWatches). Each (path, session) pair holds a set of mode bits;
// firing a path notifies every session holding any bit there and clears the one-shot bits, and
// notifies sessions holding the recursive bit on an ancestor. The registry owns two tables and
// decides which events fire which table; this module knows nothing of event types.

import { assert } from '../util/assert.ts';
import type { SessionId } from '../util/ids.ts';

/** Mode bits. DATA and EXIST are both ZooKeeper's STANDARD mode on the data table (the server does
 * not tell them apart; we keep the bit for watchesOf); CHILD is STANDARD on the child table. */
export const Mode = {
  DATA: 1,
  EXIST: 2,
  CHILD: 4,
  PERSISTENT: 8,
  RECURSIVE: 16,
} as const;

/** The bits a firing clears. */
export const ONE_SHOT = Mode.DATA | Mode.EXIST | Mode.CHILD;

export class WatchTable {
  private readonly byPath = new Map<string, Map<SessionId, number>>();
  private readonly bySession = new Map<SessionId, Set<string>>();
  /** (path, session) pairs holding RECURSIVE, per path: ancestors are looked up only when any exist. */
  private readonly recursiveByPath = new Map<string, number>();
  private recursiveCount = 0;

  constructor(
    /** Called with the old and new bits whenever a pair changes: the registry keeps its counts. */
    private readonly onChange: (session: SessionId, before: number, after: number) => void,
  ) {}

  modes(path: string, session: SessionId): number {
    return this.byPath.get(path)?.get(session) ?? 0;
  }

  /** The only place a pair's bits change; keeps both indexes and the recursive counts in step. */
  set(path: string, session: SessionId, modes: number): void {
    const before = this.modes(path, session);
    if (before === modes) return;
    if (modes === 0) {
      const sessions = this.byPath.get(path);
      assert(sessions !== undefined, 'watch table: clearing a pair that is not there');
      sessions.delete(session);
      if (sessions.size === 0) this.byPath.delete(path);
      const paths = this.bySession.get(session);
      assert(paths !== undefined, 'watch table: session index out of step');
      paths.delete(path);
      if (paths.size === 0) this.bySession.delete(session);
    } else {
      let sessions = this.byPath.get(path);
      if (sessions === undefined) this.byPath.set(path, (sessions = new Map()));
      sessions.set(session, modes);
      let paths = this.bySession.get(session);
      if (paths === undefined) this.bySession.set(session, (paths = new Set()));
      paths.add(path);
    }
    const wasRecursive = (before & Mode.RECURSIVE) !== 0;
    const isRecursive = (modes & Mode.RECURSIVE) !== 0;
    if (wasRecursive !== isRecursive) this.countRecursive(path, isRecursive ? 1 : -1);
    this.onChange(session, before, modes);
  }

  /** Fires `path`: adds to `out` every session watching it (clearing one-shot bits) and every
   * session with a recursive watch on an ancestor. */
  fire(path: string, out: Set<SessionId>): void {
    const sessions = this.byPath.get(path);
    if (sessions !== undefined) {
      // Collect first: set() may delete from the map being walked.
      const fired = [...sessions];
      for (const [session, modes] of fired) {
        out.add(session);
        if ((modes & ONE_SHOT) !== 0) this.set(path, session, modes & ~ONE_SHOT);
      }
    }
    if (this.recursiveCount === 0) return;
    for (let ancestor = parentOrUndefined(path); ancestor !== undefined; ancestor = parentOrUndefined(ancestor)) {
      if (!this.recursiveByPath.has(ancestor)) continue;
      for (const [session, modes] of this.byPath.get(ancestor) ?? []) {
        if ((modes & Mode.RECURSIVE) !== 0) out.add(session);
      }
    }
  }

  pathsOf(session: SessionId): ReadonlySet<string> {
    return this.bySession.get(session) ?? EMPTY;
  }

  removeSession(session: SessionId): void {
    for (const path of [...this.pathsOf(session)]) this.set(path, session, 0);
  }

  private countRecursive(path: string, delta: 1 | -1): void {
    const n = (this.recursiveByPath.get(path) ?? 0) + delta;
    assert(n >= 0, 'watch table: recursive count below zero');
    if (n === 0) this.recursiveByPath.delete(path);
    else this.recursiveByPath.set(path, n);
    this.recursiveCount += delta;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

function parentOrUndefined(path: string): string | undefined {
  if (path === '/') return undefined;
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}
