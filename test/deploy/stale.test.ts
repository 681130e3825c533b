import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * scripts/stale.mjs decides whether `npm start` builds. It is plain ESM (jest here runs
 * CommonJS), so each check runs it the way scripts/start.mjs does, in node, on a temp tree laid
 * out like the repo, with explicit modification times.
 */
const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'stale.mjs');
const T0 = 1_700_000_000; // seconds
let root: string;

function touch(rel: string, seconds: number): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  if (!fs.existsSync(p)) fs.writeFileSync(p, '// x\n');
  fs.utimesSync(p, seconds, seconds);
}

function verdict(): { stale: boolean; reason: string } {
  return JSON.parse(execFileSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' }));
}

const SOURCES = ['server/src/main.ts', 'server/src/http/routes/actions.ts', 'shared/action.ts', 'server/admin-ui/src/app.tsx', 'app-intercom/src/messenger.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
const OUTPUTS = ['dist/server/src/main.js', 'server/public/admin/index.html', 'app-intercom/dist/messenger.js'];

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hda-stale-'));
  for (const s of SOURCES) touch(s, T0);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('no build at all: stale, naming the missing output', () => {
  expect(verdict()).toEqual({ stale: true, reason: 'dist/server/src/main.js is missing' });
});

test('every output newer than every source: up to date', () => {
  for (const o of OUTPUTS) touch(o, T0 + 10);
  expect(verdict()).toEqual({ stale: false, reason: 'the build is up to date' });
});

test('each output is required: a missing admin page or Intercom bundle means a build', () => {
  touch('dist/server/src/main.js', T0 + 10);
  touch('app-intercom/dist/messenger.js', T0 + 10);
  expect(verdict()).toEqual({ stale: true, reason: 'server/public/admin/index.html is missing' });
  touch('server/public/admin/index.html', T0 + 10);
  fs.rmSync(path.join(root, 'app-intercom/dist/messenger.js'));
  expect(verdict()).toEqual({ stale: true, reason: 'app-intercom/dist/messenger.js is missing' });
});

test.each([
  ['server/src/http/routes/actions.ts'],
  ['server/src/new-folder/deep/file.ts'],
  ['shared/action.ts'],
  ['server/admin-ui/src/app.tsx'],
  ['server/admin-ui/vite.config.mts'],
  ['app-intercom/src/messenger.ts'],
  ['app-intercom/vite.config.mjs'],
  ['tsconfig.build.json'],
  ['tsconfig.json'],
  ['package.json'],
])('a source edited after the build (%s): stale, naming it', (source) => {
  for (const o of OUTPUTS) touch(o, T0 + 10);
  touch(source, T0 + 20);
  expect(verdict()).toEqual({ stale: true, reason: `${source} is newer than dist/server/src/main.js` });
});

test('the oldest output counts: a source newer than one output only still means a build', () => {
  touch('dist/server/src/main.js', T0 + 30);
  touch('server/public/admin/index.html', T0 + 10);
  touch('app-intercom/dist/messenger.js', T0 + 30);
  touch('server/admin-ui/src/app.tsx', T0 + 20);
  expect(verdict()).toEqual({ stale: true, reason: 'server/admin-ui/src/app.tsx is newer than server/public/admin/index.html' });
});

test('files outside the sources, and dependency or output folders inside them, do not count', () => {
  for (const o of OUTPUTS) touch(o, T0 + 10);
  touch('README.md', T0 + 50);
  touch('test/store/contract.ts', T0 + 50);
  touch('server/admin-ui/node_modules/.vite/deps.json', T0 + 50);
  touch('app-intercom/example/server.ts', T0 + 50);
  touch('data/store.sqlite', T0 + 50);
  expect(verdict()).toEqual({ stale: false, reason: 'the build is up to date' });
});
