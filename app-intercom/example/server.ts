/**
 * Demo site for the Intercom Messenger with identity verification.
 *
 *   INTERCOM_APP_ID=abc123 INTERCOM_IDENTITY_SECRET=... npm run intercom:example
 *
 * Pages: `/` (sign-in form with demo users, or who is signed in), `POST /login`,
 * `POST /logout`, `GET /api/intercom-identity` (the identity JSON from identity.ts for the
 * cookie session's user; 401 when signed out), `/messenger.js` (the browser bundle, built
 * with vite on start when missing).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { messengerIdentity, type IdentitySecret, type MessengerUser } from '../src/identity';
import type { IntercomRegion } from '../src/messenger';

const REGIONS: readonly IntercomRegion[] = ['us', 'eu', 'au'];

const APP_DIR = path.resolve(__dirname, '..');
/** Where vite writes the browser bundle (see app-intercom/vite.config.mjs). */
export const BUNDLE_PATH = path.join(APP_DIR, 'dist', 'messenger.js');
const BUILD_SCRIPT = path.join(APP_DIR, 'build.mjs');
/** The browser module the bundle is built from. */
const SOURCE_PATH = path.join(APP_DIR, 'src', 'messenger.ts');
const SESSION_COOKIE = 'demo_sid';

/** The demo site's users; a real site would have its own accounts. */
export const DEMO_USERS: readonly MessengerUser[] = [
  { userId: 'u_1001', email: 'ada@example.com', name: 'Ada Lovelace' },
  { userId: 'u_1002', email: 'grace@example.com', name: 'Grace Hopper' },
];

