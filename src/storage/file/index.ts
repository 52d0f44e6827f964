// The Node file adapter's public surface.
export { openFileStore, type FileStore, type FileStoreOptions } from './file-store.ts';
