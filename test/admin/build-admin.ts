import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const SOURCES = [path.join(ROOT, 'server', 'admin-ui'), path.join(ROOT, 'shared', 'template.ts')];
const INDEX = path.join(ROOT, 'server', 'public', 'admin', 'index.html');
/** Held while one jest worker builds, so parallel suites never read a half-written build. */
const LOCK = path.join(os.tmpdir(), `admin-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 5 * 60_000;

function newest(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

function fresh(): boolean {
  const built = fs.existsSync(INDEX) ? fs.statSync(INDEX).mtimeMs : 0;
  return built > 0 && built >= Math.max(...SOURCES.map(newest));
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function takeLock(): boolean {
  try {
    fs.mkdirSync(LOCK);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/** Builds the admin page when it is missing or older than its sources (a stale build would test old code). */
export function ensureAdminBuilt(): void {
  if (fresh()) return;
  // Bounded: a build takes seconds; after ~2 minutes of waiting something else is wrong.
  for (let i = 0; i < 1200; i++) {
    if (takeLock()) {
      try {
        if (!fresh()) execFileSync('npx', ['vite', 'build', '--config', 'server/admin-ui/vite.config.mts'], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
      } finally {
        fs.rmSync(LOCK, { recursive: true, force: true });
      }
      return;
    }
    // Waiters wait for the lock, not for index.html: it may be written before the assets are.
    sleep(100);
  }
  throw new Error(`the admin page build lock ${LOCK} was held for too long`);
}
