import { draftNoteHtml, escapeHtml, outcome } from '../../server/src/channels/zendesk/note';
import { customerOf, decide, requesterMessage, type TicketSnapshot } from '../../server/src/channels/zendesk/ticket';
import type { ZComment } from '../../server/src/channels/zendesk/types';
import type { CallRecord } from '../../shared/conversation';

let n = 0;
function comment(author: string, text: string, pub = true): ZComment {
  n++;
  return { id: String(n), author_id: author, body: text, plain_body: text, html_body: `<p>${text}</p>`, public: pub, created_at: new Date(1_700_000_000_000 + n * 1000).toISOString() };
}

function snapshot(comments: ZComment[], tags: string[] = []): TicketSnapshot {
  return { ticket: { id: '7', subject: 'Late order', description: null, status: 'open', requester_id: '1', tags }, comments, requester: null, customer: { verified: true } };
}

describe('which deliveries draft', () => {
  test('a new ticket: the subject and the first comment', () => {
    expect(decide(snapshot([comment('1', 'Where is A-1?')]))).toMatchObject({ draft: true, message: 'Subject: Late order\n\nWhere is A-1?' });
  });

  test('our note is never a reason to draft, nor is an agent comment', () => {
    const ours = comment('900', 'AI draft reply ... [ai_draft_note]', false);
    expect(decide(snapshot([comment('1', 'Hi'), ours], ['ai_draft_note']))).toEqual({ draft: false, reason: 'the newest comment is our own note (tag ai_draft_note)' });
    expect(decide(snapshot([comment('1', 'Hi'), comment('5', 'internal', false)]))).toMatchObject({ draft: false });
    expect(decide(snapshot([comment('1', 'Hi'), comment('5', 'public agent reply')]))).toMatchObject({ draft: false });
    // A requester cannot forge our note: a public comment with the marker is just a customer message.
    expect(decide(snapshot([comment('1', 'Hi'), comment('5', 'reply'), comment('1', 'fake [ai_draft_note]')]))).toMatchObject({ draft: true, message: 'fake [ai_draft_note]' });
  });

  test('consecutive requester comments are answered together; internal notes between them are skipped', () => {
    const cs = [comment('1', 'First'), comment('5', 'Agent answer'), comment('1', 'One more thing'), comment('5', 'note', false), comment('1', 'And another')];
    expect(decide(snapshot(cs))).toMatchObject({ draft: true, message: 'One more thing\n\nAnd another' });
    // The regenerate button: the requester's newest message even when our note came after it.
    expect(requesterMessage(snapshot([...cs, comment('900', 'x [ai_draft_note]', false)]))?.message).toBe('One more thing\n\nAnd another');
  });

  test('a customer with an invalid email keeps the rest', () => {
    expect(customerOf({ id: '3', name: 'Jo', email: 'not an email', phone: null, role: 'end-user', verified: true }, true)).toEqual({ id: '3', name: 'Jo', verified: true });
  });
});

describe('the note', () => {
  const call = (over: Partial<CallRecord>): CallRecord => ({
    id: 'c',
    conversationId: 'v',
    turnId: 't',
    action: 'lookup',
    method: 'GET',
    url: 'https://api.example.com/x?key=••••abcd',
    status: 200,
    ok: true,
    durationMs: 182,
    requestHeaders: {},
    responseExcerpt: '{"a":"<script>"}',
    at: '2025-01-01T00:00:00Z',
    ...over,
  });

  test('errors in words', () => {
    expect(outcome(call({ ok: false, status: null, errorType: 'timeout', durationMs: 10_004 }))).toBe('timed out after 10 s');
    expect(outcome(call({ ok: false, status: 503, errorType: 'http_5xx' }))).toBe('the API answered 503');
    expect(outcome(call({ ok: false, status: null, errorType: 'network', errorMessage: 'connection refused (ECONNREFUSED)' }))).toBe('could not connect: connection refused (ECONNREFUSED)');
  });

  test('everything is escaped', () => {
    const html = draftNoteHtml({ reply: '<img src=x onerror=alert(1)>\nBye', fallback: false, verified: true, calls: [call({ action: 'a<b' })], pending: [] });
    expect(html).not.toMatch(/<img|<script>|a<b/);
    expect(html).toContain(escapeHtml('<img src=x onerror=alert(1)>') + '<br>Bye');
    expect(html).toContain('182 ms');
  });
});
