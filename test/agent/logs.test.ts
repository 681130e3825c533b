import { api } from '../support/server';
import { createAction, next, startRig, start, toolResults, verified, type Rig } from './helpers';

let rig: Rig;
const OPERATOR = 'operator-token-for-tests-0123456789';
const SECRETS = {
  bearer: 'tok-bearer-9d8c7b6a5e4f',
  basicPassword: 'pw-basic-1a2b3c4d5e',
  header: 'hdr-value-0f9e8d7c6b',
  body: 'body-secret-5566778899',
  uda: 'uda-token-aa11bb22cc33',
};
const basicB64 = Buffer.from(`svc-user:${SECRETS.basicPassword}`).toString('base64');

beforeAll(async () => {
  rig = await startRig({ OPERATOR_TOKEN: OPERATOR });
  const base = rig.customer.base;
  // Each API echoes what it received (headers and body) back: a careless backend would hand the credential to the model.
  rig.customer.setHandler((req) => ({ body: { path: req.path, received: { headers: req.headers, body: req.body }, status: 'fine' } }));
  const echo = (name: string, auth: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    createAction(rig, { name, description: `Echo test action ${name}`, method: 'GET', url: `${base}/echo/${name}`, auth, ...extra });
  await echo('bearer_echo', { type: 'bearer', token: SECRETS.bearer });
  await echo('basic_echo', { type: 'basic', username: 'svc-user', password: SECRETS.basicPassword });
  await echo('header_echo', { type: 'header', name: 'X-Api-Key', value: SECRETS.header });
  await echo('body_echo', { type: 'body', name: 'api_key', value: SECRETS.body }, { method: 'POST', confirm: false, body: '{"q": "hello"}' });
  const uda = await api(rig.url, rig.token, 'PUT', '/v1/user-data-api', {
    enabled: true,
    url: `${base}/userdata?email={{contact.email}}`,
    auth: { type: 'bearer', token: SECRETS.uda },
  });
  expect(uda.status).toBe(200);
});

afterAll(() => rig.close());

const ALL = ['bearer_echo', 'basic_echo', 'header_echo', 'body_echo'];

/** Calls every echo action in one round, then replies with everything it saw (so the reply is checked too). */
function echoAll() {
  rig.llm.setScript((req) => {
    const results = toolResults(req);
    if (results.length === 0) return { toolCalls: ALL.map((name) => ({ name, arguments: {} })) };
    return { content: `I saw: ${results.join('\n')}` };
  });
}

test('secrets never reach the LLM: not in tools, prompts, tool results or replies', async () => {
  echoAll();
  rig.llm.reset();
  const t1 = await start(rig, 'check everything', verified);
  expect(t1.status).toBe(201);
  expect(t1.body.calls.filter((c: { ok: boolean }) => c.ok)).toHaveLength(5); // the User Data API + 4 actions
  const t2 = await next(rig, t1.body.id, 'and again');
  expect(t2.status).toBe(200);

  // The APIs did get the credentials, so absence below means masking, not a broken call.
  const seen = rig.customer.seen;
  expect(seen.find((s) => s.path === '/echo/bearer_echo')!.headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
  expect(seen.find((s) => s.path === '/echo/basic_echo')!.headers.authorization).toBe(`Basic ${basicB64}`);
  expect(seen.find((s) => s.path === '/echo/header_echo')!.headers['x-api-key']).toBe(SECRETS.header);
  expect(JSON.parse(seen.find((s) => s.path === '/echo/body_echo')!.body)).toEqual({ q: 'hello', api_key: SECRETS.body });
  expect(seen.find((s) => s.path === '/userdata')!.headers.authorization).toBe(`Bearer ${SECRETS.uda}`);
  expect(rig.customer.count('GET /userdata')).toBe(1);

  expect(rig.llm.requests).toHaveLength(4);
  const sent = JSON.stringify(rig.llm.requests);
  // The echoes did reach the model, masked.
  expect(sent).toContain('/echo/header_echo');
  expect(sent).toContain('••••');
  const forms = [...Object.values(SECRETS), basicB64];
  for (const s of forms) expect(sent).not.toContain(s);

  // Nor the API's answers, the conversation log, the call log, the server log.
  const conv = await api(rig.url, rig.token, 'GET', `/v1/conversations/${t1.body.id}`);
  const calls = await api(rig.url, rig.token, 'GET', '/v1/calls?limit=1000');
  const actions = await api(rig.url, rig.token, 'GET', '/v1/actions');
  for (const text of [t1.text, t2.text, conv.text, calls.text, actions.text, rig.srv.logs.join('')]) {
    for (const s of forms) expect(text).not.toContain(s);
  }
});

describe('the logs', () => {
  let convA: string;
  let convB: string;

  beforeAll(async () => {
    rig.llm.setScript((req) => {
      const results = toolResults(req);
      if (results.length === 0) {
        return { toolCalls: [{ name: 'bearer_echo', arguments: {} }, { name: 'no_such_tool', arguments: {} }] };
      }
      return { content: 'All done.' };
    });
    convA = (await start(rig, 'first conversation')).body.id;
    rig.llm.setScript(() => ({ content: 'Just chatting.' }));
    convB = (await start(rig, 'second conversation')).body.id;
    await next(rig, convB, 'more chat');
  });

  test('GET /v1/conversations lists them, newest first, with a summary', async () => {
    const r = await api(rig.url, rig.token, 'GET', '/v1/conversations');
    expect(r.status).toBe(200);
    const ids = r.body.conversations.map((c: { id: string }) => c.id);
    expect(ids.indexOf(convB)).toBeLessThan(ids.indexOf(convA));
    const b = r.body.conversations.find((c: { id: string }) => c.id === convB);
    expect(b).toMatchObject({ channel: 'api', messageCount: 4, needsHuman: false, lastMessage: { role: 'assistant', content: 'Just chatting.' } });
    const limited = await api(rig.url, rig.token, 'GET', '/v1/conversations?limit=1');
    expect(limited.body.conversations).toHaveLength(1);
  });

  test('GET /v1/conversations/:id shows the messages and every call', async () => {
    const r = await api(rig.url, rig.token, 'GET', `/v1/conversations/${convA}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: convA, channel: 'api', customer: { verified: false } });
    expect(r.body.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'first conversation'],
      ['assistant', 'All done.'],
    ]);
    expect(r.body.calls.map((c: { action: string; ok: boolean; errorType?: string }) => [c.action, c.ok, c.errorType ?? null])).toEqual([
      ['bearer_echo', true, null],
      ['no_such_tool', false, 'not_allowed'],
    ]);
    const call = r.body.calls[0];
    for (const k of ['id', 'conversationId', 'action', 'method', 'url', 'status', 'ok', 'durationMs', 'requestHeaders', 'responseExcerpt', 'at']) {
      expect(call).toHaveProperty(k);
    }
    expect(call.requestHeaders.authorization ?? call.requestHeaders.Authorization).toMatch(/^••••/);
    expect(r.body.failures).toBeUndefined();
    expect(r.body.tenantId).toBeUndefined();
    expect((await api(rig.url, rig.token, 'GET', '/v1/conversations/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });

  test('GET /v1/calls filters by action, status and limit', async () => {
    const byAction = await api(rig.url, rig.token, 'GET', '/v1/calls?action=bearer_echo');
    expect(byAction.status).toBe(200);
    expect(byAction.body.calls.length).toBeGreaterThanOrEqual(3);
    expect(byAction.body.calls.every((c: { action: string }) => c.action === 'bearer_echo')).toBe(true);

    const ok = await api(rig.url, rig.token, 'GET', '/v1/calls?status=ok&limit=1000');
    expect(ok.body.calls.length).toBeGreaterThan(0);
    expect(ok.body.calls.every((c: { ok: boolean }) => c.ok)).toBe(true);
    const errors = await api(rig.url, rig.token, 'GET', '/v1/calls?status=error');
    expect(errors.body.calls.length).toBeGreaterThan(0);
    expect(errors.body.calls.every((c: { ok: boolean }) => !c.ok)).toBe(true);
    const refused = await api(rig.url, rig.token, 'GET', '/v1/calls?status=not_allowed');
    expect(refused.body.calls.map((c: { action: string }) => c.action)).toEqual(['no_such_tool']);
    expect((await api(rig.url, rig.token, 'GET', '/v1/calls?status=timeout')).body.calls).toEqual([]);

    const limited = await api(rig.url, rig.token, 'GET', '/v1/calls?limit=2');
    expect(limited.body.calls).toHaveLength(2);
    const all = await api(rig.url, rig.token, 'GET', '/v1/calls?limit=1000');
    // Newest first.
    expect(limited.body.calls.map((c: { id: string }) => c.id)).toEqual(all.body.calls.slice(0, 2).map((c: { id: string }) => c.id));
    expect((await api(rig.url, rig.token, 'GET', '/v1/calls?limit=0')).status).toBe(400);
    expect((await api(rig.url, rig.token, 'GET', '/v1/calls?status=DROP%20TABLE')).status).toBe(400);
  });

  test('another tenant sees none of it', async () => {
    const t = await api(rig.url, OPERATOR, 'POST', '/v1/tenants', { name: 'other' });
    expect(t.status).toBe(201);
    const other = t.body.adminToken as string;
    expect((await api(rig.url, other, 'GET', `/v1/conversations/${convA}`)).status).toBe(404);
    expect((await next(rig, convA, 'hijack', other)).status).toBe(404);
    expect((await api(rig.url, other, 'GET', '/v1/conversations')).body.conversations).toEqual([]);
    expect((await api(rig.url, other, 'GET', '/v1/calls')).body.calls).toEqual([]);

    // Its own conversation has none of the first tenant's tools, and the first tenant cannot see it.
    rig.llm.reset();
    rig.llm.setScript(() => ({ content: 'hello from other' }));
    const own = await start(rig, 'hi', verified, other);
    expect(own.status).toBe(201);
    expect(rig.llm.requests[0]!.tools ?? []).toEqual([]);
    expect((await api(rig.url, rig.token, 'GET', `/v1/conversations/${own.body.id}`)).status).toBe(404);
    expect((await api(rig.url, null, 'GET', `/v1/conversations/${own.body.id}`)).status).toBe(401);
  });
});
