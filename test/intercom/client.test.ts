import { IntercomSettings } from '../../shared/settings';
import { Outbound } from '../../server/src/net';
import { IntercomClient, intercomBaseUrl, rateLimitWait } from '../../server/src/channels/intercom';
import { json, standIn, type StandIn } from '../actions/helpers';

const TOKEN = 'intercom-token-for-client-tests';
const guarded = new Outbound({ allowedPrivateHosts: ['127.0.0.1'], retryBaseMs: 20 });
const strict = new Outbound({ allowedPrivateHosts: [] });

let server: StandIn;
/** What the stand-in answers next, by request; default 200 with a contact. */
let answer: (n: number, url: string) => { status: number; headers?: Record<string, string>; body?: unknown; delayMs?: number; raw?: string };

beforeAll(async () => {
  server = await standIn((req, res) => {
    // n: this request's number in the current test (seen is emptied before each).
    const a = answer(server.seen.length - 1, req.url);
    setTimeout(() => {
      if (a.raw !== undefined) {
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.raw);
        return;
      }
      json(res, a.status, a.body ?? { type: 'contact', id: 'c1', role: 'user' }, a.headers);
    }, a.delayMs ?? 0);
  });
});
afterAll(async () => {
  await server.close();
  await guarded.close();
  await strict.close();
});
beforeEach(() => {
  server.seen.length = 0;
  answer = () => ({ status: 200 });
});

function client(extra: Partial<ConstructorParameters<typeof IntercomClient>[0]> = {}, settings: Record<string, unknown> = {}) {
  return new IntercomClient({
    settings: IntercomSettings.parse({ accessToken: TOKEN, baseUrl: server.base, ...settings }),
    outbound: guarded,
    ...extra,
  });
}

