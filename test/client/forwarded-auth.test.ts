// A write a follower forwards carries the ids its client proved there (ZooKeeper's
// QuorumPacket.authinfo), so the leader checks ACLs and expands `auth` as the client's own peer would.

import { afterEach, describe, expect, it } from 'vitest';
import { generateDigest } from '../../src/core/acl/digest.ts';
import { CREATOR_ALL_ACL, Perms } from '../../src/core/acl/types.ts';
import { Code, KeeperError } from '../../src/core/errors.ts';
import { bytes, startHarness, type Harness } from './harness.ts';

describe('auth ids travel with forwarded writes', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  const follower = (harness: Harness) => {
    const id = harness.e.ids.find((x) => x !== harness.e.leader());
    if (id === undefined) throw new Error('no follower');
    return id;
  };

  it('a client authenticated at a follower creates a CREATOR_ALL node owned by its digest id', async () => {
    h = await startHarness();
    const alice = await h.client(follower(h));
    await h.run(alice.addAuth('digest', 'alice:secret'));
    await h.run(alice.create('/alice', bytes('x'), { acl: CREATOR_ALL_ACL }));
    const { acl } = await h.run(alice.getACL('/alice'));
    expect(acl).toEqual([{ perms: Perms.ALL, id: { scheme: 'digest', id: generateDigest('alice:secret') } }]);
  });

  it('the leader checks a forwarded write against the ids proved at the follower', async () => {
    h = await startHarness();
    const harness = h;
    const owner = await h.client(h.e.leader());
    const only = [{ perms: Perms.ALL, id: { scheme: 'digest', id: generateDigest('bob:pw') } }];
    await h.run(owner.create('/bob', bytes(''), { acl: [...only, { perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }] }));
    const bob = await h.client(follower(h));
    const stranger = await h.client(follower(h));
    await h.run(bob.addAuth('digest', 'bob:pw'));
    await h.run(bob.setData('/bob', bytes('mine')));
    const refused = await harness.run(stranger.setData('/bob', bytes('theirs')).catch((e: unknown) => e));
    expect(refused).toBeInstanceOf(KeeperError);
    expect((refused as KeeperError).code).toBe(Code.NOAUTH);
  });
});
