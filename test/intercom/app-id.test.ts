import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';
import { startFakeIntercom, type FakeIntercom } from './fake-intercom';
import { ACCESS_TOKEN, ADMIN_ID, APP_ID, configureIntercom, deliver, notification, waitFor } from './helpers';

const OPERATOR = 'operator-token-for-intercom-app-id';
/** Tenant B's own workspace: its token's GET /me names B_APP, not A's APP_ID. */
const B_APP = 'bbb999zz';
const B_TOKEN = 'dG9rOmludGVyY29tLXRlbmFudC1i';
const B_SECRET = 'intercom-client-secret-of-tenant-b';

let llm: FakeOpenAI;
let intercom: FakeIntercom;
let ts: TestServer;
let bToken: string;

beforeAll(async () => {
  llm = await startFakeOpenAI(() => ({ content: 'Hello from the assistant.' }));
  intercom = await startFakeIntercom(ACCESS_TOKEN, APP_ID);
  intercom.addWorkspace(B_TOKEN, B_APP);
  ts = await startTestServer({ OPENAI_BASE_URL: llm.url, OPERATOR_TOKEN: OPERATOR }, { worker: { idleMs: 50 } });
  const b = await api(ts.url, OPERATOR, 'POST', '/v1/tenants', { name: 'tenant-b' });
  expect(b.status).toBe(201);
  bToken = b.body.adminToken;
});

afterAll(async () => {
  await ts?.close();
  await llm?.close();
  await intercom?.close();
});

/** Tenant B's settings PUT claiming `appId`, with its own client secret. */
function claim(appId: string, extra: Record<string, unknown> = {}) {
  return api(ts.url, bToken, 'PUT', '/v1/settings', {
    intercom: { appId, accessToken: B_TOKEN, clientSecret: B_SECRET, adminId: ADMIN_ID, baseUrl: intercom.base, ...extra },
  });
}

const meCalls = () => intercom.requests.filter((r) => r.method === 'GET' && r.path === '/me');

describe('binding an Intercom app id needs the access token to prove it', () => {
  test("tenant B cannot claim A's app id with its own token: 400 naming intercom.appId, nothing bound", async () => {
    const before = meCalls().length;
    const r = await claim(APP_ID);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.details).toEqual([{ path: 'intercom.appId', message: `the access token belongs to Intercom app ${B_APP}, not ${APP_ID}` }]);
    // The proof asked Intercom with B's token.
    expect(meCalls().slice(before).map((c) => c.headers.authorization)).toEqual([`Bearer ${B_TOKEN}`]);
    expect(await ts.server.store.tenantByIntercomAppId(APP_ID)).toBeNull();
    expect((await api(ts.url, bToken, 'GET', '/v1/settings')).body.intercom.appId).toBeNull();
  });

  test('without an access token, or with one Intercom refuses, the claim is refused in words', async () => {
    const none = await api(ts.url, bToken, 'PUT', '/v1/settings', { intercom: { appId: APP_ID, clientSecret: B_SECRET, baseUrl: intercom.base } });
    expect(none.status).toBe(400);
    expect(none.body.error.details).toEqual([{ path: 'intercom.accessToken', message: 'an access token is needed to prove the app id' }]);

    const bad = await claim(APP_ID, { accessToken: 'not-a-token-intercom-knows' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toHaveLength(1);
    expect(bad.body.error.details[0].path).toBe('intercom.appId');
    expect(bad.body.error.details[0].message).toMatch(/^Intercom did not confirm this app id: Intercom answered 401/);
    expect(bad.text).not.toContain('not-a-token-intercom-knows');
    expect(await ts.server.store.tenantByIntercomAppId(APP_ID)).toBeNull();
  });

  test("the refused claim never blocks A: A saves its app id and A's signed webhooks are accepted and answered", async () => {
    const saved = await configureIntercom(ts.url, ts.token, intercom.base);
    expect(saved.intercom.appId).toBe(APP_ID);
    const r = await deliver(ts.url, notification({ id: 'notif_a_1', conversationId: '7001', contactId: 'c-a', body: '<p>Hello?</p>' }));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ ok: true, duplicate: false });
    await waitFor(() => intercom.comments('7001').length === 1, 10_000, "the answer in A's conversation");
    expect(intercom.comments('7001')[0]!.body).toContain('Hello from the assistant.');

    // B trying again now is still refused by the proof (not a 409 that would reveal the binding).
    expect((await claim(APP_ID)).status).toBe(400);
    // A webhook for A's app signed with B's secret is refused.
    expect((await deliver(ts.url, notification({ id: 'notif_b_forged', conversationId: '7002', contactId: 'c-b', body: 'hi' }), { secret: B_SECRET })).status).toBe(401);
  });

  test('a correct claim saves, and the workspace is only asked again when the app id, token or host changes', async () => {
    const r = await claim(B_APP);
    expect(r.status).toBe(200);
    expect(r.body.intercom.appId).toBe(B_APP);
    expect((await ts.server.store.tenantByIntercomAppId(B_APP))?.name).toBe('tenant-b');
    const d = await deliver(ts.url, notification({ id: 'notif_b_1', appId: B_APP, conversationId: '8001', contactId: 'c-b', body: '<p>Hi</p>' }), { secret: B_SECRET });
    expect(d.status).toBe(200);
    await waitFor(() => intercom.comments('8001').length === 1, 10_000, "the answer in B's conversation");

    const before = meCalls().length;
    expect((await api(ts.url, bToken, 'PUT', '/v1/settings', { instructions: 'Be brief.' })).status).toBe(200);
    expect(meCalls().length).toBe(before);
    // Swapping in A's token under B's app id is checked again, and refused.
    const swapped = await claim(B_APP, { accessToken: ACCESS_TOKEN });
    expect(swapped.status).toBe(400);
    expect(swapped.body.error.details).toEqual([{ path: 'intercom.appId', message: `the access token belongs to Intercom app ${APP_ID}, not ${B_APP}` }]);
    expect(meCalls().length).toBe(before + 1);
    expect((await api(ts.url, bToken, 'GET', '/v1/settings')).body.intercom.appId).toBe(B_APP);
  });

  test('the intake follows a settings change on the next delivery: a rotated client secret is required, a released app id is unknown', async () => {
    const ROTATED = 'rotated-client-secret-of-tenant-b';
    const bNote = (id: string, conversationId: string) => notification({ id, appId: B_APP, conversationId, contactId: 'c-b', body: '<p>Hi again</p>' });
    // The intake knows B's app and secret from the delivery of the test above.
    expect((await claim(B_APP, { clientSecret: ROTATED })).status).toBe(200);
    expect((await deliver(ts.url, bNote('notif_b_old_secret', '8002'), { secret: B_SECRET })).status).toBe(401);
    const fresh = await deliver(ts.url, bNote('notif_b_new_secret', '8002'), { secret: ROTATED });
    expect(fresh.status).toBe(200);
    expect(JSON.parse(fresh.text)).toMatchObject({ ok: true, duplicate: false });
    await waitFor(() => intercom.comments('8002').length === 1, 10_000, "the answer in B's second conversation");

    const released = await claim(B_APP, { appId: null, clientSecret: ROTATED });
    expect(released.status).toBe(200);
    expect(released.body.intercom.appId).toBeNull();
    expect((await deliver(ts.url, bNote('notif_b_released', '8003'), { secret: ROTATED })).status).toBe(401);
  });
});
