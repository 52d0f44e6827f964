export { openIdbStore, type IdbStore, type IdbStoreOptions } from './idb-store.ts';
export { IDB_SCHEMA_VERSION } from './schema.ts';
