import { Outbound } from '../../server/src/net';
import { ZendeskClient, retryAfterMs } from '../../server/src/channels/zendesk/client';
import { startFakeZendesk, type FakeZendesk } from './fake-zendesk';

let zd: FakeZendesk;
const outbound = new Outbound({ allowedPrivateHosts: ['127.0.0.1'], retryBaseMs: 10 });

function client(opts: Partial<ConstructorParameters<typeof ZendeskClient>[2]> = {}, auth = 'Bearer oauth-token-1') {
  return new ZendeskClient(zd.url, auth, { outbound, ...opts });
}

beforeAll(async () => {
  zd = await startFakeZendesk();
  zd.addUser({ id: 11, name: 'Ana', email: 'ana@example.com', verified: true });
  zd.addTicket(1, 11, 'Subject', 'First comment');
});
afterAll(async () => {
  await zd.close();
  await outbound.close();
});
beforeEach(() => {
  zd.requests.length = 0;
});

describe('Zendesk API client', () => {
  test('reads a ticket, its comments (newest page, oldest first), a user and identities in Zendesk shapes', async () => {
    zd.addComment(1, 11, 'Second');
    const c = client();
    const t = await c.getTicket('1');
    expect(t).toMatchObject({ ok: true, data: { id: '1', requester_id: '11', subject: 'Subject' } });
    const cs = await c.listComments('1');
    expect(cs.ok && cs.data.map((x) => x.plain_body)).toEqual(['First comment', 'Second']);
    expect(zd.requests[1]!.url).toBe('/api/v2/tickets/1/comments.json?sort_order=desc&per_page=30');
    expect(await c.getUser('11')).toMatchObject({ ok: true, data: { id: '11', email: 'ana@example.com', verified: true } });
    expect(await c.listIdentities('11')).toMatchObject({ ok: true, data: [{ type: 'email', verified: true }] });
    expect(zd.requests.every((r) => r.headers.authorization === 'Bearer oauth-token-1')).toBe(true);
  });

  test('builds email/token basic auth, and the address from the subdomain unless a base URL is set', () => {
    const s = { subdomain: 'acme', email: 'bot@acme.com', apiToken: 'tok', oauthToken: null, webhookSecret: null, baseUrl: null };
    const c = ZendeskClient.fromSettings(s, { outbound }) as unknown as { baseUrl: string; authorization: string };
    expect(c.baseUrl).toBe('https://acme.zendesk.com');
    expect(c.authorization).toBe('Basic ' + Buffer.from('bot@acme.com/token:tok').toString('base64'));
    expect(ZendeskClient.fromSettings({ ...s, email: null }, { outbound })).toBeNull();
    expect(ZendeskClient.fromSettings({ ...s, subdomain: null }, { outbound })).toBeNull();
  });

  test('honours 429 Retry-After: waits, then succeeds', async () => {
    zd.override('GET', /^\/api\/v2\/tickets\/1\.json$/, { status: 429, headers: { 'retry-after': '1' }, body: { error: 'TooManyRequests' } });
    const started = Date.now();
    const r = await client().getTicket('1');
    const waited = Date.now() - started;
    expect(r.ok).toBe(true);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(zd.requests.filter((x) => x.path === '/api/v2/tickets/1.json')).toHaveLength(2);
  });

  test('a Retry-After beyond the bound is not waited out: the call fails as rate_limited at once', async () => {
    zd.override('PUT', /^\/api\/v2\/tickets\/1\.json$/, { status: 429, headers: { 'retry-after': '120' } });
    const started = Date.now();
    const r = await client({ maxRetryAfterMs: 5000 }).addInternalNote('1', '<p>x</p>', ['ai_draft_note']);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(r).toMatchObject({ ok: false, error: { kind: 'rate_limited', status: 429, retryAfterMs: 120_000 } });
    expect(retryAfterMs(new Date(Date.now() + 3000).toUTCString())).toBeGreaterThan(1000);
  });

  test('GET is retried on 5xx; a PUT (a comment) is not', async () => {
    zd.override('GET', /^\/api\/v2\/users\/11\.json$/, { status: 503 }, 2);
    const g = await client().getUser('11');
    expect(g.ok).toBe(true);
    expect(zd.requests.filter((x) => x.path === '/api/v2/users/11.json')).toHaveLength(3);

    zd.override('PUT', /^\/api\/v2\/tickets\/1\.json$/, { status: 503 });
    const p = await client().addInternalNote('1', '<p>x</p>', []);
    expect(p).toMatchObject({ ok: false, error: { kind: 'http', status: 503 } });
    expect(zd.requests.filter((x) => x.method === 'PUT')).toHaveLength(1);
  });

  test('a 404 is a failure in words, not a throw; a slow Zendesk times out; a huge answer is cut off', async () => {
    expect(await client().getTicket('424242')).toMatchObject({ ok: false, error: { kind: 'http', status: 404, message: 'Zendesk answered HTTP 404: RecordNotFound, Not found' } });
    zd.override('GET', /^\/api\/v2\/users\/11\.json$/, { status: 200, hang: true }, 3);
    expect(await client({ timeoutMs: 200, maxRetries: 0 }).getUser('11')).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(await client({ maxResponseBytes: 100 }).listComments('1')).toMatchObject({ ok: false, error: { kind: 'too_large' } });
  });

  test('passes the private-network guard: private addresses are refused unless allowed', async () => {
    const strict = new Outbound({ allowedPrivateHosts: [] });
    const c = new ZendeskClient(zd.url, 'Bearer x', { outbound: strict });
    const r = await c.getTicket('1');
    expect(r).toMatchObject({ ok: false, error: { kind: 'blocked' } });
    const meta = new ZendeskClient('http://169.254.169.254', 'Bearer x', { outbound });
    expect(await meta.getTicket('1')).toMatchObject({ ok: false, error: { kind: 'blocked' } });
    expect(zd.requests).toHaveLength(0);
  });
});
