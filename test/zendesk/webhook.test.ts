import { api } from '../support/server';
import { deliver, inboxIdle, REQUESTER, SECRETS, sign, startWorld, waitFor, type World } from './world';

let w: World;

beforeAll(async () => {
  w = await startWorld(() => ({ content: 'Thanks Ana, we are on it.' }));
  w.zendesk.addUser({ ...REQUESTER, verified: true });
});
afterAll(async () => {
  await w.close();
});

async function inboxTotal(): Promise<number> {
  const c = await w.ts.server.store.inboxCounts();
  return c.pending + c.leased + c.done + c.dead;
}

describe('Zendesk webhook: signature, replay and body checks', () => {
  test('bad or missing signature, stale or future timestamp, unknown tenant, malformed JSON: rejected, nothing stored or processed', async () => {
    w.zendesk.addTicket(201, REQUESTER.id, 'Where is my order?', 'Order A-1001 has not arrived');
    const before = { inbox: await inboxTotal(), zd: w.zendesk.requests.length, llm: w.openai.requests.length };
    const body = JSON.stringify({ ticket_id: '201' });
    const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

    const cases: { name: string; send: () => Promise<{ status: number; text: string }>; status: number }[] = [
      { name: 'wrong secret', send: () => deliver(w, body, { secret: 'not-the-secret' }), status: 401 },
      { name: 'signature of another body', send: () => deliver(w, body, { signature: sign(SECRETS.webhookSecret, iso(0), '{"ticket_id":"999"}') }), status: 401 },
      { name: 'garbage signature', send: () => deliver(w, body, { signature: 'bm90IGEgc2lnbmF0dXJl' }), status: 401 },
      { name: 'no signature header', send: () => deliver(w, body, { omit: ['signature'] }), status: 401 },
      { name: 'no timestamp header', send: () => deliver(w, body, { omit: ['timestamp'] }), status: 401 },
      { name: 'stale timestamp (6 min)', send: () => deliver(w, body, { timestamp: iso(-6 * 60_000) }), status: 401 },
      { name: 'timestamp 6 min ahead', send: () => deliver(w, body, { timestamp: iso(6 * 60_000) }), status: 401 },
      { name: 'timestamp not a date', send: () => deliver(w, body, { timestamp: 'yesterday' }), status: 401 },
      { name: 'unknown tenant', send: () => deliver(w, body, { tenantId: '00000000-0000-4000-8000-000000000000' }), status: 401 },
      { name: 'malformed JSON, valid signature', send: () => deliver(w, '{"ticket_id": "201"', {}), status: 400 },
      { name: 'no ticket_id, valid signature', send: () => deliver(w, { ticket: 'x' }), status: 400 },
      { name: 'ticket_id not numeric', send: () => deliver(w, { ticket_id: '../users/1' }), status: 400 },
    ];
    for (const c of cases) {
      const r = await c.send();
      expect({ name: c.name, status: r.status }).toEqual({ name: c.name, status: c.status });
      const err = JSON.parse(r.text).error;
      expect(err.code).toBeDefined();
      // The unknown tenant answers exactly like a bad signature: its existence is not revealed.
      if (c.name === 'unknown tenant' || c.name === 'wrong secret') expect(err.message).toBe('invalid webhook signature');
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(await inboxTotal()).toBe(before.inbox);
    expect(w.zendesk.requests.length).toBe(before.zd);
    expect(w.openai.requests.length).toBe(before.llm);
  });

  test('a valid delivery is acknowledged before the draft is made and processed once even when delivered twice', async () => {
    w.zendesk.addTicket(202, REQUESTER.id, 'Refund', 'I would like a refund for A-1002');
    const llmBefore = w.openai.requests.length;
    w.openai.setDelay(400);
    const body = { ticket_id: '202', current_user_id: String(REQUESTER.id), via: 'Web form' };
    const started = Date.now();
    const first = await deliver(w, body, { invocationId: 'inv-202' });
    const ackMs = Date.now() - started;
    expect(first.status).toBe(202);
    expect(ackMs).toBeLessThan(350);
    const again = await deliver(w, body, { invocationId: 'inv-202' });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({ ok: true, duplicate: true });

    await waitFor(() => w.zendesk.puts(202).length === 1, 8000, 'the note');
    w.openai.setDelay(0);
    await inboxIdle(w);
    await new Promise((r) => setTimeout(r, 200));
    expect(w.zendesk.puts(202)).toHaveLength(1);
    expect(w.openai.requests.length - llmBefore).toBe(1);
    // The customer's text reached the model, with the subject of the new ticket.
    const userMsg = w.openai.requests[llmBefore]!.messages.find((m) => m.role === 'user')!;
    expect(userMsg.content).toContain('Subject: Refund');
    expect(userMsg.content).toContain('I would like a refund for A-1002');
  });

  test('without an invocation id, the same signed bytes are deduplicated by their hash', async () => {
    w.zendesk.addTicket(203, REQUESTER.id, 'Hello', 'Just saying hi');
    const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const body = '{"ticket_id":"203"}';
    const a = await deliver(w, body, { invocationId: null, timestamp: ts });
    const b = await deliver(w, body, { invocationId: null, timestamp: ts });
    expect([a.status, b.status]).toEqual([202, 200]);
    await waitFor(() => w.zendesk.puts(203).length === 1, 8000, 'the note');
    await inboxIdle(w);
    expect(w.zendesk.puts(203)).toHaveLength(1);
  });

  test('our own note does not cause a second draft; a new requester comment does', async () => {
    w.zendesk.addTicket(204, REQUESTER.id, 'Order', 'Where is order A-1004?');
    expect((await deliver(w, { ticket_id: '204' })).status).toBe(202);
    await waitFor(() => w.zendesk.puts(204).length === 1, 8000, 'the first note');
    await inboxIdle(w);
    const ticket = w.zendesk.tickets.get(204)!;
    expect(ticket.tags).toContain('ai_draft_note');
    const ourNote = ticket.comments[ticket.comments.length - 1]!;
    expect(ourNote.public).toBe(false);
    expect(ourNote.author_id).toBe(w.zendesk.apiUserId);

    // Zendesk fires the trigger again (the note updated the ticket): a new invocation id.
    const llmBefore = w.openai.requests.length;
    const readsBefore = w.zendesk.requests.filter((r) => r.path === '/api/v2/tickets/204.json' && r.method === 'GET').length;
    expect((await deliver(w, { ticket_id: '204' }, { invocationId: 'after-note-1' })).status).toBe(202);
    await waitFor(() => w.zendesk.requests.filter((r) => r.path === '/api/v2/tickets/204.json' && r.method === 'GET').length > readsBefore, 8000, 'the ticket read');
    await inboxIdle(w);
    await new Promise((r) => setTimeout(r, 150));
    expect(w.openai.requests.length).toBe(llmBefore);
    expect(w.zendesk.puts(204)).toHaveLength(1);

    // An agent's internal note or public reply is not a customer message either.
    w.zendesk.addComment(204, 777, 'Internal: checking with the warehouse', false);
    expect((await deliver(w, { ticket_id: '204' })).status).toBe(202);
    w.zendesk.addComment(204, 777, 'We are checking, Ana.', true);
    expect((await deliver(w, { ticket_id: '204' })).status).toBe(202);
    await inboxIdle(w);
    expect(w.openai.requests.length).toBe(llmBefore);
    expect(w.zendesk.puts(204)).toHaveLength(1);

    // The requester writes again: that is new, and gets a draft.
    w.zendesk.addComment(204, REQUESTER.id, 'Any news?');
    expect((await deliver(w, { ticket_id: '204' })).status).toBe(202);
    await waitFor(() => w.zendesk.puts(204).length === 2, 8000, 'the second note');
    expect(w.openai.requests.length).toBe(llmBefore + 1);
    const last = w.openai.requests[w.openai.requests.length - 1]!;
    expect(last.messages[last.messages.length - 1]).toMatchObject({ role: 'user', content: 'Any news?' });
  });

  test('a failed note is retried from the inbox without drafting (or calling APIs) again', async () => {
    w.zendesk.addTicket(205, REQUESTER.id, 'Retry', 'Please check A-1005');
    w.zendesk.override('PUT', /^\/api\/v2\/tickets\/205\.json$/, { status: 503, body: { error: 'Unavailable' } });
    const llmBefore = w.openai.requests.length;
    expect((await deliver(w, { ticket_id: '205' })).status).toBe(202);
    // The worker backs off about a second before the retry.
    await waitFor(() => w.zendesk.puts(205).length === 2, 10_000, 'the retried note');
    await inboxIdle(w);
    expect(w.openai.requests.length - llmBefore).toBe(1);
    expect(w.zendesk.tickets.get(205)!.comments.filter((c) => !c.public)).toHaveLength(1);
  });

  test('missing Zendesk credentials: the delivery is accepted, then no draft and no note (logged)', async () => {
    const r = await api(w.url, w.token, 'PUT', '/v1/settings', { zendesk: { subdomain: 'acme', email: 'bot@acme.test', apiToken: null, baseUrl: w.zendesk.url } });
    expect(r.status).toBe(200);
    w.zendesk.addTicket(206, REQUESTER.id, 'No creds', 'Hello?');
    const zdBefore = w.zendesk.requests.length;
    const llmBefore = w.openai.requests.length;
    expect((await deliver(w, { ticket_id: '206' })).status).toBe(202);
    await inboxIdle(w);
    expect(w.zendesk.requests.length).toBe(zdBefore);
    expect(w.openai.requests.length).toBe(llmBefore);
    expect(w.ts.logs.join('')).toContain('Zendesk credentials are not set');
    expect(w.ts.logs.join('')).not.toContain(SECRETS.webhookSecret);
  });
});
