import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * scripts/start.mjs on a temp tree laid out like the repo, with a stand-in server
 * (dist/server/src/main.js) and a stand-in `npm run build` that records each run: the real
 * build takes ~12 s, and what is tested here is the decision and the process handling.
 */
const SCRIPTS = path.resolve(__dirname, '..', '..', 'scripts');
const OUTPUTS = ['dist/server/src/main.js', 'server/public/admin/index.html', 'app-intercom/dist/messenger.js'];
const T0 = 1_700_000_000;
let root: string;

// The stand-in server: on SIGTERM or SIGINT it says which and exits with 7. Its handlers are
// in place before it says it is up (the other way round, a signal can land in between).
const SERVER = `for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => { process.stdout.write('got ' + s + '\\n'); process.exit(7); });
process.stdout.write('up\\n');
setInterval(() => {}, 1000);
`;
// The stand-in build: writes the three outputs and counts its runs.
const BUILD = `const fs = require('fs');
fs.appendFileSync('builds.log', 'build\\n');
fs.mkdirSync('dist/server/src', { recursive: true }); fs.writeFileSync('dist/server/src/main.js', ${JSON.stringify(SERVER)});
fs.mkdirSync('server/public/admin', { recursive: true }); fs.writeFileSync('server/public/admin/index.html', '<html></html>');
fs.mkdirSync('app-intercom/dist', { recursive: true }); fs.writeFileSync('app-intercom/dist/messenger.js', '');
`;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hda-start-'));
  fs.mkdirSync(path.join(root, 'scripts'));
  for (const f of ['start.mjs', 'stale.mjs']) fs.copyFileSync(path.join(SCRIPTS, f), path.join(root, 'scripts', f));
  fs.writeFileSync(path.join(root, 'build.js'), BUILD);
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'start-test', private: true, scripts: { build: 'node build.js' } }));
  fs.mkdirSync(path.join(root, 'server', 'src'), { recursive: true });
  fs.writeFileSync(path.join(root, 'server', 'src', 'main.ts'), '');
  for (const f of ['package.json', 'server/src/main.ts']) fs.utimesSync(path.join(root, f), T0, T0);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Starts scripts/start.mjs in the temp tree; resolves once the stand-in server is up. */
function start() {
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const up = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('up\n')) resolve();
    });
    void exited.then((e) => reject(new Error(`start.mjs exited before the server was up: ${JSON.stringify(e)} ${err}`)));
  });
  up.catch(() => undefined); // a test that expects no server does not await it
  return { child, up, exited, out: () => out, err: () => err };
}
const builds = () => (fs.existsSync(path.join(root, 'builds.log')) ? fs.readFileSync(path.join(root, 'builds.log'), 'utf8').split('\n').filter(Boolean).length : 0);

test('builds when the build is missing, not when it is fresh, again after a source changes; forwards SIGTERM and passes the exit code on', async () => {
  const first = start();
  await first.up;
  expect(first.err()).toContain('building (dist/server/src/main.js is missing)');
  expect(builds()).toBe(1);
  first.child.kill('SIGTERM');
  expect(await first.exited).toEqual({ code: 7, signal: null });
  expect(first.out()).toContain('got SIGTERM');

  const second = start();
  await second.up;
  expect(builds()).toBe(1);
  expect(second.err()).not.toContain('building');
  second.child.kill('SIGINT');
  expect(await second.exited).toEqual({ code: 7, signal: null });
  expect(second.out()).toContain('got SIGINT');

  // A source edited after the build.
  for (const o of OUTPUTS) fs.utimesSync(path.join(root, o), T0 + 10, T0 + 10);
  fs.utimesSync(path.join(root, 'server/src/main.ts'), T0 + 20, T0 + 20);
  const third = start();
  await third.up;
  expect(third.err()).toContain('building (server/src/main.ts is newer than');
  expect(builds()).toBe(2);
  third.child.kill('SIGTERM');
  expect((await third.exited).code).toBe(7);
}, 60_000);

test('a failed build: the server is not started and the exit code is not 0', async () => {
  fs.writeFileSync(path.join(root, 'build.js'), "process.stderr.write('compile error\\n'); process.exit(2);");
  const s = start();
  const e = await s.exited;
  expect(e.code).not.toBe(0);
  expect(s.err()).toContain('compile error');
  expect(s.out()).not.toContain('up');
}, 60_000);

test('a server killed by a signal: start.mjs ends by the same signal', async () => {
  const s = start();
  await s.up;
  const server = fs.readFileSync(path.join(root, 'dist/server/src/main.js'), 'utf8');
  expect(server).toContain("process.stdout.write('up");
  // The stand-in is start.mjs's only child.
  const pid = childPidOf(s.child.pid!);
  process.kill(pid, 'SIGKILL');
  expect(await s.exited).toEqual({ code: null, signal: 'SIGKILL' });
}, 60_000);

/** The single child process of `ppid` (Linux /proc). */
function childPidOf(ppid: number): number {
  const kids = fs.readFileSync(`/proc/${ppid}/task/${ppid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  if (kids.length !== 1) throw new Error(`expected one child of ${ppid}, got ${kids.join(',')}`);
  return kids[0]!;
}
