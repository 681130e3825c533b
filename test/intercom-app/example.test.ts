/**
 * The example site in real Chromium. Intercom's widget hosts are answered by a stub script
 * that records what a real widget would read: `window.intercomSettings` when it loads, then
 * every `window.Intercom(...)` call (the SDK's queued ones included).
 */
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { jwtVerify } from 'jose';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startExample, type RunningExample } from '../../app-intercom/example/server';

const APP_ID = 'tst4pp1d';
const IDENTITY_SECRET = 'identity-secret-for-tests';
const JWT_SECRET = 'messenger-jwt-secret-for-tests';
const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');
const INTERCOM_HOSTS = /(^|\.)(intercom\.io|intercomcdn\.com)$/;

type Settings = Record<string, unknown>;
type StubEvent =
  | { type: 'load'; src: string; settings: Settings }
  | { type: 'call'; method: string; args: unknown[] };

// Stands in for https://widget.intercom.io/widget/<app_id>; plain ES5 like a real widget loader.
const WIDGET_STUB = `(function () {
  var record = window.__recordIntercom || function () {};
  var clone = function (v) { return JSON.parse(JSON.stringify(v === undefined ? null : v)); };
  var badge = function (s) {
    var el = document.getElementById('intercom-stub') || document.body.appendChild(document.createElement('div'));
    el.id = 'intercom-stub';
    el.style.cssText = 'position:fixed;right:20px;bottom:20px;padding:12px 16px;border-radius:24px;' +
      'background:#1f73b7;color:#fff;font:14px system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.3)';
    el.textContent = !s ? 'Intercom stub: shut down'
      : s.user_id ? 'Intercom stub: ' + s.user_id + (s.user_hash ? ' (user_hash)' : s.intercom_user_jwt ? ' (JWT)' : ' (unverified)')
      : 'Intercom stub: anonymous visitor';
  };
  var queued = (window.Intercom && window.Intercom.q) || [];
  var api = function (method) {
    var args = Array.prototype.slice.call(arguments, 1);
    record({ type: 'call', method: method, args: clone(args) });
    if (method === 'shutdown') { api.booted = false; badge(null); }
    if (method === 'boot') { api.booted = true; badge(args[0]); }
  };
  record({ type: 'load', src: document.currentScript ? document.currentScript.src : '', settings: clone(window.intercomSettings) });
  badge(window.intercomSettings);
  // Like the real widget: it boots from intercomSettings on load and says so in Intercom.booted.
  if (window.intercomSettings && window.intercomSettings.app_id) api.booted = true;
  for (var i = 0; i < queued.length; i++) api.apply(null, queued[i]);
  window.Intercom = api;
})();`;

const hmac = (userId: string) => createHmac('sha256', IDENTITY_SECRET).update(userId).digest('hex');

let browser: Browser;
let hmacSite: RunningExample;
let jwtSite: RunningExample;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Both start on port 0; the first builds dist/messenger.js with vite when it is missing.
  hmacSite = await startExample({ appId: APP_ID, identitySecret: IDENTITY_SECRET, port: 0 });
  jwtSite = await startExample({ appId: APP_ID, jwtSecret: JWT_SECRET, jwtExpiresIn: 600, port: 0 });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await hmacSite?.close();
  await jwtSite?.close();
});

// A widget that loads but never boots (e.g. a wrong app id or a domain Intercom does not allow).
const SILENT_WIDGET = `(function () { window.Intercom = function () {}; })();`;

/**
 * A page whose Intercom traffic goes to the stub and every other outside request is refused.
 * `widget`: 'stub' answers with the recording stub, 'silent' with a widget that never boots,
 * 'blocked' refuses the widget hosts like an ad blocker.
 */
async function openPage(widget: 'stub' | 'silent' | 'blocked' = 'stub'): Promise<{ page: Page; events: StubEvent[]; widgetUrls: string[] }> {
  const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
  const events: StubEvent[] = [];
  const widgetUrls: string[] = [];
  await page.exposeFunction('__recordIntercom', (e: StubEvent) => { events.push(e); });
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (INTERCOM_HOSTS.test(url.hostname)) {
      widgetUrls.push(url.href);
      if (widget === 'blocked') return route.abort('blockedbyclient');
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: widget === 'silent' ? SILENT_WIDGET : WIDGET_STUB });
    }
    if (url.hostname === '127.0.0.1') return route.continue();
    return route.abort();
  });
  return { page, events, widgetUrls };
}

