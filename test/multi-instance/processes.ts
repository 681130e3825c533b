import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'server', 'src', 'main.ts');

/** One server instance: `server/src/main.ts` in its own OS process. */
export interface Instance {
  name: string;
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

const started: ChildProcess[] = [];

/**
 * Starts main.ts as its own process: one node process with tsx's loader (the tsx CLI would run
 * the server in a grandchild that a SIGKILL does not reach). Resolves once it listens.
 */
export async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s: ${out}\n${err}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /server on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it listened: ${err}`));
    });
  });
  return { name, child, url, exited, stderr: () => err };
}

/** SIGTERM, then the exit (a graceful stop drains the items in hand). */
export async function stopInstance(i: Instance) {
  i.child.kill('SIGTERM');
  return i.exited;
}

/** Kills whatever a test left running (a failed assertion must not leave servers behind). */
export function killAll(): void {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
