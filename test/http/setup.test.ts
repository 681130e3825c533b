import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeIntercom, type FakeIntercom } from '../intercom/fake-intercom';
import { ADMIN_ID, APP_ID } from '../intercom/helpers';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';
import { startFakeZendesk, type FakeZendesk } from '../zendesk/fake-zendesk';

const WEBHOOK_SECRET = 'zd-webhook-signing-SECRET-0001';

let s: TestServer;
let zd: FakeZendesk;
let llm: FakeOpenAI;
let ic: FakeIntercom;
let customer: http.Server;
let customerUrl: string;

beforeAll(async () => {
  [zd, llm, ic] = await Promise.all([startFakeZendesk(), startFakeOpenAI(() => ({ content: 'Happy to help.' })), startFakeIntercom('ic-token-0001')]);
  customer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"shipped"}'));
  await new Promise<void>((r) => customer.listen(0, '127.0.0.1', r));
  customerUrl = `http://127.0.0.1:${(customer.address() as AddressInfo).port}`;
  s = await startTestServer({ OPENAI_BASE_URL: llm.url, OPENAI_MODEL: 'scripted-model', PUBLIC_URL: 'https://help.example.com/' }, { worker: { idleMs: 50 } });
});
afterAll(async () => {
  await s.close();
  customer.closeAllConnections();
  await new Promise<void>((r) => customer.close(() => r()));
  await Promise.all([zd.close(), llm.close(), ic.close()]);
});

const setup = async () => {
  const r = await api(s.url, s.token, 'GET', '/v1/setup');
  expect(r.status).toBe(200);
  return r.body;
};

/** Polls the setup state until `check` holds (the inbox works in the background). */
async function setupUntil(check: (state: any) => boolean): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const state = await setup();
    if (check(state)) return state;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the setup state never reached the expected state');
}

test('a fresh tenant: nothing set up but the model; the webhook URLs and the trigger JSON to copy', async () => {
  const state = await setup();
  expect(state).toEqual({
    tenantId: expect.any(String),
    publicUrl: 'https://help.example.com',
    model: { configured: true, name: 'scripted-model', baseUrl: llm.url },
    actions: { count: 0, tested: false },
    userDataApi: { configured: false },
    zendesk: {
      configured: false,
      webhookUrl: `https://help.example.com/webhooks/zendesk/${state.tenantId}`,
      triggerJson: { ticket_id: '{{ticket.id}}', current_user_id: '{{current_user.id}}', via: '{{ticket.via}}' },
      lastConversationAt: null,
    },
    intercom: { configured: false, webhookUrl: 'https://help.example.com/webhooks/intercom', topics: ['conversation.user.created', 'conversation.user.replied', 'conversation.admin.replied', 'conversation.admin.assigned'], lastConversationAt: null },
    conversations: { count: 0, any: false },
    sidebarTokens: 0,
  });
  expect((await api(s.url, null, 'GET', '/v1/setup')).status).toBe(401);
});