async function waitForEvent<T extends StubEvent>(events: StubEvent[], pred: (e: StubEvent) => e is T, from = 0): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const hit = events.slice(from).find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no matching Intercom stub event; got ${JSON.stringify(events)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).filter({ hasText: text }).waitFor({ timeout: 10_000 });
  expect((await page.locator(selector).textContent())?.trim()).toBe(text);
}
const isLoad = (e: StubEvent): e is Extract<StubEvent, { type: 'load' }> => e.type === 'load';
const isCall = (method: string) => (e: StubEvent): e is Extract<StubEvent, { type: 'call' }> =>
  e.type === 'call' && e.method === method;

test('boots anonymously, then with user_id, email and the right user_hash after sign-in; shutdown on logout', async () => {
  const { page, events, widgetUrls } = await openPage();
  try {
    await page.goto(hmacSite.url);
    const anonymous = await waitForEvent(events, isLoad);
    expect(anonymous.settings).toMatchObject({ app_id: APP_ID, api_base: 'https://api-iam.intercom.io' });
    for (const field of ['user_id', 'email', 'name', 'user_hash', 'intercom_user_jwt']) {
      expect(anonymous.settings).not.toHaveProperty(field);
    }
    expect(widgetUrls[0]).toBe(`https://widget.intercom.io/widget/${APP_ID}`);
    await waitForText(page, '#status', 'Messenger booted for an anonymous visitor');

    // Sign in as the second demo user (a full form post + redirect, like a real site).
    const mark = events.length;
    await page.selectOption('#user', 'u_1002');
    await Promise.all([page.waitForURL(`${hmacSite.url}/`), page.click('#login')]);
    const verified = await waitForEvent(events, isLoad, mark);
    expect(verified.settings).toMatchObject({
      app_id: APP_ID,
      user_id: 'u_1002',
      email: 'grace@example.com',
      name: 'Grace Hopper',
      user_hash: hmac('u_1002'),
      installation_type: 'npm-package',
    });
    expect(verified.settings).not.toHaveProperty('intercom_user_jwt');
    expect(verified.src).toBe(`https://widget.intercom.io/widget/${APP_ID}`);
    await waitForText(page, '#status', 'Messenger booted for u_1002 (identified)');
    await waitForText(page, '#intercom-stub', 'Intercom stub: u_1002 (user_hash)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'intercom-example.png') });

    // Log out: the Messenger session ends before the site's, then the page boots a visitor.
    const beforeLogout = events.length;
    await page.click('#logout');
    await waitForEvent(events, isCall('shutdown'), beforeLogout);
    await page.locator('#login-form').waitFor();
    const afterLogout = await waitForEvent(events, isLoad, beforeLogout);
    expect(afterLogout.settings).not.toHaveProperty('user_id');
    expect(afterLogout.settings).not.toHaveProperty('user_hash');
    const shutdownAt = events.findIndex((e, i) => i >= beforeLogout && isCall('shutdown')(e));
    expect(shutdownAt).toBeLessThan(events.indexOf(afterLogout));

    const identity = await page.request.get(`${hmacSite.url}/api/intercom-identity`);
    expect(identity.status()).toBe(401);
  } finally {
    await page.close();
  }
});

test('JWT mode: intercom_user_jwt verifies with the secret; a re-boot in the same page uses "boot"', async () => {
  const { page, events } = await openPage();
  try {
    await page.goto(jwtSite.url);
    await waitForEvent(events, isLoad);
    const mark = events.length;
    await page.selectOption('#user', 'u_1001');
    await Promise.all([page.waitForURL(`${jwtSite.url}/`), page.click('#login')]);
    const { settings } = await waitForEvent(events, isLoad, mark);
    expect(settings).toMatchObject({ app_id: APP_ID, user_id: 'u_1001', email: 'ada@example.com' });
    expect(settings).not.toHaveProperty('user_hash');
    const { payload, protectedHeader } = await jwtVerify(String(settings.intercom_user_jwt), new TextEncoder().encode(JWT_SECRET));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ user_id: 'u_1001', email: 'ada@example.com' });
    expect(payload.exp! - payload.iat!).toBe(600);
    await expect(jwtVerify(String(settings.intercom_user_jwt), new TextEncoder().encode('wrong'))).rejects.toThrow();

    // Single-page apps: after logoutMessenger the SDK is loaded, so bootMessenger must "boot".
    const before = events.length;
    const result = await page.evaluate(async () => {
      const w = window as unknown as { AppMessenger: typeof import('../../app-intercom/src/messenger') };
      w.AppMessenger.logoutMessenger();
      return w.AppMessenger.bootMessenger({ appId: 'tst4pp1d', identityUrl: '/api/intercom-identity' });
    });
    expect(result.identified).toBe(true);
    await waitForEvent(events, isCall('shutdown'), before);
    const boot = await waitForEvent(events, isCall('boot'), before);
    expect(boot.args[0]).toMatchObject({ app_id: APP_ID, user_id: 'u_1001' });
    expect(typeof (boot.args[0] as Settings).intercom_user_jwt).toBe('string');
  } finally {
    await page.close();
  }
});