/** Options for {@link startExample}. */
export interface ExampleOptions {
  appId: string;
  /** Identity verification secret: the identity carries `user_hash`. */
  identitySecret?: string;
  /** Messenger API secret for JWTs: the identity carries `intercom_user_jwt` (wins over identitySecret). */
  jwtSecret?: string;
  /** JWT lifetime (seconds or a span like `'1h'`). */
  jwtExpiresIn?: number | string;
  /** Workspace region as the backend names it: `us` (default), `eu` or `au`. */
  region?: IntercomRegion;
  /** Longest wait for the Messenger to load and boot before the page says it did not (default 10 s). */
  bootTimeoutMs?: number;
  /** 0 picks a free port. Default 4000. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** A running example site. */
export interface RunningExample {
  url: string;
  port: number;
  close(): Promise<void>;
}

let bundleBuild: Promise<void> | null = null;

/** Builds dist/messenger.js (vite's build API, via app-intercom/build.mjs) when missing or older than its source. */
export function ensureBundle(): Promise<void> {
  if (existsSync(BUNDLE_PATH) && statSync(BUNDLE_PATH).mtimeMs >= statSync(SOURCE_PATH).mtimeMs) return Promise.resolve();
  bundleBuild ??= runBuild().finally(() => { bundleBuild = null; });
  return bundleBuild;
}

function runBuild(): Promise<void> {
  // vite is ESM-only and this file is CommonJS: a child Node process imports it natively,
  // whatever loads this file (tsx, compiled JS, or a test runner with its own require).
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [BUILD_SCRIPT], { cwd: APP_DIR, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0 && existsSync(BUNDLE_PATH)) resolve();
      else reject(new Error(`building ${BUNDLE_PATH} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

/** Starts the demo site; resolves once it listens. */
export async function startExample(opts: ExampleOptions): Promise<RunningExample> {
  if (!opts.appId) throw new Error('startExample: appId (INTERCOM_APP_ID) is required');
  const secret: IdentitySecret | null = opts.jwtSecret
    ? { kind: 'jwt', secret: opts.jwtSecret, expiresIn: opts.jwtExpiresIn }
    : opts.identitySecret ? { kind: 'hmac', secret: opts.identitySecret } : null;
  if (!secret) throw new Error('startExample: set identitySecret (INTERCOM_IDENTITY_SECRET) or jwtSecret (INTERCOM_JWT_SECRET)');
  if (opts.region !== undefined && !REGIONS.includes(opts.region)) throw new Error(`startExample: region must be us, eu or au (got ${opts.region})`);
  const boot: BootConfig = { appId: opts.appId, identityUrl: '/api/intercom-identity', ...(opts.region ? { region: opts.region } : {}), ...(opts.bootTimeoutMs ? { timeoutMs: opts.bootTimeoutMs } : {}) };
  await ensureBundle();

  // In memory on purpose: a demo with a single process; a real site has its own sessions.
  const sessions = new Map<string, string>();
  const server = http.createServer((req, res) => {
    handle(req, res, { boot, secret, sessions }).catch((err: unknown) => {
      console.error('[intercom-example]', err);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4000, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}

/** What the page passes to bootMessenger. */
interface BootConfig {
  appId: string;
  identityUrl: string;
  region?: IntercomRegion;
  timeoutMs?: number;
}

interface Ctx {
  boot: BootConfig;
  secret: IdentitySecret;
  sessions: Map<string, string>;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, ctx: Ctx): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = `${req.method} ${url.pathname}`;
  const sid = readCookie(req, SESSION_COOKIE);
  const user = sid ? findUser(ctx.sessions.get(sid)) : undefined;

  switch (route) {
    case 'GET /':
      return send(res, 200, 'text/html; charset=utf-8', renderPage(ctx.boot, user));
    case 'GET /messenger.js':
      return send(res, 200, 'text/javascript; charset=utf-8', await readFile(BUNDLE_PATH));
    case 'GET /api/intercom-identity': {
      res.setHeader('cache-control', 'no-store');
      if (!user) return sendJson(res, 401, { error: { code: 'unauthenticated', message: 'No one is signed in' } });
      return sendJson(res, 200, await messengerIdentity(user, ctx.secret));
    }
    case 'POST /login': {
      const form = new URLSearchParams(await readBody(req));
      const chosen = findUser(form.get('user') ?? undefined);
      if (!chosen) return send(res, 400, 'text/plain; charset=utf-8', 'Unknown demo user');
      if (sid) ctx.sessions.delete(sid);
      const newSid = randomBytes(18).toString('base64url');
      ctx.sessions.set(newSid, chosen.userId);
      res.setHeader('set-cookie', `${SESSION_COOKIE}=${newSid}; Path=/; HttpOnly; SameSite=Lax`);
      return redirect(res, '/');
    }
    case 'POST /logout':
      if (sid) ctx.sessions.delete(sid);
      res.setHeader('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
      return redirect(res, '/');
    case 'GET /login':
    case 'GET /logout':
      // Both change state, so they are POST-only; a stray GET just lands on the home page.
      return redirect(res, '/');
    default:
      return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
  }
}

function renderPage(bootConfig: BootConfig, user: MessengerUser | undefined): string {
  const account = user
    ? `<p id="who">Signed in as <strong>${esc(user.name ?? user.userId)}</strong> (${esc(user.email ?? '')})</p>
      <form id="logout-form" method="post" action="/logout"><button id="logout" type="submit">Log out</button></form>`
    : `<form id="login-form" method="post" action="/login">
        <label>Demo user <select name="user" id="user">${DEMO_USERS.map((u) =>
          `<option value="${esc(u.userId)}">${esc(`${u.name} <${u.email}>`)}</option>`).join('')}</select></label>
        <button id="login" type="submit">Sign in</button>
      </form>`;
  // JSON in a <script>: escape "<" so no value can close the element.
  const boot = JSON.stringify(bootConfig).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Intercom Messenger demo</title>
<style>body{font:16px system-ui,sans-serif;margin:2rem;max-width:40rem}form{margin:1rem 0}</style></head>
<body>
  <h1>Acme demo site</h1>
  ${account}
  <p id="status">Booting the Messenger...</p>
  <script src="/messenger.js"></script>
  <script>
    AppMessenger.bootMessenger(${boot}).then(function (r) {
      // Only what the Messenger itself acknowledged counts as booted.
      document.getElementById('status').textContent = !r.booted
        ? 'The Messenger did not load: ' + r.problem
        : r.identified
          ? 'Messenger booted for ' + r.settings.user_id + ' (identified)'
          : 'Messenger booted for an anonymous visitor';
    }, function (err) {
      document.getElementById('status').textContent = 'The Messenger did not load: ' + err.message;
    });
    var logout = document.getElementById('logout-form');
    if (logout) logout.addEventListener('submit', function (ev) {
      ev.preventDefault();
      // End the Intercom session before the site's, so the next visitor can't see this user's chats.
      AppMessenger.logoutMessenger();
      fetch('/logout', { method: 'POST', credentials: 'include' }).then(function () { location.href = '/'; });
    });
  </script>
</body>
</html>`;
}

function findUser(userId: string | undefined): MessengerUser | undefined {
  return userId ? DEMO_USERS.find((u) => u.userId === userId) : undefined;
}

function readCookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

async function readBody(req: http.IncomingMessage, limit = 16 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function redirect(res: http.ServerResponse, to: string): void {
  res.writeHead(303, { location: to });
  res.end();
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

if (require.main === module) {
  const appId = process.env.INTERCOM_APP_ID ?? '';
  const identitySecret = process.env.INTERCOM_IDENTITY_SECRET;
  const jwtSecret = process.env.INTERCOM_JWT_SECRET;
  if (!appId || (!identitySecret && !jwtSecret)) {
    console.error('Set INTERCOM_APP_ID and INTERCOM_IDENTITY_SECRET (or INTERCOM_JWT_SECRET).');
    process.exit(1);
  }
  const region = process.env.INTERCOM_REGION as IntercomRegion | undefined;
  startExample({
    appId,
    identitySecret,
    jwtSecret,
    ...(region ? { region } : {}),
    port: Number(process.env.PORT ?? 4000),
    host: process.env.HOST ?? '127.0.0.1',
  }).then((ex) => {
    console.log(`Intercom Messenger demo on ${ex.url} (${jwtSecret ? 'JWT' : 'user_hash'} identity)`);
  }, (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
