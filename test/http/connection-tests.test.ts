import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeIntercom, type FakeIntercom } from '../intercom/fake-intercom';
import { ADMIN_ID, APP_ID } from '../intercom/helpers';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';
import { startFakeZendesk, type FakeZendesk } from '../zendesk/fake-zendesk';

const ZD_EMAIL = 'ai-bot@example.com';
const ZD_TOKEN = 'zendesk-api-token-SECRET-1234';
const ZD_AUTH = 'Basic ' + Buffer.from(`${ZD_EMAIL}/token:${ZD_TOKEN}`).toString('base64');
const IC_TOKEN = 'intercom-access-token-SECRET-5678';

let s: TestServer;
let zd: FakeZendesk;
let ic: FakeIntercom;
let llm: FakeOpenAI;

/** A port nothing listens on (opened, then closed). */
async function closedPort(): Promise<number> {
  const srv = http.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

beforeAll(async () => {
  [zd, ic, llm] = await Promise.all([startFakeZendesk(), startFakeIntercom(IC_TOKEN), startFakeOpenAI()]);
  s = await startTestServer({ OPENAI_BASE_URL: llm.url, OPENAI_MODEL: 'default-model' });
});
afterAll(async () => {
  await s.close();
  await Promise.all([zd.close(), ic.close(), llm.close()]);
});

describe('POST /v1/settings/zendesk/test', () => {
  beforeAll(async () => {
    zd.requireAuth(ZD_AUTH);
    const r = await api(s.url, s.token, 'PUT', '/v1/settings', { zendesk: { subdomain: 'acme', email: ZD_EMAIL, apiToken: ZD_TOKEN, baseUrl: zd.url } });
    expect(r.status).toBe(200);
  });

  test('the saved settings: users/me.json as the API user, the user in the answer', async () => {
    const before = zd.requests.length;
    const r = await api(s.url, s.token, 'POST', '/v1/settings/zendesk/test', {});
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, message: expect.stringContaining('AI Bot <ai-bot@example.com>'), user: { id: String(zd.apiUserId), name: 'AI Bot', email: 'ai-bot@example.com', role: 'admin' } });
    const seen = zd.requests.slice(before);
    expect(seen.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api/v2/users/me.json']);
    expect(seen[0]!.headers.authorization).toBe(ZD_AUTH);
    expect(r.text).not.toContain(ZD_TOKEN);
  });

  test('a draft with the token sent back masked uses the stored token; a wrong email is refused in words; nothing is saved', async () => {
    const saved = (await api(s.url, s.token, 'GET', '/v1/settings')).body.zendesk;
    expect(saved.apiToken).toBe('••••1234');
    const ok = await api(s.url, s.token, 'POST', '/v1/settings/zendesk/test', { zendesk: saved });
    expect(ok.body.ok).toBe(true);
    const wrong = await api(s.url, s.token, 'POST', '/v1/settings/zendesk/test', { zendesk: { ...saved, email: 'someone@example.com' } });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual({ ok: false, message: expect.stringContaining('refused the credentials (HTTP 401)') });
    expect((await api(s.url, s.token, 'GET', '/v1/settings')).body.zendesk.email).toBe(ZD_EMAIL);
  });

  test('a masked token for another address: 400 secret_required naming the field; a bad subdomain: 400 naming it', async () => {
    const saved = (await api(s.url, s.token, 'GET', '/v1/settings')).body.zendesk;
    const moved = await api(s.url, s.token, 'POST', '/v1/settings/zendesk/test', { zendesk: { ...saved, baseUrl: `http://127.0.0.1:${await closedPort()}` } });
    expect(moved.status).toBe(400);
    expect(moved.body.error.code).toBe('secret_required');
    expect(moved.body.error.details).toEqual([{ path: 'zendesk.apiToken', message: expect.any(String) }]);
    const bad = await api(s.url, s.token, 'POST', '/v1/settings/zendesk/test', { zendesk: { ...saved, subdomain: 'acme.zendesk.com' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'zendesk.subdomain', message: expect.stringContaining('subdomain only') }]);
    const extra = await api(s.url, s.token, 'POST', '/v1/settings/zendesk/test', { zendesk: saved, other: 1 });
    expect(extra.status).toBe(400);
  });

  test('an end user, an anonymous answer, missing credentials and a dead address each fail in words', async () => {
    zd.setMe({ role: 'end-user' });
    const endUser = await api(s.url, s.token, 'POST', '/v1/settings/zendesk/test', {});
    expect(endUser.body).toMatchObject({ ok: false, message: expect.stringContaining('use an agent or admin'), user: { role: 'end-user' } });
    zd.setMe({ role: 'admin', id: null, name: 'Anonymous user' });
    const anon = await api(s.url, s.token, 'POST', '/v1/settings/zendesk/test', {});
    expect(anon.body).toEqual({ ok: false, message: expect.stringContaining('anonymous user') });
    zd.setMe({ id: zd.apiUserId, name: 'AI Bot' });

    const none = await api(s.url, s.token, 'POST', '/v1/settings/zendesk/test', { zendesk: { subdomain: 'acme', baseUrl: zd.url } });
    expect(none.body).toEqual({ ok: false, message: expect.stringContaining('email and an API token') });
    const dead = await api(s.url, s.token, 'POST', '/v1/settings/zendesk/test', {
      zendesk: { subdomain: 'acme', email: ZD_EMAIL, apiToken: ZD_TOKEN, baseUrl: `http://127.0.0.1:${await closedPort()}` },
    });
    expect(dead.body).toEqual({ ok: false, message: expect.stringContaining('could not reach Zendesk') });
    expect(dead.text).not.toContain(ZD_TOKEN);
  });
});

