import { chromium, type Browser, type Page } from 'playwright-core';
import { startFakeOpenAI, type FakeOpenAI, type Script } from '../support/fake-openai';
import { startTestServer, type TestServer } from '../support/server';
import { ensureAdminBuilt } from './build-admin';
import { startCustomerApi } from './customer-api';

/** A server, the stand-in customer API and Chromium, for admin page tests that need no LLM turns. */
export interface AdminHarness {
  srv: TestServer;
  /** The scripted model the server talks to (unless `env` points it elsewhere). */
  llm: FakeOpenAI;
  customer: Awaited<ReturnType<typeof startCustomerApi>>;
  browser: Browser;
  /** Uncaught errors of every page opened with newPage: a test ends with none. */
  pageErrors: string[];
  /** A fresh signed-in page (own context: session storage does not leak between tests). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** `env` overrides the server's environment (e.g. no model at all); `script` drives the model. */
export async function startAdminHarness(opts: { env?: Record<string, string>; script?: Script } = {}): Promise<AdminHarness> {
  ensureAdminBuilt();
  const [llm, customer] = await Promise.all([startFakeOpenAI(opts.script ?? (() => ({ content: 'ok' }))), startCustomerApi()]);
  const srv = await startTestServer({ OPENAI_BASE_URL: llm.url, ...opts.env });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const pageErrors: string[] = [];
  return {
    srv,
    llm,
    customer,
    browser,
    pageErrors,
    async newPage() {
      // Clipboard access: the Copy buttons are checked by reading what they copied.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'], baseURL: srv.url });
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${srv.url}/admin/`);
      await page.getByLabel('Admin token').fill(srv.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();
      return page;
    },
    async close() {
      await browser.close();
      await Promise.all([srv.close(), llm.close(), customer.close()]);
    },
  };
}

/** The id of the element that has focus in the page. */
export function focusedId(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.id ?? '');
}

/** The accessible text of the focused element (buttons: their label). */
export function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? '');
}

/** Waits until the focused element reads `text` (focus moves in an effect after the render). */
export async function expectFocusOn(page: Page, text: string): Promise<void> {
  await page.waitForFunction((want) => (document.activeElement as HTMLElement | null)?.innerText === want, text);
  expect(await focusedText(page)).toBe(text);
}
