// `npm start`: builds only when the build is missing or older than its sources (scripts/stale.mjs),
// then runs the server in a child process, forwarding SIGTERM/SIGINT/SIGHUP to it and exiting
// with its exit code (or its signal), so a process manager sees the server's own outcome.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildState } from './stale.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** Runs a command with the signals forwarded; resolves with how it ended. */
function run(cmd, args) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  const forward = (sig) => child.kill(sig);
  for (const s of SIGNALS) process.on(s, forward);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const s of SIGNALS) process.off(s, forward);
      resolve({ code, signal });
    });
  });
}

/** Ends this process the way the child ended: the same code, or the same signal. */
function exitLike({ code, signal }) {
  if (signal) {
    process.kill(process.pid, signal);
    // Should the signal not end us, exit non-zero anyway (128 + its number, as shells report it).
    setTimeout(() => process.exit(128 + (os.constants.signals[signal] ?? 1)), 1000);
    return;
  }
  process.exit(code ?? 1);
}

async function main() {
  const state = buildState(root);
  if (state.stale) {
    process.stderr.write(`npm start: building (${state.reason})\n`);
    const built = await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent']);
    if (built.signal || built.code !== 0) return exitLike(built.signal ? built : { code: built.code || 1, signal: null });
  }
  exitLike(await run(process.execPath, [path.join('dist', 'server', 'src', 'main.js')]));
}

main().catch((err) => {
  process.stderr.write(`npm start: ${err.message}\n`);
  process.exit(1);
});
