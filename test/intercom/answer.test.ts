import { json, standIn, type StandIn } from '../actions/helpers';
import { startFakeOpenAI, type ChatRequest, type FakeOpenAI, type ScriptedReply } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';
import { startFakeIntercom, type FakeIntercom } from './fake-intercom';
import { ACCESS_TOKEN, ADMIN_ID, configureIntercom, deliver, notification, waitFor } from './helpers';

const ORDER_TOKEN = 'sk_live_ORDER_SECRET_token_9f8e7d';
const UDA_TOKEN = 'uda_SECRET_token_1a2b3c4d5e';

let llm: FakeOpenAI;
let intercom: FakeIntercom;
let customerApi: StandIn;
let ts: TestServer;

/** The model's side of a conversation, written per test: what it does given the last message. */
function script(f: (last: ChatRequest['messages'][number], req: ChatRequest) => ScriptedReply) {
  llm.setScript((req) => f(req.messages[req.messages.length - 1]!, req));
}

const toolNames = (req: ChatRequest) => (req.tools ?? []).map((t) => t.function.name).sort();
const systemPrompt = (req: ChatRequest) => req.messages.find((m) => m.role === 'system')!.content ?? '';
const hits = (path: string) => customerApi.seen.filter((s) => s.url.startsWith(path));

/** Everything the backend sent to the Intercom stand-in, as one string (for secret checks). */
const allSentToIntercom = () => intercom.requests.map((r) => JSON.stringify({ h: r.headers, b: r.body, p: r.path })).join('\n');

beforeAll(async () => {
  llm = await startFakeOpenAI();
  intercom = await startFakeIntercom(ACCESS_TOKEN);
  customerApi = await standIn((req, res) => {
    if (req.url.startsWith('/customers')) return json(res, 200, { plan: 'pro', orders: 3, name: 'Jo Doe' });
    if (req.method === 'POST' && /^\/orders\/[^/]+\/cancel$/.test(req.url)) return json(res, 200, { cancelled: true });
    if (req.url.startsWith('/orders/')) return json(res, 200, { status: 'shipped', tracking: 'TRK-77' });
    if (req.url.startsWith('/accounts/')) return json(res, 200, { balance: 12.5, currency: 'EUR' });
    json(res, 404, { error: 'no such thing' });
  });
  ts = await startTestServer({ OPENAI_BASE_URL: llm.url }, { worker: { concurrency: 2, idleMs: 50 } });
  await configureIntercom(ts.url, ts.token, intercom.base);

  const base = customerApi.base;
  const create = async (a: Record<string, unknown>) => {
    const r = await api(ts.url, ts.token, 'POST', '/v1/actions', a);
    if (r.status !== 201) throw new Error(`action: ${r.status} ${r.text}`);
  };
  await create({
    name: 'lookup_order',
    description: 'Look up the status of an order by its number',
    method: 'GET',
    url: `${base}/orders/{{order_number}}`,
    auth: { type: 'bearer', token: ORDER_TOKEN },
    variables: [{ name: 'order_number', type: 'string', description: 'The order number', example: 'ORD-1' }],
  });
  await create({
    name: 'account_balance',
    description: "Read the customer's account balance",
    method: 'GET',
    url: `${base}/accounts/{{contact.id}}/balance`,
    audience: 'verified',
  });
  await create({
    name: 'cancel_order',
    description: 'Cancel an order that has not shipped yet',
    method: 'POST',
    url: `${base}/orders/{{order_number}}/cancel`,
    auth: { type: 'bearer', token: ORDER_TOKEN },
    audience: 'verified',
    variables: [{ name: 'order_number', type: 'string', description: 'The order number', example: 'ORD-1' }],
  });
  const uda = await api(ts.url, ts.token, 'PUT', '/v1/user-data-api', {
    enabled: true,
    method: 'GET',
    url: `${base}/customers?email={{contact.email}}`,
    auth: { type: 'bearer', token: UDA_TOKEN },
  });
  if (uda.status !== 200) throw new Error(`uda: ${uda.status} ${uda.text}`);

  intercom.contacts.set('c-user', { type: 'contact', id: 'c-user', role: 'user', external_id: 'u-42', email: 'jo@example.com', name: 'Jo Doe', phone: '+4915112345678' });
  intercom.contacts.set('c-lead', { type: 'contact', id: 'c-lead', role: 'lead', external_id: null, email: 'lead@example.com', name: 'Lee Lead' });
  intercom.contacts.set('c-noext', { type: 'contact', id: 'c-noext', role: 'user', external_id: null, email: 'noext@example.com', name: 'No Ext' });
});