test('an identity endpoint that fails still gets visitors a Messenger, without user fields', async () => {
  const { page, events } = await openPage();
  try {
    // The site's backend is down for this one route; the page and the bundle still load.
    await page.route('**/api/intercom-identity', (route) => route.fulfill({ status: 503, body: 'down' }));
    await page.goto(hmacSite.url);
    const { settings } = await waitForEvent(events, isLoad);
    expect(settings).toMatchObject({ app_id: APP_ID });
    expect(settings).not.toHaveProperty('user_id');
    await waitForText(page, '#status', 'Messenger booted for an anonymous visitor');
  } finally {
    await page.close();
  }
});

describe('the page tells the truth about the Messenger (issue 16)', () => {
  let slowSite: RunningExample;
  let auSite: RunningExample;
  beforeAll(async () => {
    slowSite = await startExample({ appId: APP_ID, identitySecret: IDENTITY_SECRET, port: 0, bootTimeoutMs: 1500 });
    auSite = await startExample({ appId: APP_ID, identitySecret: IDENTITY_SECRET, port: 0, region: 'au' });
  });
  afterAll(async () => {
    await slowSite?.close();
    await auSite?.close();
  });

  const status = async (page: Page, starts: string) => {
    await page.locator('#status').filter({ hasText: starts }).waitFor({ timeout: 15_000 });
    return (await page.locator('#status').textContent())!.trim();
  };

  test('a blocked Messenger script is reported as not loaded, with the reason', async () => {
    const { page, widgetUrls } = await openPage('blocked');
    try {
      await page.goto(hmacSite.url);
      const text = await status(page, 'The Messenger did not load');
      expect(text).toContain(`the Messenger script (https://widget.intercom.io/widget/${APP_ID}) could not be loaded`);
      expect(text).not.toContain('booted');
      expect(widgetUrls).toEqual([`https://widget.intercom.io/widget/${APP_ID}`]);
    } finally {
      await page.close();
    }
  });

  test('a script that loads but never boots is reported after a bounded wait', async () => {
    const { page } = await openPage('silent');
    try {
      await page.goto(slowSite.url);
      const text = await status(page, 'The Messenger did not load');
      expect(text).toContain('the Messenger script loaded but did not start within 1.5 s');
      expect(text).not.toContain('booted for');
    } finally {
      await page.close();
    }
  });

  test('region au (the backend\'s name) reaches the SDK as its own value; other names are refused', async () => {
    const { page, events } = await openPage();
    try {
      await page.goto(auSite.url);
      const { settings } = await waitForEvent(events, isLoad);
      expect(settings).toMatchObject({ app_id: APP_ID, api_base: 'https://api-iam.au.intercom.io' });
      await waitForText(page, '#status', 'Messenger booted for an anonymous visitor');
      const refused = await page.evaluate(() => {
        const w = window as unknown as { AppMessenger: { bootMessenger(o: unknown): Promise<unknown> } };
        return w.AppMessenger.bootMessenger({ appId: 'tst4pp1d', identityUrl: '/api/intercom-identity', region: 'ap' }).then(
          () => 'booted',
          (e: Error) => e.message,
        );
      });
      expect(refused).toBe('bootMessenger: region must be us, eu or au (got ap)');
    } finally {
      await page.close();
    }
  });
});
