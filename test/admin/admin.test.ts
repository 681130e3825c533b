import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { lastToolResult, startFakeOpenAI, type ChatRequest, type FakeOpenAI, type ScriptedReply } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';
import { ensureAdminBuilt } from './build-admin';
import { startCustomerApi } from './customer-api';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const DOCS = path.join(__dirname, '..', '..', 'docs', 'screenshots');
/** The secret typed once at creation; later edits must keep it without retyping. */
const SECRET = 'sk_live_original_token_7f3a9c21';
const REPLY = 'Your order ORD-12345 has shipped. Tracking number: 1Z999AA10123456784.';
const ASK = 'I can cancel order ORD-12345 for you. Shall I go ahead?';
const DONE = 'Done: order ORD-12345 is cancelled.';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let srv: TestServer;
let llm: FakeOpenAI;
let customer: Awaited<ReturnType<typeof startCustomerApi>>;
let actionId = '';
/** Uncaught errors and CSP violations in the page: there must be none. */
const pageErrors: string[] = [];

/**
 * The scripted model: "where" looks the order up; "cancel" and "yes" call cancel_order (a
 * write action: the first call becomes a proposal, the one after "yes" runs); then it answers
 * from the tool result.
 */
function orderScript(req: ChatRequest): ScriptedReply {
  const last = req.messages[req.messages.length - 1];
  const said = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const writes = /cancel|^yes/i.test(said);
  if (last?.role === 'tool') {
    if (!writes) return { content: REPLY };
    return { content: /not run yet/.test(lastToolResult(req) ?? '') ? ASK : DONE };
  }
  return { toolCalls: [{ name: writes ? 'cancel_order' : 'lookup_order', arguments: { order_number: 'ORD-12345' } }] };
}

async function shot(name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.mouse.move(0, 0); // no hover styles in the pictures
  await page.screenshot({ path: file, fullPage: true });
  // The README's committed copies are refreshed on request, so a test run leaves the tree clean.
  const doc = path.join(DOCS, name);
  if (process.env.UPDATE_SCREENSHOTS === '1' || !fs.existsSync(doc)) {
    fs.mkdirSync(DOCS, { recursive: true });
    fs.copyFileSync(file, doc);
  }
}

async function signIn(p: Page): Promise<void> {
  await p.goto(`${srv.url}/admin/`);
  await p.getByLabel('Admin token').fill(srv.token);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();
}

async function nav(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
}

const text = (sel: string) => page.locator(sel).innerText();

beforeAll(async () => {
  ensureAdminBuilt();
  [llm, customer] = await Promise.all([startFakeOpenAI(orderScript), startCustomerApi()]);
  srv = await startTestServer({ OPENAI_BASE_URL: llm.url });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // The page is served with a strict CSP: anything it refuses would show up here.
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([srv?.close(), llm?.close(), customer?.close()]);
});

