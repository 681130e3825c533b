import { api } from '../support/server';
import { deliver, draftScript, inboxIdle, OPERATOR_TOKEN, REQUESTER, SECRETS, startWorld, waitFor, type World } from './world';

let w: World;
const REPLY = 'Hi Ana, your order <b>A-1001</b> shipped & arrives Friday. I proposed a cancellation to the team.';
const UNVERIFIED = { id: 502, name: 'Bob Stone', email: 'bob@example.com' };
// Zendesk says verified: true because the phone identity is verified; there is no email at all.
const PHONE_ONLY = { id: 503, name: 'Cy Phone', email: null, phone: '+15550101', verified: true };

beforeAll(async () => {
  w = await startWorld();
  w.zendesk.addUser({ ...REQUESTER, verified: true });
  // Zendesk's user.verified is true (a phone identity is verified) but the email identity is not.
  w.zendesk.addUser({
    ...UNVERIFIED,
    verified: true,
    identities: [
      { id: 1, type: 'email', value: UNVERIFIED.email, verified: false, primary: true },
      { id: 2, type: 'phone_number', value: '+15550100', verified: true, primary: false },
    ],
  });
  w.zendesk.addUser({ ...PHONE_ONLY, identities: [{ id: 3, type: 'phone_number', value: PHONE_ONLY.phone, verified: true, primary: true }] });
});
afterAll(async () => {
  await w.close();
});

function allSecrets(): string[] {
  return [...Object.values(SECRETS), Buffer.from(`bot@acme.test/token:${SECRETS.zendeskApiToken}`).toString('base64')];
}

function expectNoSecret(text: string): void {
  for (const s of allSecrets()) expect(text).not.toContain(s);
}

const draftPath = (id: number) => `/zendesk/tickets/${id}/draft`;

