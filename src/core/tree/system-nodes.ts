// The nodes every ZooKeeper tree starts with (DataTree's constructor and addConfigNode): '/',
// '/zookeeper', '/zookeeper/quota' and '/zookeeper/config', all with a zero stat, empty data and
// OPEN_ACL_UNSAFE, except the config node: READ_ACL_UNSAFE, set with version -1 (ZOOKEEPER-2014),
// which leaves its aversion at -1.

import { OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from '../acl/types.ts';
import { ZXID_ZERO } from '../zxid.ts';
import { CreateMode } from './create-mode.ts';
import { TreeState } from './tree-state.ts';

export const ZOOKEEPER_PATH = '/zookeeper';
export const QUOTA_PATH = '/zookeeper/quota';
export const CONFIG_PATH = '/zookeeper/config';

export function systemTreeState(): TreeState {
  const state = new TreeState();
  const empty = new Uint8Array(0);
  const add = (parentPath: string | undefined, path: string) =>
    state.addNode(
      parentPath === undefined ? undefined : state.node(parentPath),
      path,
      CreateMode.PERSISTENT,
      0,
      state.acls.intern(OPEN_ACL_UNSAFE),
      empty,
      ZXID_ZERO,
      0,
    );
  add(undefined, '/');
  add('/', ZOOKEEPER_PATH);
  add(ZOOKEEPER_PATH, QUOTA_PATH);
  const config = add(ZOOKEEPER_PATH, CONFIG_PATH);
  state.setAcl(config, READ_ACL_UNSAFE, -1);
  return state;
}
