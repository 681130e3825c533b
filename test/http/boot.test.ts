import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/src/config';
import { api } from '../support/server';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function boot(env: Record<string, string>): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  let out = '';
  const child = spawn(TSX, ['server/src/main.ts'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}

async function waitFor(fn: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('configuration', () => {
  test('fails fast naming the bad variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ ENCRYPTION_KEY: 'short' })).toThrow(/ENCRYPTION_KEY: must be 32 bytes/);
    expect(() => loadConfig({ MONGODB_URI: 'mongodb://x/db' })).toThrow(/ENCRYPTION_KEY: required when MONGODB_URI/);
    expect(() => loadConfig({ OPENAI_BASE_URL: 'not a url' })).toThrow(/OPENAI_BASE_URL/);
    const c = loadConfig({ ALLOWED_PRIVATE_HOSTS: '127.0.0.1, 10.0.0.0/8', PORT: '8080' });
    expect(c.ALLOWED_PRIVATE_HOSTS).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(c.publicUrl).toBe('http://localhost:8080');
  });

  test('the process exits 1 with the message, no stack trace', async () => {
    const p = boot({ PORT: 'nope', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'hda-boot-')) });
    expect(await p.exited).toBe(1);
    expect(p.out()).toContain('PORT');
    expect(p.out()).not.toMatch(/\n\s+at /);
  });
});

describe('npm start on an empty DATA_DIR', () => {
  let slow: http.Server;
  let slowUrl: string;
  beforeAll(async () => {
    slow = http.createServer((_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 1000));
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await new Promise<void>((r) => slow.close(() => r()));
  });

  test('creates the default tenant, prints where things are, shuts down gracefully', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hda-boot-')), 'data');
    const port = 20000 + Math.floor(Math.random() * 20000);
    const p = boot({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ALLOWED_PRIVATE_HOSTS: '127.0.0.1' });
    try {
      await waitFor(() => p.out().includes('Admin page'));
      expect(p.out()).toContain(`Admin page: http://localhost:${port}/admin`);
      expect(p.out()).toContain('admin-token');
      const tokenFile = path.join(dataDir, 'admin-token');
      expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dataDir, 'encryption-key')).mode & 0o777).toBe(0o600);
      const token = fs.readFileSync(tokenFile, 'utf8').trim();
      expect(p.out()).not.toContain(token);
      const base = `http://127.0.0.1:${port}`;
      expect((await api(base, null, 'GET', '/healthz')).status).toBe(200);

      // In-flight work finishes after SIGTERM.
      const inFlight = api(base, token, 'POST', '/v1/actions/test', {
        action: { name: 'slow_one', description: 'A slow endpoint for tests', method: 'GET', url: `${slowUrl}/x` },
        variables: {},
      });
      await new Promise((r) => setTimeout(r, 300));
      p.child.kill('SIGTERM');
      const r = await inFlight;
      expect(r.status).toBe(200);
      expect(r.body.ok).toBe(true);
      expect(await p.exited).toBe(0);
      expect(p.out()).toContain('server stopped');

      // A second start on the same DATA_DIR keeps the tenant and its token.
      const again = boot({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
      await waitFor(() => again.out().includes('Admin page'));
      expect((await api(base, token, 'GET', '/v1/actions')).status).toBe(200);
      expect(fs.readFileSync(tokenFile, 'utf8').trim()).toBe(token);
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- server output ---\n${p.out()}`);
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 60_000);
});
