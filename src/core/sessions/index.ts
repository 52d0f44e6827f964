export * from './expiry-queue.ts';
export * from './negotiate.ts';
export * from './session-id.ts';
export * from './session-snapshot.ts';
export * from './session-table.ts';
export * from './connect.ts';
export * from './password.ts';
