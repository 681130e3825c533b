import { json, standIn, type StandIn } from '../actions/helpers';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';
import { startFakeIntercom, type FakeIntercom } from './fake-intercom';
import { ACCESS_TOKEN, ADMIN_ID, APP_ID, configureIntercom, deliver, notification, waitFor } from './helpers';

let llm: FakeOpenAI;
let intercom: FakeIntercom;
let customerApi: StandIn;
let ts: TestServer;
let tenantId: string;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const cancels = (order: string) => customerApi.seen.filter((s) => s.method === 'POST' && s.url === `/orders/${order}/cancel`);
const drained = () =>
  waitFor(async () => {
    const c = await ts.server.store.inboxCounts();
    return c.pending === 0 && c.leased === 0;
  }, 15_000, 'the inbox to drain');

beforeAll(async () => {
  llm = await startFakeOpenAI();
  intercom = await startFakeIntercom(ACCESS_TOKEN);
  customerApi = await standIn((req, res) => {
    if (req.method === 'POST' && /^\/orders\/[^/]+\/cancel$/.test(req.url)) return json(res, 200, { cancelled: true });
    json(res, 404, { error: 'no such thing' });
  });
  ts = await startTestServer({ OPENAI_BASE_URL: llm.url }, { worker: { concurrency: 2, idleMs: 50 } });
  await configureIntercom(ts.url, ts.token, intercom.base);
  tenantId = (await ts.server.store.tenantByIntercomAppId(APP_ID))!.id;
  const r = await api(ts.url, ts.token, 'POST', '/v1/actions', {
    name: 'cancel_order',
    description: 'Cancel an order that has not shipped yet',
    method: 'POST',
    url: `${customerApi.base}/orders/{{order_number}}/cancel`,
    audience: 'verified',
    variables: [{ name: 'order_number', type: 'string', description: 'The order number', example: 'ORD-1' }],
  });
  if (r.status !== 201) throw new Error(`action: ${r.status} ${r.text}`);
  intercom.contacts.set('c-user', { type: 'contact', id: 'c-user', role: 'user', external_id: 'u-42', email: 'jo@example.com', name: 'Jo Doe' });
  // The model proposes cancelling the order named in the message; asked again, it says so.
  llm.setScript((req) => {
    const last = req.messages[req.messages.length - 1]!;
    if (last.role === 'tool') return { content: 'I can cancel that order for you. Shall I?' };
    const order = /ORD-\d+/.exec(String(last.content))?.[0] ?? 'ORD-0';
    return { toolCalls: [{ name: 'cancel_order', arguments: { order_number: order } }] };
  });
});

afterAll(async () => {
  await ts?.close();
  await llm?.close();
  await intercom?.close();
  await customerApi?.close();
});

/** A conversation whose last reply asks to confirm the cancellation of `order`; returns its proposal. */
async function askToCancel(conversationId: string, order: string) {
  await deliver(ts.url, notification({ id: `n-ask-${conversationId}`, conversationId, contactId: 'c-user', body: `<p>Please cancel ${order}</p>` }));
  await waitFor(() => intercom.quickReplies(conversationId).length === 1, 10_000, 'the question with buttons');
  await drained();
  const conv = (await ts.server.store.conversationByExternalId(tenantId, 'intercom', conversationId))!;
  const [proposal] = await ts.server.store.listProposals(tenantId, conv.id);
  return { conv, proposal: proposal! };
}

const replied = (id: string, conversationId: string, body: string, extra: Record<string, unknown> = {}) =>
  notification({ id, topic: 'conversation.user.replied', conversationId, contactId: 'c-user', body, ...extra });