describe('admin page (real Chromium, real server, local customer API, scripted LLM)', () => {
  test('sign-in says in words that a wrong token is refused, then accepts the right one', async () => {
    await page.goto(`${srv.url}/admin/`);
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const err = page.locator('#admin-token-error');
    await err.waitFor();
    expect(await err.innerText()).toContain('not valid (the server answered 401 Unauthorized)');

    await page.getByLabel('Admin token').fill(srv.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();
    expect(page.url()).not.toContain(srv.token);
    // Waited for, not read once: it failed once under load with an empty session storage (cause not found; see the closing note of issue 13).
    await page.waitForFunction((t) => Object.values(sessionStorage).includes(t), srv.token, { timeout: 10_000 });
    // The list loads after the heading (beside the setup checklist): wait for it, then check it.
    const empty = page.getByText('No actions yet');
    await empty.waitFor();
    expect(await empty.isVisible()).toBe(true);
  });

  test('an action is created through every tab; API field errors appear at their fields', async () => {
    await page.getByRole('link', { name: 'New action' }).click();
    await page.getByRole('heading', { level: 1, name: 'New action' }).waitFor();

    // Endpoint: a description too short and a URL naming an undeclared variable.
    await page.fill('#f-name', 'lookup_order');
    await page.fill('#f-description', 'Orders');
    await page.selectOption('#f-method', 'GET');
    await page.fill('#f-url', `${customer.url}/orders/{{order_id}}`);

    // Tabs follow the WAI-ARIA pattern: arrow keys move between them.
    await page.getByRole('tab', { name: 'Endpoint' }).focus();
    await page.keyboard.press('ArrowRight');
    const authTab = page.getByRole('tab', { name: 'Authentication' });
    expect(await authTab.getAttribute('aria-selected')).toBe('true');
    expect(await authTab.evaluate((el) => el === document.activeElement)).toBe(true);

    await page.selectOption('#f-auth-type', 'bearer');
    await page.fill('#f-auth-token', SECRET);
    expect(await page.getAttribute('#f-auth-token', 'type')).toBe('password');

    await page.getByRole('tab', { name: 'Parameters' }).click();
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.fill('#f-headers-0-key', 'Accept');
    await page.fill('#f-headers-0-value', 'application/json');
    await page.getByRole('button', { name: 'Add query parameter' }).click();
    await page.fill('#f-query-0-key', 'include');
    await page.fill('#f-query-0-value', 'items');
    // Live body validation accepts placeholders and names what is wrong.
    await page.fill('#f-body', '{"qty": {{quantity}}, "note": "for {{contact.email}}"}');
    expect(await text('#f-body-live')).toContain('Unknown variable: {{quantity}}');
    await page.fill('#f-body', '{"qty": {{quantity');
    expect(await text('#f-body-live')).toContain('Not valid JSON');
    await page.fill('#f-body', '');
    expect(await text('#f-body-live')).toContain('No body is sent.');

    await page.getByRole('tab', { name: 'Variables' }).click();
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.fill('#f-variables-0-name', 'order_number');
    await page.selectOption('#f-variables-0-type', 'string');
    await page.fill('#f-variables-0-description', 'The order number, e.g. ORD-12345');
    await page.fill('#f-variables-0-example', 'ORD-12345');

    await page.getByRole('tab', { name: 'Rules' }).click();
    await page.selectOption('#f-audience', 'everyone');
    await page.fill('#f-timeoutMs', '5000');
    await page.fill('#f-response-maxChars', '2000');
    expect(await page.isChecked('#f-confirm')).toBe(false);

    await page.getByRole('button', { name: 'Create action' }).click();
    await page.locator('.error-summary').waitFor();
    // The editor jumps to the tab of the first error; each message sits under its field.
    expect(await page.getByRole('tab', { name: /Endpoint/ }).getAttribute('aria-selected')).toBe('true');
    expect(await text('#f-description-error')).toContain('must be at least 10 characters');
    expect(await text('#f-url-error')).toContain('unknown variable {{order_id}}');
    expect(await page.getAttribute('#f-description', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#f-description', 'aria-describedby')).toContain('f-description-error');

    await page.fill('#f-description', 'Look up an order when the customer asks where it is');
    await page.fill('#f-url', `${customer.url}/orders/{{order_number}}`);
    await shot('admin-action-editor.png');
  });

  test('test before saving shows the masked request, status and body; keys become response fields', async () => {
    expect(await page.inputValue('#test-var-order_number')).toBe('ORD-12345');
    await page.fill('#test-contact-email', 'ada@example.com');
    const before = customer.received.length;
    await page.getByRole('button', { name: 'Run test' }).click();
    const result = page.locator('.test-result');
    await result.waitFor();
    expect(await result.locator('.badge').first().innerText()).toContain('200');
    expect(await result.innerText()).toContain('shipped');
    expect(await result.innerText()).toContain(`${customer.url}/orders/ORD-12345?include=items`);
    // The echo masks the secret; the customer API got the real one.
    expect(await result.innerText()).not.toContain(SECRET);
    expect(await result.innerText()).toContain('••••9c21');
    expect(customer.received.length).toBe(before + 1);
    expect(customer.last()!.headers.authorization).toBe(`Bearer ${SECRET}`);

    // A write method asks before it really calls the API; cancelling sends nothing.
    await page.getByRole('tab', { name: 'Endpoint' }).click();
    await page.selectOption('#f-method', 'POST');
    const sent = customer.received.length;
    await page.getByRole('button', { name: 'Run test' }).click();
    const warning = page.getByRole('alertdialog', { name: 'This really sends a POST request' });
    await warning.waitFor();
    await warning.getByRole('button', { name: 'Cancel' }).click();
    expect(await warning.count()).toBe(0);
    expect(customer.received.length).toBe(sent);
    await page.selectOption('#f-method', 'GET');

    await result.getByRole('button', { name: '"status"' }).click();
    await result.getByRole('button', { name: '"tracking"' }).click();
    expect(await result.getByRole('button', { name: '"status"' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('tab', { name: 'Rules' }).click();
    const chips = page.getByRole('list', { name: 'Chosen response fields' });
    expect(await chips.innerText()).toContain('order.status');
    expect(await chips.innerText()).toContain('order.tracking');
    await result.scrollIntoViewIfNeeded();
    await shot('admin-test-result.png');
  });

  test('save, then edit without retyping the secret: the stored secret is kept', async () => {
    await page.getByRole('button', { name: 'Create action' }).click();
    await page.getByText('Action lookup_order created.').waitFor();
    actionId = decodeURIComponent(page.url().split('/admin/actions/')[1]!);
    const saved = await api(srv.url, srv.token, 'GET', `/v1/actions/${actionId}`);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      name: 'lookup_order',
      method: 'GET',
      url: `${customer.url}/orders/{{order_number}}`,
      headers: [{ key: 'Accept', value: 'application/json' }],
      query: [{ key: 'include', value: 'items' }],
      body: null,
      timeoutMs: 5000,
      confirm: false,
      response: { fields: ['order.status', 'order.tracking'], maxChars: 2000 },
      variables: [{ name: 'order_number', type: 'string', example: 'ORD-12345', required: true }],
    });
    expect(saved.body.auth.token).toMatch(/^••••/);
    expect(saved.body.auth.token).not.toContain(SECRET);

    // A reload keeps the session (session storage) and shows the secret only as its mask.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Edit lookup_order' }).waitFor();
    await page.getByRole('tab', { name: 'Authentication' }).click();
    expect(await page.inputValue('#f-auth-token')).toBe('');
    expect(await page.getAttribute('#f-auth-token', 'placeholder')).toContain(saved.body.auth.token);
    await page.getByRole('tab', { name: 'Endpoint' }).click();
    await page.fill('#f-description', 'Look up an order and its tracking when the customer asks where it is');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved lookup_order.').waitFor();

    const after = await api(srv.url, srv.token, 'GET', `/v1/actions/${actionId}`);
    expect(after.body.description).toBe('Look up an order and its tracking when the customer asks where it is');
    const run = await api(srv.url, srv.token, 'POST', `/v1/actions/${actionId}/test`, { variables: { order_number: 'ORD-777' } });
    expect(run.status).toBe(200);
    expect(run.body.ok).toBe(true);
    expect(customer.last()!.url).toBe('/orders/ORD-777?include=items');
    expect(customer.last()!.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  test('the list shows method, URL, last call and error rate; the toggle flips enabled', async () => {
    await nav('Actions');
    const row = page.getByRole('row', { name: /lookup_order/ });
    await row.waitFor();
    expect(await row.innerText()).toContain(`${customer.url}/orders/{{order_number}}`);
    await row.locator('.badge-ok').waitFor();
    // Only test runs so far: they are left out of the error rate (GET /v1/stats/actions).
    await row.getByText('No calls yet').waitFor();

    const toggle = page.getByRole('switch', { name: /lookup_order/ });
    await toggle.click();
    await page.waitForFunction(() => document.querySelector('[role=switch]')?.nextElementSibling?.textContent?.includes('Off'));
    expect((await api(srv.url, srv.token, 'GET', `/v1/actions/${actionId}`)).body.enabled).toBe(false);
    await toggle.click();
    await page.waitForFunction(() => document.querySelector('[role=switch]')?.nextElementSibling?.textContent?.includes('On'));
    const back = (await api(srv.url, srv.token, 'GET', `/v1/actions/${actionId}`)).body;
    expect(back.enabled).toBe(true);
    expect(back.auth.token).toMatch(/^••••/);
    // The toggle PUT the masked action back; the secret must still be the original.
    await api(srv.url, srv.token, 'POST', `/v1/actions/${actionId}/test`, { variables: { order_number: 'ORD-8' } });
    expect(customer.last()!.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  test('the playground shows the reply and the call behind it', async () => {
    await nav('Playground');
    await page.fill('#pg-email', 'ada@example.com');
    await page.fill('#pg-name', 'Ada Lovelace');
    expect(await page.isChecked('#pg-verified')).toBe(true);
    await page.fill('#pg-message', 'Where is my order ORD-12345?');
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.locator('.message-assistant');
    await answer.getByText(REPLY).waitFor();
    const call = answer.getByRole('article', { name: 'Call to lookup_order' });
    expect(await call.innerText()).toContain('200');
    expect(await call.innerText()).toContain(`${customer.url}/orders/ORD-12345?include=items`);
    expect(llm.requests[0]!.tools?.map((t) => t.function.name)).toContain('lookup_order');
    await shot('admin-playground.png');
  });

  test('a write action waits in the playground for the customer to confirm', async () => {
    const created = await api(srv.url, srv.token, 'POST', '/v1/actions', {
      name: 'cancel_order',
      description: 'Cancel an order when the customer asks to cancel it',
      method: 'POST',
      url: `${customer.url}/orders/{{order_number}}/cancel`,
      variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
    });
    expect(created.status).toBe(201);
    try {
      await page.getByRole('button', { name: 'New conversation' }).click();
      // The sandbox (on by default) would make the write a dry run: this test runs it for real.
      await page.getByLabel('Sandbox').uncheck();
      await page.fill('#pg-name', 'Grace Hopper');
      const cancels = () => customer.received.filter((r) => r.method === 'POST').length;
      await page.fill('#pg-message', 'Please cancel order ORD-12345');
      await page.getByRole('button', { name: 'Send' }).click();
      const waiting = page.getByRole('article', { name: 'Proposed call to cancel_order' });
      await waiting.waitFor();
      expect(await waiting.innerText()).toContain('waiting for confirmation');
      // The rendered request: the URL with the value filled in.
      expect(await waiting.innerText()).toContain(`${customer.url}/orders/ORD-12345/cancel`);
      expect(await page.locator('.message-assistant').last().innerText()).toContain(ASK);
      expect(cancels()).toBe(0);

      await page.fill('#pg-message', 'yes');
      await page.getByRole('button', { name: 'Send' }).click();
      const answer = page.locator('.message-assistant').last();
      await answer.getByText(DONE).waitFor();
      expect(await answer.getByRole('article', { name: 'Call to cancel_order' }).innerText()).toContain('200');
      expect(cancels()).toBe(1);
    } finally {
      await api(srv.url, srv.token, 'DELETE', `/v1/actions/${created.body.id}`);
    }
  });

  test('the conversation log shows the messages with the call inline, filterable', async () => {
    await nav('Conversations');
    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.getByRole('heading', { level: 1, name: 'Conversation with Ada Lovelace' }).waitFor();
    expect(await page.locator('.thread').innerText()).toContain('Where is my order ORD-12345?');
    expect(await page.locator('.thread').innerText()).toContain(REPLY);
    const call = page.getByRole('article', { name: 'Call to lookup_order' });
    expect(await call.innerText()).toContain('200');
    await call.getByText('Request headers (secrets masked)').click();
    expect(await call.innerText()).toContain('••••9c21');
    expect(await call.innerText()).not.toContain(SECRET);

    await page.selectOption('#conv-filter-status', 'error');
    expect(await page.getByRole('article', { name: 'Call to lookup_order' }).count()).toBe(0);
    expect(await page.getByText('Showing 0 of 1 calls.').isVisible()).toBe(true);
    await page.selectOption('#conv-filter-status', 'ok');
    expect(await page.getByRole('article', { name: 'Call to lookup_order' }).count()).toBe(1);

    // The call log across conversations filters through the API.
    await nav('Conversations');
    await page.getByRole('link', { name: 'Call log' }).click();
    await page.selectOption('#log-filter-action', 'lookup_order');
    await page.selectOption('#log-filter-status', 'http_5xx');
    await page.getByText('No calls match.').waitFor();
    await page.selectOption('#log-filter-status', 'ok');
    await page.locator('.call-item').first().waitFor();
    expect(await page.locator('.call-item').count()).toBeGreaterThanOrEqual(3);
  });

  test('settings keep masked secrets; the User Data API is tested by email; the audit log lists changes', async () => {
    await nav('Settings');
    await page.fill('#f-instructions', 'Be brief and friendly.');
    await page.fill('#f-zendesk-subdomain', 'acme');
    await page.fill('#f-zendesk-apiToken', 'zd_api_token_secret_0042');
    await page.getByRole('button', { name: 'Save settings' }).first().click();
    await page.getByText('Settings saved.').waitFor();
    const s1 = (await api(srv.url, srv.token, 'GET', '/v1/settings')).body;
    expect(s1.zendesk.apiToken).toBe('••••0042');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(await page.inputValue('#f-zendesk-apiToken')).toBe('');
    expect(await page.getAttribute('#f-zendesk-apiToken', 'placeholder')).toContain('••••0042');
    await page.fill('#f-zendesk-subdomain', 'not a subdomain');
    await page.getByRole('button', { name: 'Save settings' }).first().click();
    expect(await page.locator('#f-zendesk-subdomain-error').innerText()).toContain('must be the subdomain only');
    await page.fill('#f-zendesk-subdomain', 'acme2');
    await page.getByRole('button', { name: 'Save settings' }).first().click();
    // A stored secret is bound to its address: a new subdomain needs it typed again.
    expect(await page.locator('#f-zendesk-apiToken-error').innerText()).toContain('type the secret again');
    await page.fill('#f-zendesk-apiToken', 'zd_api_token_secret_0042');
    await page.getByRole('button', { name: 'Save settings' }).first().click();
    await page.getByText('Settings saved.').waitFor();
    const s2 = (await api(srv.url, srv.token, 'GET', '/v1/settings')).body;
    expect(s2.zendesk).toMatchObject({ subdomain: 'acme2', apiToken: '••••0042' });

    await nav('User Data API');
    await page.getByRole('heading', { level: 1, name: 'User Data API' }).waitFor();
    await page.check('#f-enabled');
    await page.fill('#f-url', `${customer.url}/customers?email={{contact.email}}`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('User Data API saved.').waitFor();
    await page.fill('#ud-test-email', 'grace@example.com');
    await page.getByRole('button', { name: 'Run test' }).click();
    const result = page.locator('.test-result');
    await result.waitFor();
    expect(await result.innerText()).toContain('Pro yearly');
    expect(customer.last()!.url).toBe('/customers?email=grace%40example.com');

    await nav('Audit log');
    const table = page.locator('.audit-table');
    await table.waitFor();
    expect(await table.innerText()).toContain('Action lookup_order created');
    expect(await table.innerText()).toContain('Action lookup_order updated');
    expect(await table.innerText()).toContain('Settings');
  });

  test('at 400 px wide nothing overflows sideways', async () => {
    const narrow = await browser.newContext({ viewport: { width: 400, height: 800 } });
    const p = await narrow.newPage();
    try {
      await signIn(p);
      const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await p.getByRole('link', { name: 'lookup_order' }).click();
      await p.getByRole('heading', { level: 1, name: 'Edit lookup_order' }).waitFor();
      for (const tab of ['Endpoint', 'Authentication', 'Parameters', 'Variables', 'Rules']) {
        await p.getByRole('tab', { name: tab }).click();
        expect(await overflow()).toBeLessThanOrEqual(0);
      }
      await p.screenshot({ path: path.join(ARTIFACTS, 'admin-narrow-editor.png'), fullPage: true });
      for (const name of ['Playground', 'Conversations', 'Settings', 'Audit log']) {
        await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
        await p.locator('h1').first().waitFor();
        expect(await overflow()).toBeLessThanOrEqual(0);
      }
      await p.screenshot({ path: path.join(ARTIFACTS, 'admin-narrow-audit.png'), fullPage: true });
    } finally {
      await narrow.close();
    }
  });

  test('delete asks first, then removes the action', async () => {
    await nav('Actions');
    await page.getByRole('link', { name: 'lookup_order' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await api(srv.url, srv.token, 'GET', '/v1/actions')).body.actions).toHaveLength(1);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete lookup_order' }).click();
    await page.getByText('No actions yet').waitFor();
    expect((await api(srv.url, srv.token, 'GET', '/v1/actions')).body.actions).toHaveLength(0);
    expect((await api(srv.url, srv.token, 'GET', `/v1/actions/${actionId}`)).status).toBe(404);
    expect(pageErrors).toEqual([]);
  });
});
