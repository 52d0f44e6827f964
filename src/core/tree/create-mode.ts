// ZooKeeper's create modes, with the numbers its wire protocol uses as create flags.

export const CreateMode = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
  CONTAINER: 4,
  PERSISTENT_WITH_TTL: 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL: 6,
} as const;

export type CreateMode = (typeof CreateMode)[keyof typeof CreateMode];

export const isCreateMode = (n: number): n is CreateMode => Number.isInteger(n) && n >= 0 && n <= 6;

export const isEphemeralMode = (m: CreateMode): boolean =>
  m === CreateMode.EPHEMERAL || m === CreateMode.EPHEMERAL_SEQUENTIAL;

export const isSequentialMode = (m: CreateMode): boolean =>
  m === CreateMode.PERSISTENT_SEQUENTIAL ||
  m === CreateMode.EPHEMERAL_SEQUENTIAL ||
  m === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;

export const isTtlMode = (m: CreateMode): boolean =>
  m === CreateMode.PERSISTENT_WITH_TTL || m === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;

export const isContainerMode = (m: CreateMode): boolean => m === CreateMode.CONTAINER;
