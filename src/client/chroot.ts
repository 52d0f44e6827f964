// A client rooted at a path (ZooKeeper's chroot, "host:port/app"): every path the client passes is
// taken relative to the root, and every path the ensemble hands back (created paths, ephemerals,
// sync, errors, watch events) is made relative again, the root itself becoming "/". The root node
// is not created for the client. A root of "/" (or none) changes nothing.

import type { MultiOpResult, Reply } from '../core/requests/reply.ts';
import type { MultiOp, ReadOp, Request } from '../core/requests/request.ts';
import { validatePath } from '../core/tree/path.ts';
import type { WatchedEvent } from '../core/watches/events.ts';
import type { WatchSet } from './connection.ts';

export class Chroot {
  /** "" for no chroot, else the root without a trailing slash. */
  private readonly root: string;

  constructor(root = '/') {
    validatePath(root);
    this.root = root === '/' ? '' : root;
  }

  get isRoot(): boolean {
    return this.root === '';
  }

  toServer(path: string): string {
    if (this.root === '') return path;
    return path === '/' ? this.root : this.root + path;
  }

  fromServer(path: string): string {
    if (this.root === '') return path;
    if (path === this.root) return '/';
    return path.startsWith(`${this.root}/`) ? path.slice(this.root.length) : path;
  }

  request(r: Request): Request {
    if (this.root === '') return r;
    switch (r.type) {
      case 'multi':
        return { ...r, ops: r.ops.map((op) => ({ ...op, path: this.toServer(op.path) }) as MultiOp) };
      case 'multiRead':
        return { ...r, ops: r.ops.map((op) => ({ ...op, path: this.toServer(op.path) }) as ReadOp) };
      case 'getEphemerals':
        // ZooKeeper: the prefix is relative to the chroot; an empty or "/" prefix means all of it.
        return { ...r, prefix: r.prefix.trim() === '' || r.prefix.trim() === '/' ? this.root : this.root + r.prefix };
      case 'setWatches':
        return { ...r, ...this.watchSet(r) };
      case 'auth':
      case 'whoAmI':
        return r;
      default:
        return { ...r, path: this.toServer(r.path) };
    }
  }

  reply(r: Reply): Reply {
    if (this.root === '') return r;
    switch (r.type) {
      case 'create':
      case 'sync':
        return { ...r, path: this.fromServer(r.path) };
      case 'error':
        return r.path === undefined ? r : { ...r, path: this.fromServer(r.path) };
      case 'getEphemerals':
        return { ...r, paths: r.paths.map((p) => this.fromServer(p)) };
      case 'multi':
        return { ...r, results: r.results.map((x): MultiOpResult => (x.type === 'create' ? { ...x, path: this.fromServer(x.path) } : x)) };
      case 'setWatches':
        return { ...r, events: r.events.map((e) => this.event(e)) };
      default:
        return r;
    }
  }

  watchSet(w: WatchSet): WatchSet {
    if (this.root === '') return w;
    const map = (paths: readonly string[]): string[] => paths.map((p) => this.toServer(p));
    return { data: map(w.data), exist: map(w.exist), child: map(w.child), persistent: map(w.persistent), persistentRecursive: map(w.persistentRecursive) };
  }

  event(e: WatchedEvent): WatchedEvent {
    return this.root === '' || e.path === '' ? e : { ...e, path: this.fromServer(e.path) };
  }
}
