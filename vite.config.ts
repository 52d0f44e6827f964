// The web page (web/): React + zustand over a tab peer (src/browser/). Built to web/dist, which
// `meshkeeper ensemble` serves beside the signaling server (src/server/web-server.ts).
// simple-peer's npm entry needs Node's stream/buffer polyfills; its prebuilt browser bundle carries
// its own, so the bare import is pointed at that bundle.

import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  plugins: [react()],
  resolve: {
    alias: [{ find: /^simple-peer$/, replacement: 'simple-peer/simplepeer.min.js' }],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
  },
  logLevel: 'warn',
});
