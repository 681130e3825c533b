// Builds the browser bundle (dist/messenger.js) with vite's build API and app-intercom/vite.config.mjs.
// Run directly (`node app-intercom/build.mjs`) or spawned by the example server when the bundle is missing.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

await build({ configFile: fileURLToPath(new URL('./vite.config.mjs', import.meta.url)), logLevel: 'warn' });
