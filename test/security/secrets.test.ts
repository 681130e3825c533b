import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';
import { startCustomerApi, toolResults, type CustomerApi } from '../agent/helpers';

/**
 * Security issue 10, the secret model end to end: credential-named headers and query values
 * are secrets; a kept secret never follows a changed destination; digits-only secrets are
 * masked as numbers too; query auth is sealed; hostile bodies both ways are refused cleanly.
 */
let llm: FakeOpenAI;
let api1: CustomerApi;
let other: CustomerApi;
let srv: TestServer;
let deepApi: http.Server;
let deepBase: string;
const HEADER_SECRET = 'hdr-9f2c71d4-secret-value';
const DIGITS = '4815162342';
const QUERY_SECRET = 'qry-77a1b2-secret-value';

beforeAll(async () => {
  llm = await startFakeOpenAI();
  // A hostile API: it echoes every header and query value back, and the digits secret as a number.
  api1 = await startCustomerApi((req) => {
    if (req.path.startsWith('/slow')) return { body: { ok: true }, delayMs: 2_500 };
    return { body: { echo: req.headers, query: req.query, pin: Number(DIGITS), note: `key ${HEADER_SECRET}` } };
  });
  other = await startCustomerApi(() => ({ body: { stolen: true } }));
  // 200,000 levels of JSON nesting: valid JSON that no recursive walk survives.
  const deep = '['.repeat(200_000) + ']'.repeat(200_000);
  deepApi = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(deep));
  await new Promise<void>((r) => deepApi.listen(0, '127.0.0.1', r));
  deepBase = `http://127.0.0.1:${(deepApi.address() as AddressInfo).port}`;
  srv = await startTestServer({ OPENAI_BASE_URL: llm.url, OPENAI_MODEL: 'scripted-model', TURN_DEADLINE_MS: '1500' });
});
afterAll(async () => {
  await srv.close();
  await llm.close();
  await api1.close();
  await other.close();
  await new Promise((r) => deepApi.close(r));
});

const post = (p: string, body: unknown) => api(srv.url, srv.token, 'POST', p, body);
const put = (p: string, body: unknown) => api(srv.url, srv.token, 'PUT', p, body);
const get = (p: string) => api(srv.url, srv.token, 'GET', p);

function everything(): string {
  const files = ['store.sqlite', 'store.sqlite-wal'].map((f) => path.join(srv.dataDir, f)).filter((f) => fs.existsSync(f));
  return [JSON.stringify(llm.requests), srv.logs.join(''), ...files.map((f) => fs.readFileSync(f).toString('latin1'))].join('\n');
}

