// The Node file adapter's public surface.
export { openFileStore, type FileStoreOptions } from './file-store.ts';