describe('POST /v1/settings/intercom/test', () => {
  test('GET /me proves the app id, GET /admins lists the admins', async () => {
    const before = ic.requests.length;
    const r = await api(s.url, s.token, 'POST', '/v1/settings/intercom/test', { intercom: { appId: APP_ID, accessToken: IC_TOKEN, baseUrl: ic.base } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      ok: true,
      appId: APP_ID,
      message: 'connected to workspace abc123xy (2 admins)',
      admins: [
        { id: ADMIN_ID, name: 'Acme Bot', email: 'bot@acme.test' },
        { id: '991267697', name: 'Ada Admin', email: 'ada@acme.test' },
      ],
    });
    const seen = ic.requests.slice(before);
    expect(seen.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /me', 'GET /admins']);
    expect(seen.every((q) => q.headers.authorization === `Bearer ${IC_TOKEN}`)).toBe(true);
    expect(r.text).not.toContain(IC_TOKEN);
  });

  test('another workspace’s token, an unknown admin, a refused token, no token: ok false in words', async () => {
    const draft = { appId: 'otherapp', accessToken: IC_TOKEN, baseUrl: ic.base };
    const other = await api(s.url, s.token, 'POST', '/v1/settings/intercom/test', { intercom: draft });
    expect(other.body).toEqual({ ok: false, appId: APP_ID, message: expect.stringContaining('belongs to workspace abc123xy, not otherapp') });
    const admin = await api(s.url, s.token, 'POST', '/v1/settings/intercom/test', { intercom: { ...draft, appId: APP_ID, adminId: '123' } });
    expect(admin.body).toMatchObject({ ok: false, appId: APP_ID, message: expect.stringContaining('admin 123 is not an admin'), admins: expect.any(Array) });
    const refused = await api(s.url, s.token, 'POST', '/v1/settings/intercom/test', { intercom: { ...draft, accessToken: 'wrong-token-0000' } });
    expect(refused.body).toEqual({ ok: false, message: expect.stringContaining('refused the access token (HTTP 401)') });
    const none = await api(s.url, s.token, 'POST', '/v1/settings/intercom/test', { intercom: { appId: APP_ID, baseUrl: ic.base } });
    expect(none.body).toEqual({ ok: false, message: expect.stringContaining('enter the access token') });
  });

  test('the saved token, sent back masked, is used; an unset app id is named in the message; a bad region is a 400', async () => {
    expect((await api(s.url, s.token, 'PUT', '/v1/settings', { intercom: { accessToken: IC_TOKEN, baseUrl: ic.base } })).status).toBe(200);
    const saved = (await api(s.url, s.token, 'GET', '/v1/settings')).body.intercom;
    expect(saved.accessToken).toBe('••••5678');
    const r = await api(s.url, s.token, 'POST', '/v1/settings/intercom/test', { intercom: saved });
    expect(r.body).toMatchObject({ ok: true, appId: APP_ID, message: expect.stringContaining('enter abc123xy as the app id') });
    const bad = await api(s.url, s.token, 'POST', '/v1/settings/intercom/test', { intercom: { ...saved, region: 'ap' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'intercom.region', message: expect.any(String) }]);
  });
});

describe('POST /v1/settings/model/test', () => {
  test('one tiny completion with the default model, then a named one', async () => {
    llm.setScript(() => ({ content: 'OK' }));
    llm.reset();
    const r = await api(s.url, s.token, 'POST', '/v1/settings/model/test', {});
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, model: 'default-model', baseUrl: llm.url, message: 'the model default-model answered: “OK”', latencyMs: expect.any(Number) });
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]!.messages).toHaveLength(1);
    const named = await api(s.url, s.token, 'POST', '/v1/settings/model/test', { model: 'llama3.1' });
    expect(named.body).toMatchObject({ ok: true, model: 'llama3.1' });
    expect(llm.requests[1]!.model).toBe('llama3.1');
    expect((await api(s.url, s.token, 'POST', '/v1/settings/model/test', { model: '' })).status).toBe(400);
  });

  test('a refused key, an unknown model and a provider error in words', async () => {
    llm.setScript(() => ({ status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } }));
    expect((await api(s.url, s.token, 'POST', '/v1/settings/model/test', {})).body).toMatchObject({ ok: false, message: expect.stringContaining('the API key was refused') });
    llm.setScript((req) => ({ status: 404, body: { error: { message: `The model \`${req.model}\` does not exist`, code: 'model_not_found' } } }));
    expect((await api(s.url, s.token, 'POST', '/v1/settings/model/test', { model: 'gpt-9' })).body).toMatchObject({ ok: false, model: 'gpt-9', message: expect.stringContaining('the model gpt-9 does not exist there') });
    llm.setScript(() => ({ status: 500 }));
    expect((await api(s.url, s.token, 'POST', '/v1/settings/model/test', {})).body).toMatchObject({ ok: false, message: expect.stringContaining('answered HTTP 500') });
  });

  test('nothing listening at the base URL; no model configured at all', async () => {
    const deadUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    const dead = await startTestServer({ OPENAI_BASE_URL: deadUrl });
    try {
      const r = await api(dead.url, dead.token, 'POST', '/v1/settings/model/test', {});
      expect(r.body).toEqual({ ok: false, model: 'gpt-4.1-mini', baseUrl: deadUrl, message: `nothing answers at ${deadUrl} (connection refused): is the model server running?`, latencyMs: expect.any(Number) });
    } finally {
      await dead.close();
    }
    const none = await startTestServer({ OPENAI_API_KEY: '' });
    try {
      const r = await api(none.url, none.token, 'POST', '/v1/settings/model/test', {});
      expect(r.body).toMatchObject({ ok: false, baseUrl: 'https://api.openai.com/v1', message: expect.stringContaining('no model is configured') });
    } finally {
      await none.close();
    }
  });
});
