import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { startTestServer, type TestServer } from '../support/server';
import { startFakeIntercom, type FakeIntercom } from './fake-intercom';
import { ACCESS_TOKEN, ADMIN_ID, APP_ID, configureIntercom, deliver, notification, waitFor } from './helpers';

let llm: FakeOpenAI;
let intercom: FakeIntercom;
let ts: TestServer;
let tenantId: string;

const TEAMMATE = '4242';
const drained = () =>
  waitFor(async () => {
    const c = await ts.server.store.inboxCounts();
    return c.pending === 0 && c.leased === 0;
  }, 15_000, 'the inbox to drain');
const conversation = (id: string) => ts.server.store.conversationByExternalId(tenantId, 'intercom', id);

beforeAll(async () => {
  llm = await startFakeOpenAI();
  intercom = await startFakeIntercom(ACCESS_TOKEN);
  ts = await startTestServer({ OPENAI_BASE_URL: llm.url }, { worker: { concurrency: 2, idleMs: 50 } });
  await configureIntercom(ts.url, ts.token, intercom.base);
  tenantId = (await ts.server.store.tenantByIntercomAppId(APP_ID))!.id;
  intercom.contacts.set('c-lead', { type: 'contact', id: 'c-lead', role: 'lead', external_id: null, name: 'Lee' });
  llm.setScript(() => ({ content: 'Happy to help.' }));
});

afterAll(async () => {
  await ts?.close();
  await llm?.close();
  await intercom?.close();
});

/** The AI answered the first message of conversation `id`. */
async function answered(id: string) {
  await deliver(ts.url, notification({ id: `n-first-${id}`, conversationId: id, contactId: 'c-lead', body: 'hello' }));
  await waitFor(() => intercom.comments(id).length === 1, 10_000, 'the first answer');
  await drained();
}

/** A customer message after the take-over: acknowledged, and nothing else happens. */
async function ignoredLater(id: string, n: string) {
  const llmBefore = llm.requests.length;
  const comments = intercom.comments(id).length;
  const res = await deliver(ts.url, notification({ id: n, topic: 'conversation.user.replied', conversationId: id, contactId: 'c-lead', body: 'anyone there?' }));
  expect(res.status).toBe(200);
  await drained();
  expect(llm.requests.length).toBe(llmBefore);
  expect(intercom.comments(id)).toHaveLength(comments);
}

const adminReplied = (n: string, id: string, adminId: string, partType = 'comment') =>
  notification({
    id: n,
    topic: 'conversation.admin.replied',
    conversationId: id,
    contactId: 'c-lead',
    body: 'x',
    parts: [{ type: 'conversation_part', id: `p-${n}`, part_type: partType, body: '<p>I will take this one.</p>', author: { type: 'admin', id: adminId } }],
  });

describe('the AI steps back when a person takes over (Intercom)', () => {
  test("a teammate's reply stops the AI: one note, needsHuman, later messages acknowledged and not answered", async () => {
    await answered('8001');
    expect((await deliver(ts.url, adminReplied('n-mate-8001', '8001', TEAMMATE))).status).toBe(200);
    await waitFor(() => intercom.notes('8001').length === 1, 10_000, 'the step-back note');
    expect(intercom.notes('8001')[0]!.body).toContain('AI assistant stepped back');
    expect(intercom.notes('8001')[0]!.body).toContain(`teammate ${TEAMMATE} replied`);
    const conv = (await conversation('8001'))!;
    expect(conv.needsHuman).toBe(true);
    expect(conv.handedOff).toMatchObject({ by: TEAMMATE, reason: 'replied', at: expect.any(String) });

    await ignoredLater('8001', 'n-later-8001');
    // The teammate writes again: no second note.
    await deliver(ts.url, adminReplied('n-mate-8001-b', '8001', TEAMMATE));
    await drained();
    expect(intercom.notes('8001')).toHaveLength(1);
  });

  test('an assignment to a person stops it (the assigned topic, or the assignee in a customer message)', async () => {
    await answered('8101');
    const assigned = notification({
      id: 'n-assign-8101',
      topic: 'conversation.admin.assigned',
      conversationId: '8101',
      contactId: 'c-lead',
      body: 'x',
      adminAssigneeId: TEAMMATE,
      parts: [{ type: 'conversation_part', id: 'p-assign', part_type: 'assignment', body: null, author: { type: 'admin', id: ADMIN_ID }, assigned_to: { type: 'admin', id: TEAMMATE } }],
    });
    expect((await deliver(ts.url, assigned)).status).toBe(200);
    await waitFor(() => intercom.notes('8101').length === 1, 10_000, 'the step-back note');
    expect(intercom.notes('8101')[0]!.body).toContain(`assigned to teammate ${TEAMMATE}`);
    expect((await conversation('8101'))!.handedOff).toMatchObject({ by: TEAMMATE, reason: 'assigned' });
    await ignoredLater('8101', 'n-later-8101');

    // Never answered by the AI: the first message arrives already assigned to a person.
    const llmBefore = llm.requests.length;
    await deliver(ts.url, notification({ id: 'n-first-8102', conversationId: '8102', contactId: 'c-lead', body: 'hello', adminAssigneeId: TEAMMATE }));
    await waitFor(() => intercom.notes('8102').length === 1, 10_000, 'the step-back note');
    await drained();
    expect(intercom.comments('8102')).toHaveLength(0);
    expect(llm.requests.length).toBe(llmBefore);
    expect((await conversation('8102'))!.needsHuman).toBe(true);
  });

  test("the AI's own replies, assignments to its own admin or a team, and teammates' notes don't stop it", async () => {
    await answered('8201');
    await deliver(ts.url, adminReplied('n-own-8201', '8201', ADMIN_ID));
    await deliver(ts.url, adminReplied('n-note-8201', '8201', TEAMMATE, 'note'));
    await deliver(
      ts.url,
      notification({
        id: 'n-team-8201',
        topic: 'conversation.admin.assigned',
        conversationId: '8201',
        contactId: 'c-lead',
        body: 'x',
        adminAssigneeId: ADMIN_ID,
        parts: [{ type: 'conversation_part', id: 'p-team', part_type: 'assignment', body: null, author: { type: 'admin', id: TEAMMATE }, assigned_to: { type: 'team', id: '900' } }],
      }),
    );
    await deliver(ts.url, notification({ id: 'n-again-8201', topic: 'conversation.user.replied', conversationId: '8201', contactId: 'c-lead', body: 'one more question' }));
    await waitFor(() => intercom.comments('8201').length === 2, 10_000, 'the second answer');
    await drained();
    expect(intercom.notes('8201')).toHaveLength(0);
    const conv = (await conversation('8201'))!;
    expect(conv.needsHuman).toBe(false);
    expect(conv.handedOff).toBeUndefined();
  });
});
