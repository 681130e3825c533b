// Builds the browser bundle dist/messenger.js: an IIFE that sets window.AppMessenger =
// {bootMessenger, logoutMessenger}, with @intercom/messenger-js-sdk inlined (no CDN at build time).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2019',
    sourcemap: true,
    lib: {
      entry: here('src/messenger.ts'),
      name: 'AppMessenger',
      formats: ['iife'],
      fileName: () => 'messenger.js',
    },
  },
});
