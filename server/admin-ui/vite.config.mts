import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The admin page. No React plugin: Vite's built-in Oxc transform compiles TSX with the
 * automatic runtime, which is all a production build needs (no fast refresh).
 */
export default defineConfig({
  root: here,
  base: '/admin/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.resolve(here, '../public/admin'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  // `npx vite --config server/admin-ui/vite.config.mts` serves the page against a local backend.
  server: { fs: { allow: [path.resolve(here, '../..')] }, proxy: { '/v1': process.env.ADMIN_API ?? 'http://localhost:3000' } },
});