test('each step of the checklist shows once it is really done', async () => {
  // An action, then its test from the page.
  const action = await api(s.url, s.token, 'POST', '/v1/actions', {
    name: 'lookup_order',
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    url: `${customerUrl}/orders/{{order_number}}`,
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
  });
  expect(action.status).toBe(201);
  expect((await setup()).actions).toEqual({ count: 1, tested: false });
  expect((await api(s.url, s.token, 'POST', `/v1/actions/${action.body.id}/test`, { variables: { order_number: 'A1' } })).body.ok).toBe(true);
  expect((await setup()).actions).toEqual({ count: 1, tested: true });
  // The test run is not a call of the statistics.
  const test = (await api(s.url, s.token, 'GET', '/v1/calls?limit=1')).body.calls[0];
  expect(test).toMatchObject({ action: 'lookup_order', test: true });

  // The User Data API counts once enabled with a URL.
  await api(s.url, s.token, 'PUT', '/v1/user-data-api', { enabled: false, url: `${customerUrl}/users?email={{contact.email}}` });
  expect((await setup()).userDataApi.configured).toBe(false);
  await api(s.url, s.token, 'PUT', '/v1/user-data-api', { enabled: true, url: `${customerUrl}/users?email={{contact.email}}` });
  expect((await setup()).userDataApi.configured).toBe(true);

  // Zendesk: credentials without the webhook secret are not enough.
  await api(s.url, s.token, 'PUT', '/v1/settings', { zendesk: { subdomain: 'acme', email: 'bot@acme.test', apiToken: 'zd-api-token-0001', baseUrl: zd.url } });
  expect((await setup()).zendesk.configured).toBe(false);
  const saved = (await api(s.url, s.token, 'GET', '/v1/settings')).body.zendesk;
  await api(s.url, s.token, 'PUT', '/v1/settings', { zendesk: { ...saved, webhookSecret: WEBHOOK_SECRET } });
  let state = await setup();
  expect(state.zendesk.configured).toBe(true);

  // A delivery to the webhook URL the page shows (the public address swapped for the test's) makes a Zendesk conversation.
  zd.addUser({ id: 501, name: 'Ana Lopez', email: 'ana@example.com', verified: true });
  zd.addTicket(7001, 501, 'Where is my order?', 'Where is my order A1?');
  const body = JSON.stringify(Object.fromEntries(Object.entries(state.zendesk.triggerJson).map(([k, v]) => [k, k === 'ticket_id' ? '7001' : k === 'current_user_id' ? '501' : String(v).replace('{{ticket.via}}', 'web')])));
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const path = new URL(state.zendesk.webhookUrl).pathname;
  const delivered = await fetch(s.url + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-signature': createHmac('sha256', WEBHOOK_SECRET).update(timestamp + body).digest('base64'),
      'x-zendesk-webhook-invocation-id': randomUUID(),
    },
    body,
  });
  expect(delivered.status).toBe(202);
  state = await setupUntil((x) => x.zendesk.lastConversationAt !== null);
  expect(state.conversations).toEqual({ count: 1, any: true });
  expect(state.intercom.lastConversationAt).toBeNull();

  // Intercom: every piece is needed (the app id proven by the token's GET /me).
  const first = await api(s.url, s.token, 'PUT', '/v1/settings', { intercom: { appId: APP_ID, accessToken: 'ic-token-0001', adminId: ADMIN_ID, baseUrl: ic.base } });
  expect(first.status).toBe(200);
  expect((await setup()).intercom.configured).toBe(false);
  const savedIc = (await api(s.url, s.token, 'GET', '/v1/settings')).body.intercom;
  const put = await api(s.url, s.token, 'PUT', '/v1/settings', { intercom: { ...savedIc, clientSecret: 'ic-client-secret-0001' } });
  expect(put.status).toBe(200);
  expect((await setup()).intercom.configured).toBe(true);

  // A playground conversation counts as a conversation, not as Zendesk's or Intercom's.
  const conv = await api(s.url, s.token, 'POST', '/v1/conversations', { customer: { verified: false }, message: 'hi', channel: 'playground' });
  expect(conv.status).toBe(201);
  state = await setup();
  expect(state.conversations).toEqual({ count: 2, any: true });
  expect(state.intercom.lastConversationAt).toBeNull();

  // Sidebar tokens: MCP tokens do not count.
  await api(s.url, s.token, 'POST', '/v1/tokens', { name: 'zendesk sidebar', scope: 'sidebar' });
  await api(s.url, s.token, 'POST', '/v1/tokens', { name: 'assistant', scope: 'mcp' });
  expect((await setup()).sidebarTokens).toBe(1);

  // The tenant's own model setting is the one named.
  await api(s.url, s.token, 'PUT', '/v1/settings', { model: 'tenant-model' });
  expect((await setup()).model).toEqual({ configured: true, name: 'tenant-model', baseUrl: llm.url });
  const text = (await api(s.url, s.token, 'GET', '/v1/setup')).text;
  for (const secret of ['zd-api-token-0001', WEBHOOK_SECRET, 'ic-token-0001', 'ic-client-secret-0001']) expect(text).not.toContain(secret);
});

test('without any model configured the checklist says so', async () => {
  const bare = await startTestServer({ OPENAI_API_KEY: '' });
  try {
    const r = await api(bare.url, bare.token, 'GET', '/v1/setup');
    expect(r.body.model).toEqual({ configured: false, name: 'gpt-4.1-mini', baseUrl: 'https://api.openai.com/v1' });
    expect(r.body.publicUrl).toMatch(/^http:\/\/localhost:\d+$/);
  } finally {
    await bare.close();
  }
});