describe('credential-named headers and query values are secrets', () => {
  let actionId: string;
  test('an X-Api-Key header and a digits-only key echoed by the API reach nothing: not the model, the API answers, the logs or the database', async () => {
    const created = await post('/v1/actions', {
      name: 'echo_lookup',
      description: 'Look up an order when the customer asks about it',
      method: 'GET',
      url: `${api1.base}/orders/{{order}}`,
      headers: [
        { key: 'X-Api-Key', value: HEADER_SECRET },
        { key: 'X-Pin-Token', value: DIGITS },
      ],
      variables: [{ name: 'order', type: 'string', description: 'Order number' }],
    });
    expect(created.status).toBe(201);
    actionId = created.body.id;
    expect(created.body.headers).toEqual([
      { key: 'X-Api-Key', value: expect.stringMatching(/^••••/) },
      { key: 'X-Pin-Token', value: expect.stringMatching(/^••••/) },
    ]);
    llm.setScript((req) => (toolResults(req).length === 0 ? { toolCalls: [{ name: 'echo_lookup', arguments: { order: 'A-1' } }] } : { content: 'Here it is.' }));
    const t = await post('/v1/conversations', { customer: { email: 'ann@example.com', verified: true }, message: 'Where is A-1?' });
    expect(t.status).toBe(201);
    expect(api1.seen.some((s) => s.headers['x-api-key'] === HEADER_SECRET)).toBe(true);
    const tested = await post(`/v1/actions/${actionId}/test`, { variables: { order: 'A-2' } });
    expect(tested.status).toBe(200);
    const answers = [t.text, tested.text, (await get(`/v1/conversations/${t.body.id}`)).text, (await get('/v1/calls?limit=50')).text, (await get(`/v1/actions/${actionId}`)).text];
    const haystack = answers.join('\n') + everything();
    expect(haystack.includes(HEADER_SECRET)).toBe(false);
    expect(haystack.includes(DIGITS)).toBe(false);
    // The scan reads real content: the echo is there, masked.
    expect(JSON.stringify(llm.requests)).toContain('••••');
  });

  test('query auth is sealed at rest, masked on the way out, and sent only in the query', async () => {
    const created = await post('/v1/actions', {
      name: 'query_auth',
      description: 'Look up a parcel when the customer asks about it',
      method: 'GET',
      url: `${api1.base}/parcels/{{id}}`,
      auth: { type: 'query', name: 'api_key', value: QUERY_SECRET },
      variables: [{ name: 'id', type: 'string', description: 'Parcel id' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.auth).toEqual({ type: 'query', name: 'api_key', value: expect.stringMatching(/^••••/) });
    const r = await post(`/v1/actions/${created.body.id}/test`, { variables: { id: 'P 1' } });
    expect(r.body.request.url).toBe(`${api1.base}/parcels/P%201?api_key=${encodeURIComponent('••••' + QUERY_SECRET.slice(-4))}`.replace(encodeURIComponent('••••'), '••••'));
    expect(api1.seen.some((s) => s.query === `?api_key=${QUERY_SECRET}`)).toBe(true);
    expect((r.text + everything()).includes(QUERY_SECRET)).toBe(false);
  });
});

describe('a kept secret never follows a changed destination', () => {
  test('PUT of an action with the masked token and another host: 400 secret_required, the other host never called', async () => {
    const created = await post('/v1/actions', {
      name: 'bound_secret',
      description: 'Look up the account when the customer asks about it',
      method: 'GET',
      url: `${api1.base}/account`,
      auth: { type: 'bearer', token: 'tok-bound-0001-secret' },
    });
    const masked = created.body;
    const moved = await put(`/v1/actions/${masked.id}`, { ...masked, url: `${other.base.replace('127.0.0.1', 'localhost')}/account` });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toMatchObject({ code: 'secret_required', details: [{ path: 'auth.token' }] });
    const tested = await post('/v1/actions/test', { action: { ...masked, url: `${other.base}/x` }, actionId: masked.id, variables: {} });
    expect(tested.status).toBe(400);
    expect(tested.body.error.code).toBe('secret_required');
    expect(other.seen).toHaveLength(0);
    // Same destination: kept. A new secret typed for the new host: accepted.
    expect((await put(`/v1/actions/${masked.id}`, { ...masked, description: 'Look up the account balance when asked' })).status).toBe(200);
    expect((await put(`/v1/actions/${masked.id}`, { ...masked, url: `${other.base}/account`, auth: { type: 'bearer', token: 'tok-new-host-secret' } })).status).toBe(200);
  });

  test('the User Data API and both helpdesks: a new address needs the secret typed again', async () => {
    const uda = await put('/v1/user-data-api', { enabled: true, url: `${api1.base}/customers?email={{contact.email}}`, auth: { type: 'bearer', token: 'uda-token-secret-1' } });
    expect(uda.status).toBe(200);
    const movedUda = await put('/v1/user-data-api', { ...uda.body, url: `${other.base}/customers` });
    expect(movedUda.body.error).toMatchObject({ code: 'secret_required', details: [{ path: 'auth.token' }] });
    const testUda = await post('/v1/user-data-api/test', { email: 'a@example.com', config: { ...uda.body, url: `${other.base}/c` } });
    expect(testUda.body.error.code).toBe('secret_required');

    const s = await put('/v1/settings', { zendesk: { subdomain: 'acme', email: 'bot@acme.com', apiToken: 'zd-token-secret-1' }, intercom: { accessToken: 'ic-token-secret-1', region: 'us' } });
    expect(s.status).toBe(200);
    const zd = await put('/v1/settings', { zendesk: { ...s.body.zendesk, baseUrl: 'https://evil.example.com' } });
    expect(zd.body.error).toMatchObject({ code: 'secret_required', details: [{ path: 'zendesk.apiToken' }] });
    const sub = await put('/v1/settings', { zendesk: { ...s.body.zendesk, subdomain: 'evil' } });
    expect(sub.body.error.code).toBe('secret_required');
    const ic = await put('/v1/settings', { intercom: { ...s.body.intercom, region: 'eu' } });
    expect(ic.body.error).toMatchObject({ code: 'secret_required', details: [{ path: 'intercom.accessToken' }] });
    // Unchanged addresses keep them.
    expect((await put('/v1/settings', { ...s.body, instructions: 'Be brief.' })).status).toBe(200);
    expect(other.seen).toHaveLength(0);
  });

  test('a placeholder in the host is refused unless its variable has a fixed list of values', async () => {
    const bad = await post('/v1/actions', {
      name: 'host_var',
      description: 'Calls a host the model would choose',
      method: 'GET',
      url: 'https://{{host}}/x',
      auth: { type: 'bearer', token: 'tok-host-var-secret' },
      variables: [{ name: 'host', type: 'string', description: 'host' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({ path: 'url', message: expect.stringContaining('{{host}}') });
    const ok = await post('/v1/actions', {
      name: 'region_var',
      description: 'Calls the regional API the customer is in',
      method: 'GET',
      url: 'https://{{region}}.api.example.com/x',
      variables: [{ name: 'region', type: 'string', description: 'region', enum: ['eu', 'us'] }],
    });
    expect(ok.status).toBe(201);
  });

  test('helpdesk base URLs are https only', async () => {
    const r = await put('/v1/settings', { intercom: { baseUrl: 'javascript:alert(1)' } });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].path).toBe('intercom.baseUrl');
  });
});

describe('hostile bodies both ways', () => {
  test('an admin body nested 30,000 levels deep is a 400, not a 500', async () => {
    const deep = '{"a":'.repeat(30_000) + '1' + '}'.repeat(30_000);
    const r = await api(srv.url, srv.token, 'POST', '/v1/actions', deep);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
  });

  test('an API answering 200,000-deep JSON is invalid_response, not a throw', async () => {
    const r = await post('/v1/actions/test', {
      action: { name: 'deep_api', description: 'An API that answers absurdly deep JSON', method: 'GET', url: `${deepBase}/deep` },
      variables: {},
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: false, error: { type: 'invalid_response' } });
  });

  test('a lone surrogate in a model argument is missing_variables, and the sibling call of the round is still logged', async () => {
    llm.setScript((req) =>
      toolResults(req).length === 0
        ? { toolCalls: [{ name: 'echo_lookup', arguments: { order: 'A\ud800' } }, { name: 'echo_lookup', arguments: { order: 'B-2' } }] }
        : { content: 'Done.' },
    );
    const t = await post('/v1/conversations', { customer: { email: 'ann@example.com', verified: true }, message: 'A and B?' });
    expect(t.status).toBe(201);
    const echo = t.body.calls.filter((c: { action: string }) => c.action === 'echo_lookup');
    expect(echo.map((c: { errorType?: string; ok: boolean }) => c.errorType ?? (c.ok ? 'ok' : 'error'))).toEqual(['missing_variables', 'ok']);
  });

  test('a call cut by the turn deadline is recorded as timeout', async () => {
    await post('/v1/actions', {
      name: 'slow_api',
      description: 'An API slower than the whole turn may take',
      method: 'GET',
      url: `${api1.base}/slow`,
      timeoutMs: 10_000,
    });
    llm.setScript((req) => (toolResults(req).length === 0 ? { toolCalls: [{ name: 'slow_api', arguments: {} }] } : { content: 'late' }));
    const t = await post('/v1/conversations', { customer: { verified: false }, message: 'slow please' });
    expect(t.status).toBe(201);
    const calls = await get(`/v1/calls?action=slow_api&limit=5`);
    expect(calls.body.calls[0]).toMatchObject({ action: 'slow_api', ok: false, errorType: 'timeout' });
  });
});

describe('scoped tokens', () => {
  test('a sidebar token opens the sidebar routes only; revoked, it opens nothing', async () => {
    const created = await post('/v1/tokens', { name: 'Zendesk sidebar', scope: 'sidebar' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^hst_/);
    const list = await get('/v1/tokens');
    expect(list.body.tokens).toEqual([expect.objectContaining({ id: created.body.id, scope: 'sidebar', token: expect.stringMatching(/^••••/) })]);
    expect(list.text.includes(token)).toBe(false);
    expect((await api(srv.url, token, 'GET', '/v1/actions')).status).toBe(403);
    expect((await api(srv.url, token, 'GET', '/v1/settings')).status).toBe(403);
    expect((await api(srv.url, token, 'GET', '/zendesk/tickets/1/draft')).status).toBe(200);
    expect((await api(srv.url, srv.token, 'DELETE', `/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect((await api(srv.url, token, 'GET', '/zendesk/tickets/1/draft')).status).toBe(401);
  });
});
