// Small builders shared by the ZAB unit tests.

import type { Txn } from '../../../src/core/requests/txn.ts';
import { asPeerId, asSessionId } from '../../../src/core/util/ids.ts';
import { makeZxid, type Zxid } from '../../../src/core/zxid.ts';
import { registerData } from '../../sim/register-machine.ts';

export const p = asPeerId;
export const z = (epoch: number, counter: number): Zxid => makeZxid(epoch, counter);

export function txn(epoch: number, counter: number, value = `v${epoch}.${counter}`): Txn {
  return {
    header: { sessionId: asSessionId(1), cxid: counter, zxid: z(epoch, counter), time: 0 },
    body: { type: 'setData', path: '/a', data: registerData(value), version: 0 },
  };
}
