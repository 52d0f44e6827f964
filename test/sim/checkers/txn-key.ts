// A txn's identity for comparisons across peers: zxid, origin and content.

import type { Txn } from '../../../src/core/requests/txn.ts';

export function txnKey(txn: Txn): string {
  const b = txn.body;
  const content = 'path' in b ? `${b.path}=${'data' in b ? new TextDecoder().decode(b.data) : ''}` : '';
  return `${txn.header.zxid}/${txn.header.sessionId}/${txn.header.cxid}/${b.type}/${content}`;
}
