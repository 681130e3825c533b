// Is the build missing or older than its sources? Used by scripts/start.mjs so that `npm start`
// builds only when it has to. Plain Node, no dependencies.
// Run directly (`node scripts/stale.mjs [root]`) it prints the verdict as JSON (the tests use that).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What the build reads, relative to the repo root: folders are walked, files taken as they are. */
export const SOURCES = [
  'server/src',
  'shared',
  'server/admin-ui',
  'app-intercom/src',
  'app-intercom/build.mjs',
  'app-intercom/vite.config.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
];

/** What `npm run build` writes: the server, the admin page, the Intercom messenger bundle. */
export const OUTPUTS = ['dist/server/src/main.js', 'server/public/admin/index.html', 'app-intercom/dist/messenger.js'];

/** Folders never walked (dependencies, build output, VCS). */
const SKIP = new Set(['node_modules', 'dist', '.git']);
/** A bound on the walk: the repo's sources are a few hundred files. */
const MAX_ENTRIES = 50_000;

/**
 * The newest modification time (ms) among `paths` (files, or folders walked recursively), and
 * the file that has it. Missing paths are ignored: a source that does not exist cannot be newer.
 * @param {string} root
 * @param {string[]} paths relative to root
 * @returns {{ mtimeMs: number, file: string | null }}
 */
export function newestMtime(root, paths) {
  let best = { mtimeMs: 0, file: null };
  let seen = 0;
  const stack = paths.map((p) => path.join(root, p));
  while (stack.length) {
    if (++seen > MAX_ENTRIES) throw new Error(`more than ${MAX_ENTRIES} source entries under ${root}`);
    const p = stack.pop();
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) if (!SKIP.has(e)) stack.push(path.join(p, e));
    } else if (st.mtimeMs > best.mtimeMs) {
      best = { mtimeMs: st.mtimeMs, file: path.relative(root, p) };
    }
  }
  return best;
}

/**
 * Whether `root` needs a build: an output is missing, or some source is newer than the oldest output.
 * @param {string} root
 * @param {{ sources?: string[], outputs?: string[] }} [lists]
 * @returns {{ stale: boolean, reason: string }}
 */
export function buildState(root, lists = {}) {
  const sources = lists.sources ?? SOURCES;
  const outputs = lists.outputs ?? OUTPUTS;
  let oldest = { mtimeMs: Infinity, file: '' };
  for (const o of outputs) {
    let st;
    try {
      st = fs.statSync(path.join(root, o));
    } catch {
      return { stale: true, reason: `${o} is missing` };
    }
    if (st.mtimeMs < oldest.mtimeMs) oldest = { mtimeMs: st.mtimeMs, file: o };
  }
  const newest = newestMtime(root, sources);
  if (newest.mtimeMs > oldest.mtimeMs) return { stale: true, reason: `${newest.file} is newer than ${oldest.file}` };
  return { stale: false, reason: 'the build is up to date' };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  process.stdout.write(JSON.stringify(buildState(root)) + '\n');
}
