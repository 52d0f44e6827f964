// Interned ACL lists, reference-counted (ZooKeeper's ReferenceCountedACLCache): every znode with the
// same ACL shares one frozen array, and a node stores only a small integer id. An id is recycled once
// no node refers to it. Snapshots write the table once and nodes by id.

import type { Acl } from '../acl/types.ts';
import { assert } from '../util/assert.ts';
import { CRC32_INIT, crc32Finish, crc32U32, crc32Utf8 } from '../util/crc32.ts';

interface Entry {
  readonly list: readonly Acl[];
  readonly key: string;
  /** CRC-32 of the list's content: what a node's digest hashes for its ACL. */
  readonly crc: number;
  refs: number;
}

/** A string that two ACL lists share exactly when they are equal, entry by entry, in order. */
function aclKey(acl: readonly Acl[]): string {
  let key = '';
  for (const entry of acl) key += `${entry.perms}\u0000${entry.id.scheme}\u0000${entry.id.id}\u0000`;
  return key;
}

function aclCrc(acl: readonly Acl[]): number {
  let c = crc32U32(CRC32_INIT, acl.length);
  for (const entry of acl) {
    c = crc32U32(c, entry.perms);
    c = crc32U32(crc32Utf8(c, entry.id.scheme), 0);
    c = crc32U32(crc32Utf8(c, entry.id.id), 0);
  }
  return crc32Finish(c);
}

function sameAcl(a: readonly Acl[], b: readonly Acl[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.perms !== y.perms || x.id.scheme !== y.id.scheme || x.id.id !== y.id.id) return false;
  }
  return true;
}

/** A deep, frozen copy: callers may keep or reuse the array they passed in. */
function frozenCopy(acl: readonly Acl[]): readonly Acl[] {
  return Object.freeze(
    acl.map((entry) => Object.freeze({ perms: entry.perms, id: Object.freeze({ scheme: entry.id.scheme, id: entry.id.id }) })),
  );
}

export class AclTable {
  private readonly entries: (Entry | undefined)[] = [];
  private readonly idsByKey = new Map<string, number>();
  private readonly freeIds: number[] = [];
  /** The id interned last: runs of creates with the same ACL skip building a key. */
  private lastId = -1;

  /** The id of `acl`'s interned copy, adding one reference. */
  intern(acl: readonly Acl[]): number {
    const last = this.entries[this.lastId];
    if (last !== undefined && sameAcl(last.list, acl)) {
      last.refs++;
      return this.lastId;
    }
    const id = this.internByKey(acl);
    this.lastId = id;
    return id;
  }

  private internByKey(acl: readonly Acl[]): number {
    const key = aclKey(acl);
    const known = this.idsByKey.get(key);
    if (known !== undefined) {
      this.entries[known]!.refs++;
      return known;
    }
    const id = this.freeIds.pop() ?? this.entries.length;
    this.entries[id] = { list: frozenCopy(acl), key, crc: aclCrc(acl), refs: 1 };
    this.idsByKey.set(key, id);
    return id;
  }

  /** Adds one reference to a list already interned. */
  retain(id: number): void {
    this.entry(id).refs++;
  }

  /** Drops one reference; the list is forgotten when none is left. */
  release(id: number): void {
    const entry = this.entry(id);
    entry.refs--;
    if (entry.refs > 0) return;
    this.entries[id] = undefined;
    this.idsByKey.delete(entry.key);
    this.freeIds.push(id);
  }

  list(id: number): readonly Acl[] {
    return this.entry(id).list;
  }

  crc(id: number): number {
    return this.entry(id).crc;
  }

  /** Distinct lists in use (ZooKeeper's aclCacheSize). */
  get size(): number {
    return this.idsByKey.size;
  }

  private entry(id: number): Entry {
    const entry = this.entries[id];
    if (entry === undefined) assert(false, `no ACL list with id ${id}`);
    return entry;
  }
}
