import type { Page } from 'playwright-core';
import { api } from '../support/server';
import { startAdminHarness, type AdminHarness } from './harness';
import { screenshot } from './screenshot';

/** The setup checklist and the Model card, against a server with a model and one without (issue 16). */

let h: AdminHarness;
let bare: AdminHarness;

beforeAll(async () => {
  // No model: no key and no endpoint, as on a fresh `npm start` without OPENAI_*.
  [h, bare] = await Promise.all([startAdminHarness(), startAdminHarness({ env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' } })]);
}, 180_000);

afterAll(async () => {
  await Promise.all([h?.close(), bare?.close()]);
});

afterEach(() => {
  expect(h.pageErrors).toEqual([]);
  expect(bare.pageErrors).toEqual([]);
});

const step = (page: Page, id: string) => page.locator(`#setup-${id}`);

/** Opens the checklist when it is folded (every required step done). */
async function unfold(page: Page): Promise<void> {
  await page.locator('.setup-checklist h2').waitFor();
  const folded = page.locator('.setup-checklist details:not([open]) summary');
  if (await folded.count()) await folded.click();
}

async function stepState(page: Page, id: string): Promise<'done' | 'todo'> {
  const cls = (await step(page, id).getAttribute('class')) ?? '';
  return cls.includes('is-done') ? 'done' : 'todo';
}

describe('setup checklist on the home page (real state from GET /v1/setup)', () => {
  test('a fresh tenant with a model: the model is done, the rest to do; steps flip as the real state changes', async () => {
    const page = await h.newPage();
    try {
      const list = page.getByRole('region', { name: /Get set up/ });
      await list.waitFor();
      expect(await stepState(page, 'model')).toBe('done');
      expect(await step(page, 'model').innerText()).toContain(h.llm.url);
      for (const id of ['action', 'tested', 'user-data', 'zendesk', 'intercom', 'conversation']) expect(await stepState(page, id)).toBe('todo');
      // Screen readers hear the state, not just a tick.
      expect(await step(page, 'action').textContent()).toContain('To do: Create a first action');

      const created = await api(h.srv.url, h.srv.token, 'POST', '/v1/actions', {
        name: 'setup_lookup',
        description: 'Look up an order when the customer asks where it is',
        method: 'GET',
        url: `${h.customer.url}/orders/{{order_number}}`,
        variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
      });
      expect(created.status).toBe(201);
      await page.reload();
      await step(page, 'action').waitFor();
      expect(await stepState(page, 'action')).toBe('done');
      expect(await stepState(page, 'tested')).toBe('todo');
      await page.getByRole('row', { name: /setup_lookup/ }).getByText('No calls yet').waitFor();
      await screenshot(page, 'admin-home-checklist.png');

      const tested = await api(h.srv.url, h.srv.token, 'POST', `/v1/actions/${created.body.id}/test`, { variables: { order_number: 'ORD-1' } });
      expect(tested.status).toBe(200);
      const conv = await api(h.srv.url, h.srv.token, 'POST', '/v1/conversations', { customer: { email: 'ann@example.com', verified: true }, message: 'hello' });
      expect(conv.status).toBe(201);
      await page.reload();
      // Every required step done: the checklist folds into one line, open on request.
      const folded = page.getByRole('region', { name: 'Setup' });
      await folded.waitFor();
      expect(await stepState(page, 'tested')).toBe('done');
      expect(await stepState(page, 'conversation')).toBe('done');
      expect(await step(page, 'action').textContent()).toContain('Done: Create a first action');
      expect(await folded.innerText()).toContain('4 of 7 steps done');
      expect(await step(page, 'zendesk').isVisible()).toBe(false);
      await folded.locator('summary').click();
      expect(await step(page, 'zendesk').isVisible()).toBe(true);
    } finally {
      await page.context().close();
    }
  });

  test('each step links to where it is done', async () => {
    const page = await h.newPage();
    try {
      await unfold(page);
      await step(page, 'zendesk').getByRole('link', { name: 'Zendesk setup' }).click();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      expect(new URL(page.url()).hash).toBe('#zendesk');
      await page.waitForFunction(() => {
        const r = document.getElementById('zendesk')?.getBoundingClientRect();
        return !!r && r.top < window.innerHeight && r.bottom > 0;
      });
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Actions' }).click();
      await unfold(page);
      await step(page, 'user-data').getByRole('link', { name: 'User Data API' }).click();
      await page.getByRole('heading', { level: 1, name: 'User Data API' }).waitFor();
      await page.goBack();
      await unfold(page);
      await step(page, 'model').getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      expect(new URL(page.url()).hash).toBe('#model');
    } finally {
      await page.context().close();
    }
  });

  test('without a model the checklist says so and how to set it', async () => {
    const page = await bare.newPage();
    try {
      await page.getByRole('region', { name: /Get set up/ }).waitFor();
      expect(await stepState(page, 'model')).toBe('todo');
      const text = await step(page, 'model').innerText();
      expect(text).toContain('No model is configured');
      expect(text).toContain('OPENAI_API_KEY');
      expect(text).toContain('OPENAI_BASE_URL');
      await step(page, 'model').getByRole('link', { name: 'Model settings' }).click();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      const card = page.getByRole('group', { name: 'Model' });
      expect(await card.getByText('No model configured').isVisible()).toBe(true);
    } finally {
      await page.context().close();
    }
  });
});

describe('the Model card in Settings', () => {
  test('shows the base URL and model from the server; Test makes one completion and says how it went', async () => {
    const page = await h.newPage();
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
      const card = page.getByRole('group', { name: 'Model' });
      await card.waitFor();
      await page.locator('#model-base-url').waitFor();
      expect(await page.locator('#model-base-url').innerText()).toBe(h.llm.url);
      const setup = (await api(h.srv.url, h.srv.token, 'GET', '/v1/setup')).body;
      expect(await page.locator('#model-default-name').innerText()).toBe(setup.model.name);

      const before = h.llm.requests.length;
      await card.getByRole('button', { name: 'Test the model' }).click();
      await card.getByText('The model answered').waitFor();
      expect(h.llm.requests.length).toBe(before + 1);

      // A provider that refuses the key: the error in words, not a stack or a code.
      h.llm.setScript(() => ({ status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } }));
      try {
        await page.fill('#f-model', 'gpt-typo-model');
        await card.getByRole('button', { name: 'Test the model' }).click();
        const failed = card.locator('.notice-error');
        await failed.waitFor();
        const words = await failed.innerText();
        expect(words).toContain('The model did not answer');
        expect(words).toContain('gpt-typo-model');
        expect(words).not.toMatch(/\bat .*\.js:\d+/);
        expect(h.llm.requests[h.llm.requests.length - 1]!.model).toBe('gpt-typo-model');
      } finally {
        h.llm.setScript(() => ({ content: 'ok' }));
      }
    } finally {
      await page.context().close();
    }
  });
});