describe('Intercom quick replies confirm write actions', () => {
  test('the question goes out with two buttons (fresh uuids, API 2.14); "Yes, do it" runs the write once; a replayed click does nothing', async () => {
    const { conv, proposal } = await askToCancel('7001', 'ORD-1');
    expect(cancels('ORD-1')).toHaveLength(0);
    const post = intercom.requests.find((r) => r.method === 'POST' && r.path === '/conversations/7001/reply' && r.body.message_type === 'quick_reply')!;
    expect(post.headers['intercom-version']).toBe('2.14');
    expect(post.body).toMatchObject({ type: 'admin', admin_id: ADMIN_ID, body: '<p>I can cancel that order for you. Shall I?</p>' });
    const options = post.body.reply_options as { text: string; uuid: string }[];
    expect(options.map((o) => o.text)).toEqual(['Yes, do it', 'No']);
    for (const o of options) expect(o.uuid).toMatch(UUID);
    expect(options[0]!.uuid).not.toBe(options[1]!.uuid);
    expect(proposal).toMatchObject({ status: 'pending', conversationId: conv.id, options: { confirm: options[0]!.uuid, decline: options[1]!.uuid } });
    // The team's note still lists what waits.
    expect(intercom.notes('7001')[0]!.body).toContain("Waiting for the customer's confirmation");

    const part = intercom.click('7001', 'c-user', 'Yes, do it');
    const llmBefore = llm.requests.length;
    expect((await deliver(ts.url, replied('n-yes-7001', '7001', part.body, { partId: part.id, quickReplyUuid: options[0]!.uuid }))).status).toBe(200);
    await waitFor(() => intercom.comments('7001').length === 2, 10_000, 'the outcome');
    await drained();
    expect(cancels('ORD-1')).toHaveLength(1);
    expect(cancels('ORD-1')[0]!.headers['idempotency-key']).toBe(proposal.id);
    expect(intercom.comments('7001')[1]).toMatchObject({ part_type: 'comment', body: expect.stringContaining('Done: cancel order (order number: ORD-1) went through.') });
    expect(intercom.notes('7001')[1]!.body).toMatch(/<b>cancel_order<\/b> POST .*\/orders\/ORD-1\/cancel → 200 in \d+ ms/);
    expect(llm.requests.length).toBe(llmBefore); // the server confirmed; the model was not asked
    expect((await ts.server.store.getProposal(tenantId, proposal.id))!.status).toBe('done');
    const stored = (await ts.server.store.getConversation(tenantId, conv.id))!;
    expect(stored.messages.slice(-2).map((m) => [m.role, m.content])).toEqual([
      ['user', 'Yes, do it'],
      ['assistant', 'Done: cancel order (order number: ORD-1) went through.'],
    ]);

    // The same notification again: deduplicated. Another notification with the same click: nothing runs, nothing is said.
    expect(JSON.parse((await deliver(ts.url, replied('n-yes-7001', '7001', part.body, { partId: part.id, quickReplyUuid: options[0]!.uuid }))).text)).toMatchObject({ duplicate: true });
    expect((await deliver(ts.url, replied('n-yes-7001-again', '7001', part.body, { partId: part.id, quickReplyUuid: options[0]!.uuid }))).status).toBe(200);
    await drained();
    expect(cancels('ORD-1')).toHaveLength(1);
    expect(intercom.comments('7001')).toHaveLength(2);
    expect(intercom.notes('7001')).toHaveLength(2);
  });

  test('a wrong uuid and the uuid of another conversation\'s button do nothing; "No" declines', async () => {
    const a = await askToCancel('7101', 'ORD-2');
    const b = await askToCancel('7102', 'ORD-3');
    const commentsBefore = intercom.comments('7101').length;
    await deliver(ts.url, replied('n-wrong-7101', '7101', '<p>Yes, do it</p>', { quickReplyUuid: '00000000-0000-4000-8000-000000000000' }));
    // 7102's confirm button clicked in (a notification of) 7101.
    await deliver(ts.url, replied('n-cross-7101', '7101', '<p>Yes, do it</p>', { quickReplyUuid: b.proposal.options!.confirm }));
    await drained();
    expect(cancels('ORD-2')).toHaveLength(0);
    expect(cancels('ORD-3')).toHaveLength(0);
    expect(intercom.comments('7101')).toHaveLength(commentsBefore);
    expect((await ts.server.store.getProposal(tenantId, a.proposal.id))!.status).toBe('pending');
    expect((await ts.server.store.getProposal(tenantId, b.proposal.id))!.status).toBe('pending');

    const no = intercom.click('7101', 'c-user', 'No');
    await deliver(ts.url, replied('n-no-7101', '7101', no.body, { partId: no.id, quickReplyUuid: a.proposal.options!.decline }));
    await waitFor(() => intercom.comments('7101').length === commentsBefore + 1, 10_000, 'the decline answer');
    await drained();
    expect(intercom.comments('7101').at(-1)!.body).toContain('OK, I won&#39;t do that');
    expect((await ts.server.store.getProposal(tenantId, a.proposal.id))!.status).toBe('declined');
    expect(cancels('ORD-2')).toHaveLength(0);
    // The confirm button of a declined proposal does nothing.
    await deliver(ts.url, replied('n-late-yes-7101', '7101', '<p>Yes, do it</p>', { quickReplyUuid: a.proposal.options!.confirm }));
    await drained();
    expect(cancels('ORD-2')).toHaveLength(0);
    expect(intercom.comments('7101')).toHaveLength(commentsBefore + 1);
  });

  test('a click whose notification lacks the uuid is read from GET /conversations/{id}', async () => {
    const { proposal } = await askToCancel('7201', 'ORD-4');
    const part = intercom.click('7201', 'c-user', 'Yes, do it');
    // The notification's part has no metadata: the server reads the part from the conversation.
    await deliver(ts.url, replied('n-yes-7201', '7201', part.body, { partId: part.id }));
    await waitFor(() => intercom.comments('7201').length === 2, 10_000, 'the outcome');
    await drained();
    expect(intercom.requests.some((r) => r.method === 'GET' && r.path === '/conversations/7201')).toBe(true);
    expect(cancels('ORD-4')).toHaveLength(1);
    expect((await ts.server.store.getProposal(tenantId, proposal.id))!.status).toBe('done');
  });
});
