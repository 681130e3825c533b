import type { ChatRequest, ScriptedReply } from '../support/fake-openai';
import { api } from '../support/server';
import { startAdminHarness, type AdminHarness } from './harness';

/** Figures that mean what they say: error rates from the server's statistics, lists paged by cursor (issue 16, finding 6). */

/** "look up ORD-1" calls lookup_figures once, then answers; anything else is answered without a call. */
function script(req: ChatRequest): ScriptedReply {
  const last = req.messages[req.messages.length - 1];
  if (last?.role === 'tool') return { content: 'Here is your order.' };
  const m = /look up (\S+)/.exec(last?.content ?? '');
  return m ? { toolCalls: [{ name: 'lookup_figures', arguments: { order_number: m[1] } }] } : { content: 'Hello!' };
}

let h: AdminHarness;
let actionId = '';

beforeAll(async () => {
  h = await startAdminHarness({ script });
  const created = await api(h.srv.url, h.srv.token, 'POST', '/v1/actions', {
    name: 'lookup_figures',
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    url: `${h.customer.url}/orders/{{order_number}}`,
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
  });
  expect(created.status).toBe(201);
  actionId = created.body.id;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

afterEach(() => {
  expect(h.pageErrors).toEqual([]);
});

describe('figures on the admin page', () => {
  test('the actions list reads every error rate from ONE stats request; failed test runs do not count', async () => {
    // A failing test run (a path the customer API does not know: 404) and one good conversation call.
    const bad = await api(h.srv.url, h.srv.token, 'POST', '/v1/actions/test', {
      action: { name: 'lookup_figures', description: 'Look up an order when the customer asks', method: 'GET', url: `${h.customer.url}/nowhere` },
      actionId,
      variables: {},
    });
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    const conv = await api(h.srv.url, h.srv.token, 'POST', '/v1/conversations', { customer: { email: 'ann@example.com', verified: true }, message: 'look up ORD-7' });
    expect(conv.status).toBe(201);
    expect(conv.body.calls.map((c: { action: string; ok: boolean }) => [c.action, c.ok])).toEqual([['lookup_figures', true]]);

    const page = await h.newPage();
    try {
      // The sign-in's own load of the list asks for figures too: count only what the reload asks for.
      await page.getByRole('row', { name: /lookup_figures/ }).getByText('0% of 1 call').waitFor();
      const statsRequests: string[] = [];
      const perAction: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/v1/stats/actions')) statsRequests.push(r.url());
        if (/\/v1\/calls\?.*action=/.test(r.url())) perAction.push(r.url());
      });
      await page.reload();
      const row = page.getByRole('row', { name: /lookup_figures/ });
      await row.waitFor();
      await row.getByText('0% of 1 call').waitFor();
      expect(statsRequests).toHaveLength(1);
      expect(new URL(statsRequests[0]!).searchParams.get('since')).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(perAction).toEqual([]);
      expect(await page.getByRole('columnheader', { name: /tests excluded/ }).isVisible()).toBe(true);
    } finally {
      await page.context().close();
    }
  });

  test('the call log and the conversation list load more pages with the cursor', async () => {
    // 55 of each: more than one page of 50.
    for (let i = 0; i < 55; i++) {
      const r = await api(h.srv.url, h.srv.token, 'POST', `/v1/actions/${actionId}/test`, { variables: { order_number: `ORD-P${i}` } });
      expect(r.status).toBe(200);
    }
    for (let i = 0; i < 55; i++) {
      const r = await api(h.srv.url, h.srv.token, 'POST', '/v1/conversations', { customer: { name: `Pager ${i}`, verified: false }, message: 'hello' });
      expect(r.status).toBe(201);
    }
    const totalCalls = (await api(h.srv.url, h.srv.token, 'GET', '/v1/calls?limit=500')).body.calls.length;
    const totalConvs = (await api(h.srv.url, h.srv.token, 'GET', '/v1/conversations?limit=500')).body.conversations.length;
    expect(totalCalls).toBeGreaterThan(50);
    expect(totalConvs).toBeGreaterThan(50);

    const page = await h.newPage();
    try {
      const cursors: (string | null)[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/v1/conversations?') || r.url().includes('/v1/calls?')) cursors.push(new URL(r.url()).searchParams.get('cursor'));
      });
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conversations' }).click();
      const rows = page.locator('.conversation-row');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(50);
      await page.getByRole('button', { name: 'Load more conversations' }).click();
      await page.getByText('That is all the conversations.').waitFor();
      expect(await rows.count()).toBe(totalConvs);
      expect(cursors.filter((c) => c !== null)).toHaveLength(1);

      await page.getByRole('link', { name: 'Call log' }).click();
      const items = page.locator('.call-item');
      await items.first().waitFor();
      expect(await items.count()).toBe(50);
      await page.getByRole('button', { name: 'Load more calls' }).click();
      await page.getByText('That is all the calls.').waitFor();
      expect(await items.count()).toBe(totalCalls);
      expect(cursors.filter((c) => c !== null)).toHaveLength(2);
    } finally {
      await page.context().close();
    }
  });
});
