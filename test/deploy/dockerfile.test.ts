import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import { ROOT, SECRET_NAME, dockerignore, parseDockerfile, readRepoFile, type Instruction } from './dockerfile';

/*
 * No Docker engine on the build machines and no hadolint (not in Debian, not on npm): the
 * Dockerfile is checked by dockerfile-utils' validator (the Docker language server's: syntax,
 * flags, arguments) and by the rules below, which are the image's contract.
 */
const text = readRepoFile('Dockerfile');
const all = parseDockerfile(text);
const finalStage = all[all.length - 1]!.stage;
const runtime = all.filter((i) => i.stage === finalStage);
const of = (list: Instruction[], k: string) => list.filter((i) => i.keyword === k);
/** Every validation rule at error severity (the defaults leave some at warning or off). */
const STRICT = {
  deprecatedMaintainer: 2,
  directiveCasing: 2,
  emptyContinuationLine: 2,
  instructionCasing: 2,
  instructionCmdMultiple: 2,
  instructionEntrypointMultiple: 2,
  instructionHealthcheckMultiple: 2,
  instructionJSONInSingleQuotes: 2,
  instructionWorkdirRelative: 2,
} as const;

test('the validator finds nothing in the Dockerfile', () => {
  expect(validate(text, STRICT).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
});

test('the validator does flag broken variants (it is not a no-op)', () => {
  const broken = [
    text.replace('HEALTHCHECK --interval=15s', 'HEALTHCHECK --intervall=15s'),
    text.replace('EXPOSE 3000', 'EXPOSE port3000'),
    text.replace('USER node', 'USER'),
    text.replace('FROM node:20-slim AS runtime', 'FROM node:20-slim AS runtime extra'),
    text + '\nCMD ["node", "other.js"]\n',
  ];
  for (const b of broken) {
    expect(b).not.toBe(text);
    expect(validate(b, STRICT).length).toBeGreaterThan(0);
  }
});

test('multi-stage: node:20-slim bases, a toolchain for better-sqlite3, npm ci with the npm install fallback, npm run build', () => {
  const froms = of(all, 'FROM').map((i) => i.args.split(/\s+/)[0]);
  expect(froms.length).toBeGreaterThanOrEqual(2);
  for (const f of froms) expect(['node:20-slim', 'toolchain']).toContain(f);
  const runs = of(all, 'RUN').map((i) => i.args);
  expect(runs.some((r) => /apt-get install -y --no-install-recommends python3 make g\+\+/.test(r) && /rm -rf \/var\/lib\/apt\/lists/.test(r))).toBe(true);
  expect(runs.some((r) => /npm ci --no-audit --no-fund \|\| npm install --no-audit --no-fund/.test(r))).toBe(true);
  expect(runs.some((r) => /npm ci --omit=dev .*\|\| npm install --omit=dev/.test(r))).toBe(true);
  expect(runs).toContain('npm run build');
  // Every apt-get install leaves no lists and pulls no recommends.
  for (const r of runs.filter((x) => x.includes('apt-get install'))) {
    expect(r).toContain('--no-install-recommends');
    expect(r).toContain('rm -rf /var/lib/apt/lists');
  }
});

test('the runtime stage: slim, no compiler, no dev dependencies, non-root, healthcheck, port, node as the command', () => {
  expect(runtime[0]!.args).toMatch(/^node:20-slim\b/);
  expect(of(runtime, 'RUN').map((r) => r.args).join('\n')).not.toMatch(/apt-get|npm (ci|install)(?! --omit=dev)/);
  const users = of(runtime, 'USER');
  expect(users.length).toBeGreaterThan(0);
  expect(users[users.length - 1]!.args).not.toMatch(/^(root|0)(:|$)/);
  // USER before HEALTHCHECK and CMD: the server runs as that user.
  const userAt = runtime.indexOf(users[users.length - 1]!);
  expect(runtime.findIndex((i) => i.keyword === 'CMD')).toBeGreaterThan(userAt);
  expect(of(runtime, 'EXPOSE').map((i) => i.args)).toEqual(['3000']);
  expect(of(runtime, 'HEALTHCHECK')).toHaveLength(1);
  expect(of(runtime, 'HEALTHCHECK')[0]!.args).toMatch(/--timeout=\d+s/);
  expect(JSON.parse(of(runtime, 'CMD')[0]!.args)).toEqual(['node', 'dist/server/src/main.js']);
  expect(of(all, 'ADD')).toEqual([]);
  // What the server reads at run time comes from the build: the compiled code and the admin page.
  const copies = of(runtime, 'COPY').map((i) => i.args);
  expect(copies).toEqual(expect.arrayContaining(['--from=build /app/dist ./dist', '--from=build /app/server/public ./server/public', '--from=prod-deps /app/node_modules ./node_modules']));
  expect(fs.existsSync(path.join(ROOT, 'server/src/main.ts'))).toBe(true);
});

test('no secret is baked into the image', () => {
  for (const i of [...of(all, 'ENV'), ...of(all, 'ARG')]) {
    for (const name of i.args.match(/[A-Z_][A-Z0-9_]*(?==)/g) ?? []) expect([name, SECRET_NAME.test(name)]).toEqual([name, false]);
  }
  expect(text).not.toMatch(/sk-[A-Za-z0-9]{8,}|BEGIN [A-Z ]*PRIVATE KEY/);
  expect(dockerignore()).toEqual(expect.arrayContaining(['.env', '.env.*', 'data', 'node_modules', 'dist', '.git']));
});

test('every COPY from the context exists and is not excluded by .dockerignore', () => {
  const ignored = dockerignore();
  for (const c of of(all, 'COPY').filter((i) => !i.args.startsWith('--from'))) {
    const sources = c.args.split(/\s+/).filter((s) => !s.startsWith('--')).slice(0, -1);
    for (const s of sources) {
      expect([s, fs.existsSync(path.join(ROOT, s))]).toEqual([s, true]);
      expect([s, ignored.includes(s.replace(/\/$/, ''))]).toEqual([s, false]);
    }
  }
});

describe('the HEALTHCHECK command, run against loopback stand-ins', () => {
  const healthcheck = JSON.parse(of(runtime, 'HEALTHCHECK')[0]!.args.replace(/^(--\S+\s+)*CMD\s+/, '')) as string[];
  let server: http.Server;
  let status = 200;
  let port = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url !== '/readyz') return void res.writeHead(404).end();
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** Runs the image's health check command here, with PORT pointing at the stand-in. */
  const probe = (p: number) =>
    new Promise<number>((resolve) => {
      expect(healthcheck[0]).toBe('node');
      const child = execFile(process.execPath, healthcheck.slice(1), { env: { PATH: process.env.PATH, PORT: String(p) } });
      child.on('exit', (code) => resolve(code ?? -1));
    });

  test('ready: exit 0; not ready (503): exit 1; nothing listening: exit 1', async () => {
    status = 200;
    expect(await probe(port)).toBe(0);
    status = 503;
    expect(await probe(port)).toBe(1);
    const closed = await new Promise<number>((r) => {
      const s = http.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => r(p));
      });
    });
    expect(await probe(closed)).toBe(1);
  });
});