afterAll(async () => {
  await ts?.close();
  await llm?.close();
  await intercom?.close();
  await customerApi?.close();
});

beforeEach(() => {
  llm.reset();
  customerApi.seen.length = 0;
});

const drained = () =>
  waitFor(async () => {
    const c = await ts.server.store.inboxCounts();
    return c.pending === 0 && c.leased === 0;
  }, 15_000, 'the inbox to drain');

describe('answers in Intercom', () => {
  test('a verified user: the reply as a comment from the admin, and a note listing every call with secrets masked', async () => {
    script((last) =>
      last.role === 'tool' ? { content: 'Your order ORD-1 has shipped.\n\nTracking: TRK-77 <fast>' } : { toolCalls: [{ name: 'lookup_order', arguments: { order_number: 'ORD-1' } }] },
    );
    expect((await deliver(ts.url, notification({ id: 'n-verified-1', conversationId: '5001', contactId: 'c-user', body: '<p>Where is my order ORD-1?</p>' }))).status).toBe(200);
    await waitFor(() => intercom.notes('5001').length === 1, 10_000, 'the note');

    // The contact was read with the access token and the API version.
    const contactRead = intercom.requests.find((r) => r.path === '/contacts/c-user')!;
    expect(contactRead.method).toBe('GET');
    expect(contactRead.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(contactRead.headers['intercom-version']).toBe('2.14');

    // The reply: a comment by the configured admin, the model's text escaped into HTML paragraphs.
    const posts = intercom.requests.filter((r) => r.method === 'POST' && r.path === '/conversations/5001/reply');
    expect(posts.map((p) => p.body.message_type)).toEqual(['comment', 'note']);
    expect(posts[0]!.body).toMatchObject({ type: 'admin', admin_id: ADMIN_ID, message_type: 'comment' });
    expect(posts[0]!.body.body).toBe('<p>Your order ORD-1 has shipped.</p><p>Tracking: TRK-77 &lt;fast&gt;</p>');
    expect(posts[1]!.body).toMatchObject({ type: 'admin', admin_id: ADMIN_ID, message_type: 'note' });

    // The note lists every call: the User Data API and the action, with method, URL, status, time, result.
    const note = posts[1]!.body.body as string;
    expect(note).toContain('2 API calls');
    expect(note).toContain(`<b>user_data_api</b> GET ${customerApi.base}/customers?email=jo%40example.com → 200 in`);
    expect(note).toContain(`<b>lookup_order</b> GET ${customerApi.base}/orders/ORD-1 → 200 in`);
    expect(note).toMatch(/lookup_order.*→ 200 in \d+ ms: .*shipped/);
    expect(note).toContain('Customer identity verified');
    // The secrets were used on the calls but reach Intercom nowhere (no header, no URL, no body).
    expect(hits('/orders/ORD-1')[0]!.headers.authorization).toBe(`Bearer ${ORDER_TOKEN}`);
    expect(hits('/customers')[0]!.headers.authorization).toBe(`Bearer ${UDA_TOKEN}`);
    expect(allSentToIntercom()).not.toContain(ORDER_TOKEN);
    expect(allSentToIntercom()).not.toContain(UDA_TOKEN);
    expect(allSentToIntercom()).not.toContain(ORDER_TOKEN.slice(-8));

    // Verified: the model saw the verified-only actions and the customer's data.
    expect(toolNames(llm.requests[0]!)).toEqual(['account_balance', 'cancel_order', 'lookup_order']);
    expect(systemPrompt(llm.requests[0]!)).toContain('"plan":"pro"');

    // The note is in Intercom before the worker records it as sent: wait for the item to finish.
    await drained();
    const conv = await ts.server.store.conversationByExternalId((await ts.server.store.tenantByIntercomAppId('abc123xy'))!.id, 'intercom', '5001');
    expect(conv!.customer).toEqual({ id: 'u-42', email: 'jo@example.com', name: 'Jo Doe', phone: '+4915112345678', verified: true });
    expect(conv!.deliveries).toEqual([{ key: 'n-verified-1', messageIndex: 0, reply: 'sent', note: 'sent' }]);
  });

  test.each([
    ['a lead', 'c-lead', '5101'],
    ['a user without external_id', 'c-noext', '5102'],
  ])('%s gets no personal data: no User Data API call, no verified-only action offered', async (_what, contactId, conversationId) => {
    script((last) => (last.role === 'tool' ? { content: 'Sorry, I cannot see that.' } : { toolCalls: [{ name: 'account_balance', arguments: {} }] }));
    await deliver(ts.url, notification({ id: `n-${contactId}`, conversationId, contactId, authorType: contactId === 'c-lead' ? 'lead' : 'user', body: 'What is my balance?' }));
    await waitFor(() => intercom.comments(conversationId).length === 1, 10_000, 'the reply');
    await drained();

    expect(customerApi.seen).toHaveLength(0);
    expect(toolNames(llm.requests[0]!)).toEqual(['lookup_order']);
    expect(systemPrompt(llm.requests[0]!)).toContain('customer identity verified: no');
    expect(systemPrompt(llm.requests[0]!)).not.toContain('customer_data');
    // The model asked for the hidden action anyway: refused by the server, listed in the note.
    const note = intercom.notes(conversationId)[0]!.body;
    expect(note).toContain('<b>account_balance</b>');
    expect(note).toContain('refused by the server');
    expect(note).toContain('Customer not verified');
    // The self-declared email is not kept: no action could use it to look someone up.
    const tenant = (await ts.server.store.tenantByIntercomAppId('abc123xy'))!;
    const conv = await ts.server.store.conversationByExternalId(tenant.id, 'intercom', conversationId);
    expect(conv!.customer).toEqual({ id: contactId, name: expect.any(String), verified: false });
  });

  test('a user with external_id is not verified while the workspace does not enforce identity verification', async () => {
    await configureIntercom(ts.url, ts.token, intercom.base, { identityVerification: false });
    try {
      script(() => ({ content: 'Hello!' }));
      await deliver(ts.url, notification({ id: 'n-noiv', conversationId: '5103', contactId: 'c-user', body: 'hi' }));
      await waitFor(() => intercom.comments('5103').length === 1, 10_000, 'the reply');
      expect(customerApi.seen).toHaveLength(0);
      expect(toolNames(llm.requests[0]!)).toEqual(['lookup_order']);
    } finally {
      await configureIntercom(ts.url, ts.token, intercom.base);
    }
  });

  test('a verified user\'s write action waits for "yes": proposed first, run once after the confirmation', async () => {
    script((last) => {
      if (last.role === 'tool') {
        return { content: last.content!.includes('needs_confirmation') ? 'I can cancel order ORD-1 for you. Reply yes to confirm.' : 'Order ORD-1 is cancelled.' };
      }
      return { toolCalls: [{ name: 'cancel_order', arguments: { order_number: 'ORD-1' } }] };
    });
    await deliver(ts.url, notification({ id: 'n-cancel-1', conversationId: '5201', contactId: 'c-user', body: 'Please cancel my order ORD-1' }));
    await waitFor(() => intercom.notes('5201').length === 1, 10_000, 'the first note');
    expect(hits('/orders/ORD-1/cancel')).toHaveLength(0);
    expect(intercom.comments('5201')[0]!.body).toContain('Reply yes to confirm');
    expect(intercom.notes('5201')[0]!.body).toContain("Waiting for the customer's confirmation");
    expect(intercom.notes('5201')[0]!.body).toContain('<b>cancel_order</b> POST with {&quot;order_number&quot;:&quot;ORD-1&quot;}');

    await deliver(ts.url, notification({ id: 'n-cancel-2', topic: 'conversation.user.replied', conversationId: '5201', contactId: 'c-user', body: '<p>yes</p>' }));
    await waitFor(() => intercom.notes('5201').length === 2, 10_000, 'the second note');
    expect(hits('/orders/ORD-1/cancel')).toHaveLength(1);
    expect(hits('/orders/ORD-1/cancel')[0]!.method).toBe('POST');
    expect(intercom.comments('5201')[1]!.body).toContain('Order ORD-1 is cancelled.');
    expect(intercom.notes('5201')[1]!.body).toMatch(/<b>cancel_order<\/b> POST .*\/orders\/ORD-1\/cancel → 200 in \d+ ms/);

    // Another "yes": the confirmation was used up, so the call is proposed again, not run a second time.
    await deliver(ts.url, notification({ id: 'n-cancel-3', topic: 'conversation.user.replied', conversationId: '5201', contactId: 'c-user', body: 'yes' }));
    await waitFor(() => intercom.comments('5201').length === 3, 10_000, 'the third reply');
    await drained();
    expect(hits('/orders/ORD-1/cancel')).toHaveLength(1);
  });

  test('when the model is down, the customer gets the fallback reply and the note hands over to the team', async () => {
    script(() => ({ status: 500 }));
    await deliver(ts.url, notification({ id: 'n-down', conversationId: '5301', contactId: 'c-lead', body: 'hello?' }));
    await waitFor(() => intercom.notes('5301').length === 1, 15_000, 'the note');
    expect(intercom.comments('5301')[0]!.body).toContain("Sorry, I can&#39;t look that up right now.");
    expect(intercom.notes('5301')[0]!.body).toContain('AI could not answer: handed over');
  });

  test('a reply without calls gets no note', async () => {
    script(() => ({ content: 'Hi! How can I help?' }));
    await deliver(ts.url, notification({ id: 'n-plain', conversationId: '5401', contactId: 'c-lead', body: 'hi' }));
    await waitFor(() => intercom.comments('5401').length === 1, 10_000, 'the reply');
    await drained();
    expect(intercom.notes('5401')).toHaveLength(0);
  });
});

describe('a delivery re-run after a failure answers once', () => {
  test('the reply post failed (503): the retry posts it without running the turn again', async () => {
    script(() => ({ content: 'Answer after a hiccup.' }));
    intercom.overrides.push({ match: (r) => r.method === 'POST' && r.path === '/conversations/5501/reply', status: 503 });
    await deliver(ts.url, notification({ id: 'n-503', conversationId: '5501', contactId: 'c-lead', body: 'hi' }));
    await waitFor(() => intercom.comments('5501').length === 1, 15_000, 'the reply after the retry');
    await drained();
    expect(intercom.comments('5501')).toHaveLength(1);
    expect(llm.requests).toHaveLength(1);
    expect(intercom.requests.filter((r) => r.method === 'POST' && r.path === '/conversations/5501/reply')).toHaveLength(2);
  });

  test('the reply was posted but its answer was lost: the retry finds it in the conversation and does not post again', async () => {
    script(() => ({ content: 'Posted once only.' }));
    intercom.overrides.push({ match: (r) => r.method === 'POST' && r.path === '/conversations/5502/reply', status: 502, recordAnyway: true });
    await deliver(ts.url, notification({ id: 'n-lost', conversationId: '5502', contactId: 'c-lead', body: 'hi' }));
    await waitFor(() => intercom.requests.some((r) => r.method === 'GET' && r.path === '/conversations/5502'), 15_000, 'the check after the retry');
    await drained();
    expect(intercom.comments('5502')).toHaveLength(1);
    expect(llm.requests).toHaveLength(1);
  });

  test('a 429 on the reply is waited out (Retry-After) and the reply goes out', async () => {
    script(() => ({ content: 'After the rate limit.' }));
    intercom.overrides.push({ match: (r) => r.method === 'POST' && r.path === '/conversations/5503/reply', status: 429, headers: { 'retry-after': '1' } });
    await deliver(ts.url, notification({ id: 'n-429', conversationId: '5503', contactId: 'c-lead', body: 'hi' }));
    await waitFor(() => intercom.comments('5503').length === 1, 10_000, 'the reply');
    const posts = intercom.requests.filter((r) => r.method === 'POST' && r.path === '/conversations/5503/reply');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
  });
});
