import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { lastToolResult, startFakeOpenAI, type ChatRequest, type FakeOpenAI, type ScriptedReply } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';
import { ensureAdminBuilt } from './build-admin';
import { startCustomerApi } from './customer-api';

const ARTIFACTS = path.join(__dirname, '..', 'artifacts');
const ASK = 'I can cancel order ORD-12345 for you. Shall I go ahead?';
const MOCKED = 'Order ORD-12345 is on its way (mock data).';
const DONE = 'Done: cancel order (order number: ORD-12345) went through.';
const DECLINED = "OK, I won't do that: cancel order (order number: ORD-12345) was not done. Nothing was changed.";

let browser: Browser;
let srv: TestServer;
let llm: FakeOpenAI;
let customer: Awaited<ReturnType<typeof startCustomerApi>>;
const pageErrors: string[] = [];

/** "cancel" proposes cancel_order, "where" looks the order up; then the model answers from the result. */
function script(req: ChatRequest): ScriptedReply {
  const last = req.messages[req.messages.length - 1];
  const said = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const cancel = /cancel/i.test(said);
  if (last?.role === 'tool') return { content: cancel ? ASK : /mock/.test(lastToolResult(req) ?? '') ? MOCKED : 'It shipped.' };
  return { toolCalls: [{ name: cancel ? 'cancel_order' : 'lookup_order', arguments: { order_number: 'ORD-12345' } }] };
}