describe('Zendesk drafts: note, secrets, proposals, sidebar', () => {
  test('a verified requester gets a draft; the note lists every call in words, escapes HTML and carries no secret', async () => {
    w.openai.setScript(
      draftScript(
        [
          { name: 'lookup_order', arguments: { order_number: 'A-1001' } },
          { name: 'check_status', arguments: {} },
          { name: 'cancel_order', arguments: { order_number: 'A-1001' } },
        ],
        REPLY,
      ),
    );
    w.zendesk.addTicket(301, REQUESTER.id, 'Where is my order?', 'Where is A-1001? Maybe cancel it.');
    const llmBefore = w.openai.requests.length;
    expect((await deliver(w, { ticket_id: '301' })).status).toBe(202);
    await waitFor(() => w.zendesk.puts(301).length === 1, 8000, 'the note');
    await inboxIdle(w);

    const [note] = w.zendesk.puts(301);
    expect(note!.public).toBe(false);
    expect(note!.tags).toEqual(['ai_draft_note']);
    const html = note!.html;
    // Every call: action, method, masked URL, outcome in words, duration, short result.
    expect(html).toContain('<strong>user_data_api</strong> · GET');
    expect(html).toContain(`<strong>lookup_order</strong> · GET <code>${w.customer.base}/orders/A-1001</code> → HTTP 200 · `);
    expect(html).toMatch(/lookup_order[^\n]*HTTP 200 · \d+ ms<br>Result: <code>[^<]*shipped/);
    expect(html).toMatch(/<strong>check_status<\/strong> · GET <code>[^<]*\/status<\/code> → the API answered 503 · \d+ ms/);
    expect(html).toMatch(/<strong>cancel_order<\/strong> · POST [^\n]*not run: proposed to the agent/);
    expect(html).toContain('Proposed actions waiting for an agent (1)');
    expect(html).toContain('with <code>{&quot;order_number&quot;:&quot;A-1001&quot;}</code>');
    // The AI's draft, escaped: markup in it is text.
    expect(html).toContain('your order &lt;b&gt;A-1001&lt;/b&gt; shipped &amp; arrives Friday');
    expect(html).not.toContain('<b>A-1001</b>');
    expect(html).toContain('[ai_draft_note]');
    // The customer API echoed its bearer token; the engine masked it before anything else saw it.
    expect(html).toContain('••••3456');

    // No secret in anything Zendesk received, and Zendesk got email/token basic auth.
    for (const r of w.zendesk.requests) expectNoSecret(r.body + r.url);
    expect(w.zendesk.requests[0]!.headers.authorization).toBe('Basic ' + Buffer.from(`bot@acme.test/token:${SECRETS.zendeskApiToken}`).toString('base64'));

    // Writes are only proposed while drafting; reads ran; the User Data API ran for the verified requester.
    expect(w.customer.count('POST', /\/cancel$/)).toBe(0);
    expect(w.customer.count('GET', /^\/orders\/A-1001$/)).toBe(1);
    expect(w.customer.count('GET', /^\/users$/)).toBe(1);
    const tools = w.openai.requests[llmBefore]!.tools!.map((t) => t.function.name).sort();
    expect(tools).toEqual(['account_details', 'cancel_order', 'check_status', 'lookup_order']);
    expect(w.openai.requests[llmBefore]!.messages[0]!.content).toContain('customer identity verified: yes');
  });

  test('the sidebar shows the draft with the calls of its turn and the proposals; tokens are required and scoped', async () => {
    const r = await api(w.url, w.token, 'GET', draftPath(301));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ticketId: '301', status: 'ready', draft: { reply: REPLY, fallback: false } });
    expect(typeof r.body.draft.id).toBe('string');
    expect(r.body.draft.calls.map((c: { action: string }) => c.action)).toEqual(['user_data_api', 'lookup_order', 'check_status', 'cancel_order']);
    const lookup = r.body.draft.calls[1];
    expect(lookup).toMatchObject({ method: 'GET', url: `${w.customer.base}/orders/A-1001`, status: 200, ok: true });
    expect(lookup.requestHeaders.authorization ?? lookup.requestHeaders.Authorization).toMatch(/^••••/);
    expect(lookup.turnId).toBeUndefined();
    expect(r.body.draft.calls[2]).toMatchObject({ ok: false, status: 503, errorType: 'http_5xx' });
    expect(r.body.draft.proposals).toHaveLength(1);
    expect(r.body.draft.proposals[0]).toMatchObject({ action: 'cancel_order', method: 'POST', status: 'pending', arguments: { order_number: 'A-1001' } });
    expect(r.body.draft.proposals[0].actionId).toBeUndefined();
    expectNoSecret(r.text);

    expect((await api(w.url, null, 'GET', draftPath(301))).status).toBe(401);
    expect((await api(w.url, 'hat_not-a-real-token', 'GET', draftPath(301))).status).toBe(401);
    expect((await api(w.url, w.token, 'GET', '/zendesk/tickets/abc/draft')).status).toBe(400);
    expect((await api(w.url, w.token, 'GET', draftPath(999))).body).toEqual({ ticketId: '999', status: 'none', message: expect.any(String), draft: null });

    // Another tenant's token sees nothing of this tenant's tickets and cannot run its proposals.
    const other = await api(w.url, OPERATOR_TOKEN, 'POST', '/v1/tenants', { name: 'other' });
    expect(other.status).toBe(201);
    const t2 = other.body.adminToken as string;
    const seen = await api(w.url, t2, 'GET', draftPath(301));
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ status: 'none', draft: null });
    expect(seen.text).not.toContain('A-1001');
    const pid = r.body.draft.proposals[0].id as string;
    expect((await api(w.url, t2, 'POST', `${draftPath(301).replace('/draft', '')}/proposals/${pid}/run`)).status).toBe(404);
    expect((await api(w.url, t2, 'POST', draftPath(301))).status).toBe(409);
    expect(w.customer.count('POST', /\/cancel$/)).toBe(0);
  });

  test('a proposed write runs only on the sidebar run route, once, and the run is noted on the ticket', async () => {
    const view = await api(w.url, w.token, 'GET', draftPath(301));
    const pid = view.body.draft.proposals[0].id as string;
    const runPath = `/zendesk/tickets/301/proposals/${pid}/run`;
    const putsBefore = w.zendesk.puts(301).length;

    const run = await api(w.url, w.token, 'POST', runPath);
    expect(run.status).toBe(200);
    expect(run.body.proposal).toMatchObject({ id: pid, status: 'done', result: { ok: true, status: 200 } });
    expect(run.body.call).toMatchObject({ action: 'cancel_order', method: 'POST', status: 200, ok: true });
    expect(w.customer.count('POST', /^\/orders\/A-1001\/cancel$/)).toBe(1);
    const cancel = w.customer.calls.find((c) => c.method === 'POST')!;
    expect(cancel.auth).toBe(`Bearer ${SECRETS.cancelToken}`);

    const runNotes = w.zendesk.puts(301).slice(putsBefore);
    expect(runNotes).toHaveLength(1);
    expect(runNotes[0]!.public).toBe(false);
    expect(runNotes[0]!.html).toContain('An agent ran cancel_order');
    expect(runNotes[0]!.html).toContain('[ai_draft_note]');
    expectNoSecret(runNotes[0]!.raw);

    // Run again: the same outcome, nothing sent twice (a run is claimed in the store once).
    const again = await api(w.url, w.token, 'POST', runPath);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ proposal: { status: 'done' }, call: null });
    expect((await api(w.url, w.token, 'POST', '/zendesk/tickets/301/proposals/no-such-proposal/run')).status).toBe(404);
    expect(w.customer.count('POST', /\/cancel$/)).toBe(1);
    const after = await api(w.url, w.token, 'GET', draftPath(301));
    expect(after.body.draft.proposals.find((p: { id: string }) => p.id === pid)).toMatchObject({ status: 'done' });
  });

  test('regenerate drafts again synchronously (even though our note is the newest comment); two clicks on Run execute once', async () => {
    const before = await api(w.url, w.token, 'GET', draftPath(301));
    const putsBefore = w.zendesk.puts(301).length;
    const regen = await api(w.url, w.token, 'POST', draftPath(301));
    expect(regen.status).toBe(200);
    expect(regen.body).toMatchObject({ ticketId: '301', status: 'ready', draft: { reply: REPLY } });
    expect(regen.body.draft.id).not.toBe(before.body.draft.id);
    expect(w.zendesk.puts(301).length).toBe(putsBefore + 1);
    // Newest first: the new proposal, then the one already done.
    const [fresh, old] = regen.body.draft.proposals;
    expect(fresh).toMatchObject({ action: 'cancel_order', status: 'pending' });
    expect(old).toMatchObject({ status: 'done' });

    const runPath = `/zendesk/tickets/301/proposals/${fresh.id}/run`;
    const results = await Promise.all([api(w.url, w.token, 'POST', runPath), api(w.url, w.token, 'POST', runPath)]);
    expect(results.map((x) => x.status)).toEqual([200, 200]);
    expect(results.map((x) => x.body.proposal.status)).toEqual(['done', 'done']);
    expect(results.filter((x) => x.body.call).length).toBe(1);
    expect(w.customer.count('POST', /\/cancel$/)).toBe(2);
  });

  test('an unverified requester still gets a generic draft: no User Data API call, verified-only actions not offered', async () => {
    w.openai.setScript(draftScript([{ name: 'account_details', arguments: {} }], 'Hello Bob, how can we help?'));
    w.zendesk.addTicket(302, UNVERIFIED.id, 'My plan', 'What plan am I on?');
    const udaBefore = w.customer.count('GET', /^\/users$/);
    const llmBefore = w.openai.requests.length;
    expect((await deliver(w, { ticket_id: '302' })).status).toBe(202);
    await waitFor(() => w.zendesk.puts(302).length === 1, 8000, 'the note');
    await inboxIdle(w);

    expect(w.customer.count('GET', /^\/users$/)).toBe(udaBefore);
    expect(w.customer.count('GET', /^\/accounts$/)).toBe(0);
    const first = w.openai.requests[llmBefore]!;
    expect(first.tools!.map((t) => t.function.name)).not.toContain('account_details');
    expect(first.messages[0]!.content).toContain('customer identity verified: no');
    // Zendesk was asked about the identities: user.verified alone is not enough.
    expect(w.zendesk.requests.some((r) => r.path === `/api/v2/users/${UNVERIFIED.id}/identities.json`)).toBe(true);

    const html = w.zendesk.puts(302)[0]!.html;
    expect(html).toContain('not verified');
    expect(html).toMatch(/account_details[^\n]*not run/);
    const view = await api(w.url, w.token, 'GET', draftPath(302));
    expect(view.body).toMatchObject({ status: 'ready', draft: { reply: 'Hello Bob, how can we help?' } });
    expect(view.body.message).toContain('not verified');
  });

  test('a requester verified only by phone (no email identity) is unverified end to end: verified-only actions not offered, none called', async () => {
    w.openai.setScript(draftScript([{ name: 'account_details', arguments: {} }], 'Hello Cy, how can we help?'));
    w.zendesk.addTicket(305, PHONE_ONLY.id, 'My plan', 'What plan am I on?');
    const udaBefore = w.customer.count('GET', /^\/users$/);
    const accountsBefore = w.customer.count('GET', /^\/accounts$/);
    const llmBefore = w.openai.requests.length;
    expect((await deliver(w, { ticket_id: '305' })).status).toBe(202);
    await waitFor(() => w.zendesk.puts(305).length === 1, 8000, 'the note');
    await inboxIdle(w);

    const first = w.openai.requests[llmBefore]!;
    expect(first.tools!.map((t) => t.function.name)).not.toContain('account_details');
    expect(first.messages[0]!.content).toContain('customer identity verified: no');
    expect(w.customer.count('GET', /^\/accounts$/)).toBe(accountsBefore);
    expect(w.customer.count('GET', /^\/users$/)).toBe(udaBefore);
    const html = w.zendesk.puts(305)[0]!.html;
    expect(html).toContain('not verified');
    expect(html).toMatch(/account_details[^\n]*not run/);
    const view = await api(w.url, w.token, 'GET', draftPath(305));
    expect(view.body).toMatchObject({ status: 'ready', draft: { reply: 'Hello Cy, how can we help?' } });
    expect(view.body.message).toContain('not verified');
  });

  test('when the model fails, the note says so and the sidebar reports failed', async () => {
    w.openai.setScript(() => ({ status: 500 }));
    w.zendesk.addTicket(303, REQUESTER.id, 'Help', 'Anyone there?');
    expect((await deliver(w, { ticket_id: '303' })).status).toBe(202);
    await waitFor(() => w.zendesk.puts(303).length === 1, 10_000, 'the note');
    expect(w.zendesk.puts(303)[0]!.html).toContain('fallback');
    const view = await api(w.url, w.token, 'GET', draftPath(303));
    expect(view.body).toMatchObject({ status: 'failed', draft: { fallback: true } });
  });

  test('while a delivery waits in the inbox the sidebar says drafting, then shows the draft', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    w.openai.setScript(async () => {
      await gate;
      return { content: 'Drafted after the wait.' };
    });
    w.zendesk.addTicket(304, REQUESTER.id, 'Hello', 'Is my order on its way?');
    expect((await deliver(w, { ticket_id: '304' })).status).toBe(202);
    await waitFor(async () => (await api(w.url, w.token, 'GET', draftPath(304))).body.status === 'drafting', 5000, 'drafting');
    release();
    await waitFor(async () => (await api(w.url, w.token, 'GET', draftPath(304))).body.status === 'ready', 10_000, 'ready');
    expect((await api(w.url, w.token, 'GET', draftPath(304))).body.draft.reply).toBe('Drafted after the wait.');
  });
});
