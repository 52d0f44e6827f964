// An ACL list on the wire: a count, then perms, scheme and id per entry. Writing is shared; each
// reader applies its own rules (a logged txn holds only validated ACLs, a client request may hold
// anything and is answered with INVALIDACL by prep).

import type { Acl } from '../core/acl/types.ts';
import type { ByteWriter } from './byte-writer.ts';

export function writeAcl(w: ByteWriter, acl: readonly Acl[]): void {
  w.u32(acl.length);
  for (const entry of acl) {
    w.i32(entry.perms);
    w.string(entry.id.scheme);
    w.string(entry.id.id);
  }
}