beforeAll(async () => {
  ensureAdminBuilt();
  [llm, customer] = await Promise.all([startFakeOpenAI(script), startCustomerApi()]);
  srv = await startTestServer({ OPENAI_BASE_URL: llm.url });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const create = async (a: Record<string, unknown>) => {
    const r = await api(srv.url, srv.token, 'POST', '/v1/actions', a);
    if (r.status !== 201) throw new Error(`action: ${r.status} ${r.text}`);
  };
  await create({
    name: 'lookup_order',
    description: 'Look up an order by its number',
    method: 'GET',
    url: `${customer.url}/orders/{{order_number}}`,
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
    mock: { status: 200, body: { order: { number: 'ORD-12345', status: 'mock shipped' } } },
  });
  await create({
    name: 'cancel_order',
    description: 'Cancel an order when the customer asks to cancel it',
    method: 'POST',
    url: `${customer.url}/orders/{{order_number}}/cancel`,
    headers: [{ key: 'X-Api-Key', value: 'ak_live_playground_secret_55aa' }],
    body: '{"order": "{{order_number}}", "reason": "customer request"}',
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([srv?.close(), llm?.close(), customer?.close()]);
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

/** A signed-in page on the playground; the bodies it sends to start conversations are collected. */
async function playground(): Promise<{ page: Page; starts: unknown[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const starts: unknown[] = [];
  page.on('request', (r: Request) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/conversations') starts.push(r.postDataJSON());
  });
  await page.goto(`${srv.url}/admin/`);
  await page.getByLabel('Admin token').fill(srv.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playground' }).click();
  await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
  return { page, starts };
}

async function say(page: Page, text: string): Promise<void> {
  const before = await page.locator('.message-assistant').count();
  await page.fill('#pg-message', text);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('.message-assistant').length > n, before);
}

const posts = () => customer.received.filter((r) => r.method === 'POST');

describe('admin playground: sandbox and confirmation', () => {
  test('the sandbox is on by default and explained; a mock answer is labelled as such', async () => {
    const { page, starts } = await playground();
    const sandbox = page.getByLabel('Sandbox');
    expect(await sandbox.isChecked()).toBe(true);
    expect(await page.locator('#pg-sandbox-hint').innerText()).toContain('write actions without a mock are dry runs (nothing is sent)');
    const received = customer.received.length;
    await say(page, 'Where is my order ORD-12345?');
    expect(starts).toEqual([expect.objectContaining({ sandbox: true, channel: 'playground' })]);
    const answer = page.locator('.message-assistant').last();
    expect(await answer.locator('.message-text').innerText()).toBe(MOCKED);
    expect(await answer.locator('.call-with-mode .mode-label').innerText()).toBe('Mock answer (sandbox)');
    expect(customer.received.length).toBe(received);
    // The switch belongs to the conversation: fixed once it started.
    expect(await sandbox.isDisabled()).toBe(true);
    await page.context().close();
  });

  test('a pending write shows once with its rendered request; Confirm runs it (a dry run in the sandbox) and shows the reply', async () => {
    const { page } = await playground();
    await say(page, 'Please cancel order ORD-12345');
    const answer = page.locator('.message-assistant').last();
    expect(await answer.locator('.message-text').innerText()).toBe(ASK);
    const cards = page.getByRole('article', { name: 'Proposed call to cancel_order' });
    expect(await cards.count()).toBe(1);
    const card = cards.first();
    const text = await card.innerText();
    expect(text).toContain("Waiting for the customer's confirmation");
    expect(text).toContain(`${customer.url}/orders/ORD-12345/cancel`);
    expect(await card.getByLabel('Request body').innerText()).toBe(JSON.stringify({ order: 'ORD-12345', reason: 'customer request' }, null, 2));
    expect(text).toContain('X-Api-Key');
    expect(text).not.toContain('ak_live_playground_secret_55aa');
    // Not a failed call: no red card, no call article for the held write.
    expect(await answer.locator('.badge-error').count()).toBe(0);
    expect(await answer.getByRole('article', { name: 'Call to cancel_order', exact: true }).count()).toBe(0);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground-pending.png'), fullPage: true });

    const confirms: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/proposals\/[^/]+\/(confirm|decline)$/.test(new URL(r.url()).pathname)) confirms.push(new URL(r.url()).pathname);
    });
    await card.getByRole('button', { name: 'Confirm cancel_order' }).click();
    const outcome = page.locator('.message-assistant').last();
    await outcome.getByText(DONE).waitFor();
    expect(confirms).toEqual([expect.stringMatching(/^\/v1\/conversations\/[^/]+\/proposals\/[^/]+\/confirm$/)]);
    expect(await outcome.locator('.call-with-mode .mode-label').innerText()).toBe('Dry run: nothing was sent');
    expect(posts()).toHaveLength(0);
    // The card now shows the outcome, without buttons; still one card.
    expect(await cards.count()).toBe(1);
    expect(await card.locator('.badge').innerText()).toBe('done');
    expect(await card.getByRole('button').count()).toBe(0);
    await page.context().close();
  });

  test('Decline: nothing runs, the reply says so', async () => {
    const { page } = await playground();
    await say(page, 'Cancel order ORD-12345 please');
    const card = page.getByRole('article', { name: 'Proposed call to cancel_order' });
    await card.getByRole('button', { name: 'Decline cancel_order' }).click();
    await page.locator('.message-assistant').last().getByText(DECLINED).waitFor();
    expect(await card.locator('.badge').innerText()).toBe('declined');
    expect(await page.locator('.message-user').last().innerText()).toContain('Declined cancel_order');
    expect(posts()).toHaveLength(0);
    await page.context().close();
  });

  test('with the sandbox off, Confirm calls the API for real, once', async () => {
    const { page, starts } = await playground();
    await page.getByLabel('Sandbox').uncheck();
    await say(page, 'Cancel ORD-12345');
    expect(starts).toEqual([expect.objectContaining({ sandbox: false })]);
    const card = page.getByRole('article', { name: 'Proposed call to cancel_order' });
    await card.getByRole('button', { name: 'Confirm cancel_order' }).dblclick();
    const outcome = page.locator('.message-assistant').last();
    await outcome.getByText(DONE).waitFor();
    expect(posts()).toHaveLength(1);
    expect(posts()[0]!.headers['idempotency-key']).toBeTruthy();
    expect(await outcome.locator('.call-with-mode .mode-label').count()).toBe(0);
    expect(await page.locator('.message-assistant').count()).toBe(2);
    await page.context().close();
  });
});
