import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { ensureAdminBuilt } from './build-admin';

const ASSETS = path.join(__dirname, '..', '..', 'server', 'public', 'admin', 'assets');

let srv: TestServer;
let browser: Browser;

beforeAll(async () => {
  ensureAdminBuilt();
  srv = await startTestServer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

function directives(csp: string): Map<string, string> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values.join(' ')] as [string, string];
      }),
  );
}

describe('admin page security headers', () => {
  test('the page, its SPA routes and its assets carry the CSP, nosniff and no-referrer', async () => {
    const assets = fs.readdirSync(ASSETS).map((f) => `/admin/assets/${f}`);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const p of ['/admin', '/admin/', '/admin/actions/new', ...assets]) {
      const res = await fetch(srv.url + p);
      await res.arrayBuffer();
      expect([p, res.status]).toEqual([p, 200]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = directives(res.headers.get('content-security-policy') ?? '');
      expect(Object.fromEntries(csp)).toEqual({
        'default-src': "'self'",
        'script-src': "'self'",
        'style-src': "'self'",
        'connect-src': "'self'",
        'img-src': "'self' data:",
        'object-src': "'none'",
        'base-uri': "'none'",
        'form-action': "'self'",
        // Only the helpdesks that embed the page may frame it.
        'frame-ancestors': "'self' https://*.zendesk.com https://*.intercom.com https://*.intercom.io",
      });
    }
  });

  test('Chromium renders the sign-in page under the CSP with no violation, and the CSP does block an injected inline script', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        // Chromium logs a 404 for the favicon it asks for on its own; the page does not link one.
        if (m.type() === 'error' && !(m.text().includes('404') && m.location().url.endsWith('/favicon.ico'))) problems.push(`${m.text()} ${m.location().url}`);
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.addInitScript(() => {
        (window as unknown as { violations: string[] }).violations = [];
        document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { violations: string[] }).violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.goto(`${srv.url}/admin/`);
      await page.getByLabel('Admin token').waitFor();
      expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
      // The stylesheet applied (a style blocked by the CSP would leave the page unstyled).
      expect(await page.evaluate(() => Array.from(document.styleSheets).some((s) => s.cssRules.length > 0))).toBe(true);
      expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
      expect(problems).toEqual([]);

      // The policy is really in force: an inline script injected into the page does not run.
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.injected = true';
        document.body.appendChild(s);
      });
      await page.waitForFunction(() => (window as unknown as { violations: string[] }).violations.length > 0);
      expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
      expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([expect.stringMatching(/^script-src/)]);
    } finally {
      await context.close();
    }
  });
});
