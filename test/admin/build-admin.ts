import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const SOURCES = [path.join(ROOT, 'server', 'admin-ui'), path.join(ROOT, 'shared', 'template.ts')];
const INDEX = path.join(ROOT, 'server', 'public', 'admin', 'index.html');

function newest(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

/** Builds the admin page when it is missing or older than its sources (a stale build would test old code). */
export function ensureAdminBuilt(): void {
  const built = fs.existsSync(INDEX) ? fs.statSync(INDEX).mtimeMs : 0;
  if (built && built >= Math.max(...SOURCES.map(newest))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'server/admin-ui/vite.config.mts'], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
}