describe('intercom client', () => {
  test('region hosts, and baseUrl overrides them', () => {
    expect(intercomBaseUrl(IntercomSettings.parse({}))).toBe('https://api.intercom.io');
    expect(intercomBaseUrl(IntercomSettings.parse({ region: 'eu' }))).toBe('https://api.eu.intercom.io');
    expect(intercomBaseUrl(IntercomSettings.parse({ region: 'au' }))).toBe('https://api.au.intercom.io');
    expect(intercomBaseUrl(IntercomSettings.parse({ region: 'eu', baseUrl: 'https://proxy.example.com/intercom/' }))).toBe('https://proxy.example.com/intercom');
  });

  test('GET /contacts/{id} with the bearer token, Intercom-Version and JSON accept', async () => {
    const r = await client().getContact('abc/../1');
    expect(r).toMatchObject({ ok: true, status: 200, data: { id: 'c1', role: 'user' } });
    expect(server.seen[0]!.url).toBe('/contacts/abc%2F..%2F1');
    expect(server.seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.seen[0]!.headers['intercom-version']).toBe('2.14');
    expect(server.seen[0]!.headers.accept).toBe('application/json');
  });

  test('POST /conversations/{id}/reply as the admin', async () => {
    const r = await client().replyAsAdmin('123', 'note', '42', '<p>hi</p>');
    expect(r.ok).toBe(true);
    expect(server.seen[0]!.method).toBe('POST');
    expect(server.seen[0]!.url).toBe('/conversations/123/reply');
    expect(JSON.parse(server.seen[0]!.body)).toEqual({ message_type: 'note', type: 'admin', admin_id: '42', body: '<p>hi</p>' });
  });

  test('429: waits until X-RateLimit-Reset, then retries', async () => {
    const reset = String(Math.ceil(Date.now() / 1000) + 1);
    answer = (n) => (n === 0 ? { status: 429, headers: { 'x-ratelimit-reset': reset, 'x-ratelimit-remaining': '0' }, body: { type: 'error.list', errors: [{ code: 'rate_limit_exceeded' }] } } : { status: 200 });
    const started = Date.now();
    const r = await client().getContact('c1');
    expect(r.ok).toBe(true);
    expect(server.seen).toHaveLength(2);
    expect(Date.now()).toBeGreaterThanOrEqual(Number(reset) * 1000);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  test('429 on a POST is retried (Intercom did nothing); Retry-After is honoured', async () => {
    answer = (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200, body: { type: 'conversation' } });
    const started = Date.now();
    const r = await client().replyAsAdmin('1', 'comment', '42', 'x');
    expect(r.ok).toBe(true);
    expect(server.seen).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  test('429 with a window longer than the bound fails at once as rate_limited; endless 429s stop after the retries', async () => {
    answer = () => ({ status: 429, headers: { 'retry-after': '3600' } });
    const r = await client().getContact('c1');
    expect(r).toMatchObject({ ok: false, status: 429, error: { type: 'rate_limited' } });
    expect(server.seen).toHaveLength(1);

    server.seen.length = 0;
    answer = () => ({ status: 429 });
    const r2 = await client({ maxRetries: 2 }).getContact('c1');
    expect(r2).toMatchObject({ ok: false, error: { type: 'rate_limited' } });
    expect(server.seen).toHaveLength(3);
  });

  test('a GET is retried after a 503; a POST is not (it may have been done)', async () => {
    answer = (n) => (n === 0 ? { status: 503 } : { status: 200 });
    expect((await client().getContact('c1')).ok).toBe(true);
    expect(server.seen).toHaveLength(2);

    server.seen.length = 0;
    answer = () => ({ status: 503, body: { type: 'error.list', errors: [{ code: 'service_unavailable', message: 'try later' }] } });
    const r = await client().replyAsAdmin('1', 'comment', '42', 'x');
    expect(r).toMatchObject({ ok: false, status: 503, error: { type: 'http_5xx', message: 'Intercom answered 503: service_unavailable: try later' } });
    expect(server.seen).toHaveLength(1);
  });

  test('4xx is final, with Intercom\'s error in words', async () => {
    answer = () => ({ status: 404, body: { type: 'error.list', errors: [{ code: 'not_found', message: 'User Not Found' }] } });
    const r = await client().getContact('nope');
    expect(r).toMatchObject({ ok: false, status: 404, error: { type: 'http_4xx', message: 'Intercom answered 404: not_found: User Not Found' } });
    expect(server.seen).toHaveLength(1);
  });

  test('timeout, size cap, non-JSON answers and a missing token are failures in data', async () => {
    answer = () => ({ status: 200, delayMs: 500 });
    expect(await client({ timeoutMs: 100, maxRetries: 0 }).getContact('c1')).toMatchObject({ ok: false, error: { type: 'timeout' } });

    answer = () => ({ status: 200, raw: JSON.stringify({ big: 'x'.repeat(5000) }) });
    expect(await client({ maxResponseBytes: 1000 }).getContact('c1')).toMatchObject({ ok: false, error: { type: 'too_large' } });

    // A POST that got its 2xx was done, however big the echo: not reported as failed (it would be posted again).
    expect(await client({ maxResponseBytes: 1000 }).replyAsAdmin('1', 'comment', '42', 'x')).toMatchObject({ ok: true, status: 200 });

    answer = () => ({ status: 200, raw: '<html>not json</html>' });
    expect(await client().getContact('c1')).toMatchObject({ ok: false, error: { type: 'invalid_response' } });

    const none = new IntercomClient({ settings: IntercomSettings.parse({ baseUrl: server.base }), outbound: guarded });
    expect(await none.getContact('c1')).toMatchObject({ ok: false, error: { type: 'not_configured' } });
  });

  test('the private-network guard applies: a baseUrl to a private address is refused unless allowed', async () => {
    const c = new IntercomClient({ settings: IntercomSettings.parse({ accessToken: TOKEN, baseUrl: server.base }), outbound: strict, maxRetries: 0 });
    expect(await c.getContact('c1')).toMatchObject({ ok: false, error: { type: 'blocked' } });
    const metadata = new IntercomClient({ settings: IntercomSettings.parse({ accessToken: TOKEN, baseUrl: 'http://169.254.169.254' }), outbound: guarded, maxRetries: 0 });
    expect(await metadata.getContact('c1')).toMatchObject({ ok: false, error: { type: 'blocked' } });
    expect(server.seen).toHaveLength(0);
  });

  test('rateLimitWait reads Retry-After (seconds or date) before X-RateLimit-Reset', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(rateLimitWait({ 'retry-after': '2' }, now)).toBe(2000);
    expect(rateLimitWait({ 'retry-after': new Date(now + 3000).toUTCString() }, now)).toBe(3000);
    expect(rateLimitWait({ 'x-ratelimit-reset': String(now / 1000 + 5) }, now)).toBe(5100);
    expect(rateLimitWait({ 'x-ratelimit-reset': String(now / 1000 - 5) }, now)).toBe(100);
    expect(rateLimitWait({}, now)).toBeNull();
  });
});
