import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { ChatRequest, ScriptedReply } from '../support/fake-openai';
import { api } from '../support/server';
import { startAdminHarness, type AdminHarness } from './harness';

/** The Scenarios section: files kept in the browser, Run all on the server, a scenario from a conversation (issue 15). */

/** "where is ORD-x" looks the order up, then answers that it shipped; anything else gets a greeting. */
function script(req: ChatRequest): ScriptedReply {
  const last = req.messages[req.messages.length - 1];
  if (last?.role === 'tool') return { content: 'Your order has shipped.' };
  const m = /where is (ORD-\d+)/i.exec(last?.content ?? '');
  return m ? { toolCalls: [{ name: 'lookup_scenario', arguments: { order_number: m[1] } }] } : { content: 'Hello! How can I help?' };
}

const PASSING = `name: order status
customer: {email: ann@example.com, verified: true}
turns:
  - say: Where is ORD-123?
    expect:
      calls: [{action: lookup_scenario, args: {order_number: ORD-123}}]
      reply: {contains: [shipped]}
`;

const FAILING = JSON.stringify({
  name: 'greeting must not look anything up',
  customer: { verified: false },
  turns: [{ say: 'Hi there, where is ORD-9?', expect: { calls: [], reply: { contains: ['refund'] } } }],
});

let h: AdminHarness;

beforeAll(async () => {
  h = await startAdminHarness({ script });
  const r = await api(h.srv.url, h.srv.token, 'POST', '/v1/actions', {
    name: 'lookup_scenario',
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    url: `${h.customer.url}/orders/{{order_number}}`,
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
  });
  expect(r.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

afterEach(() => {
  expect(h.pageErrors).toEqual([]);
});

/** Presses Run all and waits for the results; a refusal fails with the page's own words. */
async function runAll(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Run all/ }).click();
  const results = page.getByRole('region', { name: 'Results' });
  // The results' own summary is a status (red when a scenario failed); a refusal is not.
  const refused = page.locator('main .notice-error:not([role="status"])');
  await results.or(refused).first().waitFor({ timeout: 90_000 });
  expect(await refused.count() ? await refused.first().innerText() : null).toBeNull();
}

async function openScenarios(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scenarios' }).click();
  await page.getByRole('heading', { level: 1, name: 'Scenarios' }).waitFor();
}

describe('Scenarios section', () => {
  test('pasted YAML and an uploaded JSON file are kept in the browser; Run all shows each result with the failing expectation highlighted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scen-'));
    const upload = path.join(dir, 'greeting.json');
    fs.writeFileSync(upload, FAILING);
    const page = await h.newPage();
    try {
      await openScenarios(page);
      await page.fill('#scenario-name', 'order-status.yaml');
      await page.fill('#scenario-text', PASSING);
      await page.getByRole('button', { name: 'Save the pasted scenario' }).click();
      await page.getByText('order-status.yaml saved in this browser.').waitFor();
      await page.setInputFiles('#scenario-upload', upload);
      await page.getByText('greeting.json saved in this browser.').waitFor();
      // A bad name is refused in words.
      await page.fill('#scenario-name', 'notes.txt');
      await page.fill('#scenario-text', PASSING);
      await page.getByRole('button', { name: 'Save the pasted scenario' }).click();
      await page.getByText('must end in .yaml, .yml or .json').waitFor();

      // Kept across a reload (localStorage), listed with the scenario's own name.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Scenarios' }).waitFor();
      const files = page.locator('.scenario-file');
      await page.getByText('order status · 1 turn').waitFor();
      expect(await files.count()).toBe(2);

      expect(await page.getByRole('button', { name: 'Run all (2)' }).isEnabled()).toBe(true);
      await runAll(page);
      const results = page.getByRole('region', { name: 'Results' });
      expect(await results.getByRole('status').innerText()).toContain('1 passed, 1 failed');
      const ok = results.getByRole('article', { name: 'Scenario order status' });
      expect(await ok.locator('.badge').innerText()).toBe('passed');
      expect(await ok.locator('mark.failing-expectation').count()).toBe(0);
      const bad = results.getByRole('article', { name: 'Scenario greeting must not look anything up' });
      expect(await bad.locator('.badge').innerText()).toBe('failed');
      const marks = await bad.locator('mark.failing-expectation').allInnerTexts();
      expect(marks.some((m) => m.includes('expected no call, made: lookup_scenario'))).toBe(true);
      expect(marks.some((m) => m.includes('reply does not contain "refund"'))).toBe(true);
    } finally {
      await page.context().close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  test('a conversation becomes an editable scenario: its messages the turns, its calls the expectations', async () => {
    const conv = await api(h.srv.url, h.srv.token, 'POST', '/v1/conversations', {
      customer: { email: 'grace@example.com', name: 'Grace Hopper', verified: true },
      message: 'Where is ORD-777?',
    });
    expect(conv.status).toBe(201);
    const page = await h.newPage();
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conversations' }).click();
      await page.getByRole('link', { name: 'Grace Hopper' }).click();
      await page.getByRole('heading', { level: 1, name: 'Conversation with Grace Hopper' }).waitFor();
      await page.getByRole('link', { name: 'Save as a scenario' }).click();
      await page.getByRole('heading', { level: 2, name: 'New scenario from a conversation' }).waitFor();
      expect(new URL(page.url()).searchParams.get('fromConversation')).toBe(conv.body.id);
      const text = page.locator('#from-conv-text');
      await text.waitFor();
      const yaml = await text.inputValue();
      expect(yaml).toContain('say: Where is ORD-777?');
      expect(yaml).toContain('action: lookup_scenario');
      expect(yaml).toContain('order_number: ORD-777');
      expect(yaml).toContain('verified: true');
      expect(await page.inputValue('#from-conv-name')).toBe('conversation-with-grace-hopper.yaml');

      // Edited before saving: the reply must say it shipped.
      await text.fill(yaml.replace('calls:', 'reply:\n        contains: [shipped]\n      calls:'));
      await page.getByRole('button', { name: 'Save as a scenario' }).click();
      await page.getByText('conversation-with-grace-hopper.yaml saved in this browser.').waitFor();
      expect(await page.getByRole('heading', { level: 2, name: 'New scenario from a conversation' }).count()).toBe(0);
      expect(new URL(page.url()).search).toBe('');

      await runAll(page);
      const result = page.getByRole('article', { name: 'Scenario Conversation with Grace Hopper' });
      expect(await result.locator('.badge').innerText()).toBe('passed');
    } finally {
      await page.context().close();
    }
  }, 150_000);
});
