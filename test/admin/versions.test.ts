import type { Page } from 'playwright-core';
import type { ChatRequest, ScriptedReply } from '../support/fake-openai';
import { api } from '../support/server';
import { orderBody } from './customer-api';
import { expectFocusOn, startAdminHarness, type AdminHarness } from './harness';
import { screenshot } from './screenshot';

/** Action versions (history, diff, restore) and mocks in the action editor (issues 15 and 16). */

const FIRST_SECRET = 'sk_live_first_secret_aaaa1111';
const SECOND_SECRET = 'sk_live_second_secret_bbbb2222';

/** "where is X" looks X up with the action named in the message's last word; then answers. */
function script(req: ChatRequest): ScriptedReply {
  const last = req.messages[req.messages.length - 1];
  if (last?.role === 'tool') return { content: 'Answered from the tool.' };
  const m = /where is (\S+) via (\S+)/.exec(last?.content ?? '');
  return m ? { toolCalls: [{ name: m[2]!, arguments: { order_number: m[1] } }] } : { content: 'Hello!' };
}

let h: AdminHarness;

beforeAll(async () => {
  h = await startAdminHarness({ script });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

afterEach(() => {
  expect(h.pageErrors).toEqual([]);
});

async function createAction(name: string): Promise<string> {
  const r = await api(h.srv.url, h.srv.token, 'POST', '/v1/actions', {
    name,
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    url: `${h.customer.url}/orders/{{order_number}}`,
    auth: { type: 'bearer', token: FIRST_SECRET },
    variables: [{ name: 'order_number', type: 'string', description: 'The order number', example: 'ORD-1' }],
  });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

async function openEditor(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: `Edit ${name}` }).waitFor();
}

describe('action versions in the editor', () => {
  test('the history lists who changed what and when; a diff against the current version shows secrets only as changed', async () => {
    const id = await createAction('versioned_lookup');
    const page = await h.newPage();
    try {
      await openEditor(page, 'versioned_lookup');
      await page.fill('#f-description', 'Look up an order and its tracking number for the customer');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Saved versioned_lookup.').waitFor();
      const current = (await api(h.srv.url, h.srv.token, 'GET', `/v1/actions/${id}`)).body;
      const put = await api(h.srv.url, h.srv.token, 'PUT', `/v1/actions/${id}`, { ...current, auth: { type: 'bearer', token: SECOND_SECRET }, timeoutMs: 4000 });
      expect(put.status).toBe(200);

      await page.reload();
      const history = page.getByRole('region', { name: 'History' });
      const v3 = history.getByRole('listitem', { name: 'Version 3' });
      await v3.waitFor();
      const items = history.getByRole('list', { name: 'Versions, newest first' }).locator(':scope > li');
      expect(await items.count()).toBe(3);
      expect(await items.first().getAttribute('aria-label')).toBe('Version 3');
      expect(await v3.innerText()).toContain('current');
      const v2 = history.getByRole('listitem', { name: 'Version 2' });
      expect(await v2.innerText()).toContain('When to use it: Look up an order when the customer asks where it is → Look up an order and its tracking number for the customer');
      expect(await v3.innerText()).toMatch(/Token: changed/);

      await history.getByRole('button', { name: 'Compare version 1 with the current one' }).click();
      const diff = history.getByRole('table', { name: /What differs between version 1 and the current action/ });
      await diff.waitFor();
      const rows = await diff.locator('tbody tr').allInnerTexts();
      expect(rows.find((r) => r.startsWith('When to use it'))).toContain('Look up an order when the customer asks where it is');
      expect(rows.find((r) => r.startsWith('Timeout'))).toMatch(/10000\s+4000/);
      expect(rows.find((r) => r.startsWith('Token'))).toContain('changed (secrets are never shown)');
      await screenshot(page, 'admin-versions.png', '.version-history');
      const text = await page.content();
      expect(text).not.toContain(FIRST_SECRET);
      expect(text).not.toContain(SECOND_SECRET);
    } finally {
      await page.context().close();
    }
  });

  test('Restore asks first (Cancel focused, Escape closes), then saves the old version as a new one, secrets included', async () => {
    const id = await createAction('restored_lookup');
    const current = (await api(h.srv.url, h.srv.token, 'GET', `/v1/actions/${id}`)).body;
    const put = await api(h.srv.url, h.srv.token, 'PUT', `/v1/actions/${id}`, {
      ...current,
      description: 'A broken edit that should be rolled back',
      url: `${h.customer.url}/broken/{{order_number}}`,
      auth: { type: 'bearer', token: SECOND_SECRET },
    });
    expect(put.status).toBe(200);
    const page = await h.newPage();
    try {
      await openEditor(page, 'restored_lookup');
      const history = page.getByRole('region', { name: 'History' });
      await history.getByRole('button', { name: 'Restore version 1' }).click();
      const dialog = page.getByRole('alertdialog', { name: 'Restore version 1?' });
      await dialog.waitFor();
      await expectFocusOn(page, 'Cancel');
      await page.keyboard.press('Escape');
      expect(await dialog.count()).toBe(0);
      expect((await api(h.srv.url, h.srv.token, 'GET', `/v1/actions/${id}/versions`)).body.versions).toHaveLength(2);

      await history.getByRole('button', { name: 'Restore version 1' }).click();
      await dialog.getByRole('button', { name: 'Restore version 1' }).click();
      await page.getByText('Version 1 restored: saved as a new version.').waitFor();
      await history.getByRole('listitem', { name: 'Version 3' }).waitFor();
      expect(await page.inputValue('#f-description')).toBe('Look up an order when the customer asks where it is');
      expect(await page.inputValue('#f-url')).toBe(`${h.customer.url}/orders/{{order_number}}`);

      const after = (await api(h.srv.url, h.srv.token, 'GET', `/v1/actions/${id}`)).body;
      expect(after.url).toBe(`${h.customer.url}/orders/{{order_number}}`);
      expect((await api(h.srv.url, h.srv.token, 'GET', `/v1/actions/${id}/versions`)).body.versions).toHaveLength(3);
      // The restored version calls with the secret it had then.
      const run = await api(h.srv.url, h.srv.token, 'POST', `/v1/actions/${id}/test`, { variables: { order_number: 'ORD-9' } });
      expect(run.body.ok).toBe(true);
      expect(h.customer.last()!.headers.authorization).toBe(`Bearer ${FIRST_SECRET}`);
      // Nothing left unsaved: leaving does not ask.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Actions' }).click();
      await page.getByRole('heading', { level: 1, name: 'Actions' }).waitFor();
    } finally {
      await page.context().close();
    }
  });
});

describe('mocks in the action editor', () => {
  test('"Use the last test result as the mock" fills the Mock tab in one click; saved, a sandbox conversation gets the mock', async () => {
    const id = await createAction('mocked_lookup');
    const page = await h.newPage();
    try {
      await openEditor(page, 'mocked_lookup');
      expect(await page.getByRole('button', { name: 'Use the last test result as the mock' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Run test' }).click();
      await page.locator('.test-result').waitFor();
      await page.getByRole('button', { name: 'Use the last test result as the mock' }).click();
      expect(await page.getByRole('tab', { name: 'Mock' }).getAttribute('aria-selected')).toBe('true');
      expect(await page.isChecked('#f-mock')).toBe(true);
      expect(await page.inputValue('#f-mock-status')).toBe('200');
      expect(JSON.parse(await page.inputValue('#f-mock-body'))).toEqual(orderBody('ORD-1'));
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Saved mocked_lookup.').waitFor();
      const saved = (await api(h.srv.url, h.srv.token, 'GET', `/v1/actions/${id}`)).body;
      expect(saved.mock).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: orderBody('ORD-1') });

      // Edited by hand: an outage answer. A bad status is named at its field.
      await page.fill('#f-mock-status', 'soon');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.locator('#f-mock-status-error').waitFor();
      await page.fill('#f-mock-status', '503');
      await page.fill('#f-mock-body', '{"error": "maintenance"}');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Saved mocked_lookup.').waitFor();
      expect((await api(h.srv.url, h.srv.token, 'GET', `/v1/actions/${id}`)).body.mock).toMatchObject({ status: 503, body: { error: 'maintenance' } });

      const before = h.customer.received.length;
      const conv = await api(h.srv.url, h.srv.token, 'POST', '/v1/conversations', {
        customer: { email: 'ann@example.com', verified: true },
        message: 'where is ORD-5 via mocked_lookup',
        sandbox: true,
      });
      expect(conv.status).toBe(201);
      expect(conv.body.calls[0]).toMatchObject({ action: 'mocked_lookup', status: 503, mode: 'mock' });
      expect(h.customer.received.length).toBe(before);

      // Turned off: the action has no mock any more.
      await page.uncheck('#f-mock');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Saved mocked_lookup.').waitFor();
      expect((await api(h.srv.url, h.srv.token, 'GET', `/v1/actions/${id}`)).body.mock).toBeNull();
    } finally {
      await page.context().close();
    }
  });
});
