// ACLs as ZooKeeper defines them: a permission bit set granted to an id within a scheme.

export const Perms = {
  READ: 1,
  WRITE: 2,
  CREATE: 4,
  DELETE: 8,
  ADMIN: 16,
  ALL: 31,
} as const;

/** An identity: `world:anyone`, `digest:user:base64(sha1)`, `ip:10.0.0.0/8`, `auth:` … */
export interface Id {
  readonly scheme: string;
  readonly id: string;
}

export interface Acl {
  readonly perms: number;
  readonly id: Id;
}

export const ANYONE_ID: Id = { scheme: 'world', id: 'anyone' };
/** Placeholder expanded at create/setACL to the ids the session has authenticated. */
export const AUTH_IDS: Id = { scheme: 'auth', id: '' };

export const OPEN_ACL_UNSAFE: readonly Acl[] = [{ perms: Perms.ALL, id: ANYONE_ID }];
export const CREATOR_ALL_ACL: readonly Acl[] = [{ perms: Perms.ALL, id: AUTH_IDS }];
export const READ_ACL_UNSAFE: readonly Acl[] = [{ perms: Perms.READ, id: ANYONE_ID }];
