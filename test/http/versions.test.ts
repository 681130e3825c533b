import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { api, startTestServer, type TestServer } from '../support/server';

/** A customer API that records the Authorization header of every request. */
async function customerApi() {
  const auths: string[] = [];
  const server = http.createServer((req, res) => {
    auths.push(String(req.headers.authorization ?? ''));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"shipped"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // Both on 127.0.0.1 (the allowed private host) but different ports: different origins.
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    auths,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const OPERATOR = 'operator-token-for-tests-0123456789';
const OLD_TOKEN = 'sk_old_origin_token_AAAA1111';
const NEW_TOKEN = 'sk_new_origin_token_BBBB2222';

let s: TestServer;
let a: Awaited<ReturnType<typeof customerApi>>;
let b: Awaited<ReturnType<typeof customerApi>>;

beforeAll(async () => {
  [a, b] = await Promise.all([customerApi(), customerApi()]);
  s = await startTestServer({ OPERATOR_TOKEN: OPERATOR });
});
afterAll(async () => {
  await s.close();
  await a.close();
  await b.close();
});

const spec = (url: string, extra: Record<string, unknown> = {}) => ({
  name: 'lookup_order',
  description: 'Look up an order when the customer asks where it is',
  method: 'GET',
  url: `${url}/orders/{{order_number}}`,
  auth: { type: 'bearer', token: OLD_TOKEN },
  variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
  ...extra,
});

test('every save is a version; a version reads back masked; restore writes a new version with that version’s own secret', async () => {
  const created = await api(s.url, s.token, 'POST', '/v1/actions', spec(a.url));
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const masked = created.body;

  // v2: a description change, the token sent back masked (kept).
  expect((await api(s.url, s.token, 'PUT', `/v1/actions/${id}`, { ...masked, description: 'Where is my order: look it up by its number' })).status).toBe(200);
  // v3: another origin, so the token must be typed again.
  const moved = await api(s.url, s.token, 'PUT', `/v1/actions/${id}`, spec(b.url, { description: 'Where is my order: look it up by its number', auth: { type: 'bearer', token: NEW_TOKEN } }));
  expect(moved.status).toBe(200);
  expect(moved.body.version).toBe(3);

  const list = await api(s.url, s.token, 'GET', `/v1/actions/${id}/versions`);
  expect(list.status).toBe(200);
  expect(list.body.versions.map((v: any) => v.version)).toEqual([3, 2, 1]);
  for (const v of list.body.versions) expect(Object.keys(v).sort()).toEqual(['actor', 'at', 'changes', 'version']);
  expect(list.body.versions[0].actor).toMatch(/^admin-token:/);
  expect(list.body.versions[1].changes).toEqual([{ path: 'description', from: 'Look up an order when the customer asks where it is', to: 'Where is my order: look it up by its number' }]);
  // A secret change says "changed", never the value.
  expect(list.body.versions[0].changes).toEqual(expect.arrayContaining([{ path: 'auth.token', to: 'changed' }, { path: 'url', from: `${a.url}/orders/{{order_number}}`, to: `${b.url}/orders/{{order_number}}` }]));
  expect(list.text).not.toContain(OLD_TOKEN);
  expect(list.text).not.toContain(NEW_TOKEN);

  const v1 = await api(s.url, s.token, 'GET', `/v1/actions/${id}/versions/1`);
  expect(v1.status).toBe(200);
  expect(v1.body).toMatchObject({ version: 1, actor: expect.stringMatching(/^admin-token:/), spec: { url: `${a.url}/orders/{{order_number}}`, auth: { type: 'bearer', token: '••••1111' } } });
  expect(v1.text).not.toContain(OLD_TOKEN);

  const restored = await api(s.url, s.token, 'POST', `/v1/actions/${id}/versions/1/restore`);
  expect(restored.status).toBe(200);
  expect(restored.body).toMatchObject({ id, version: 4, url: `${a.url}/orders/{{order_number}}`, description: 'Look up an order when the customer asks where it is', auth: { type: 'bearer', token: '••••1111' } });
  expect(restored.text).not.toContain(OLD_TOKEN);

  // The restored action sends the secret v1 was saved with to v1's origin.
  const run = await api(s.url, s.token, 'POST', `/v1/actions/${id}/test`, { variables: { order_number: 'A1' } });
  expect(run.body.ok).toBe(true);
  expect(a.auths).toEqual([`Bearer ${OLD_TOKEN}`]);
  expect(b.auths).toEqual([]);

  const after = await api(s.url, s.token, 'GET', `/v1/actions/${id}/versions`);
  expect(after.body.versions[0]).toMatchObject({ version: 4, changes: expect.arrayContaining([{ path: 'auth.token', to: 'changed' }]) });
  const audit = await api(s.url, s.token, 'GET', '/v1/audit?limit=1');
  expect(audit.body.entries[0]).toMatchObject({ entity: 'action', entityId: id, op: 'update', changes: expect.arrayContaining([{ path: 'description', from: 'Where is my order: look it up by its number', to: 'Look up an order when the customer asks where it is' }]) });
  expect(audit.text).not.toContain(OLD_TOKEN);
});

test('unknown action or version: 404; a version that is not a number: 400 naming it', async () => {
  const created = await api(s.url, s.token, 'POST', '/v1/actions', spec(a.url, { name: 'other_action' }));
  const id = created.body.id as string;
  expect((await api(s.url, s.token, 'GET', '/v1/actions/nope/versions')).status).toBe(404);
  expect((await api(s.url, s.token, 'GET', `/v1/actions/${id}/versions/9`)).status).toBe(404);
  expect((await api(s.url, s.token, 'POST', `/v1/actions/${id}/versions/9/restore`)).status).toBe(404);
  expect((await api(s.url, s.token, 'POST', '/v1/actions/nope/versions/1/restore')).status).toBe(404);
  const bad = await api(s.url, s.token, 'GET', `/v1/actions/${id}/versions/abc`);
  expect(bad.status).toBe(400);
  expect(bad.body.error.details).toEqual([{ path: 'version', message: expect.any(String) }]);
  // Nothing was written by the refused restores.
  expect((await api(s.url, s.token, 'GET', `/v1/actions/${id}/versions`)).body.versions).toHaveLength(1);
});

test('another tenant cannot read or restore the versions', async () => {
  const created = await api(s.url, s.token, 'POST', '/v1/actions', spec(a.url, { name: 'private_action' }));
  const id = created.body.id as string;
  const other = await api(s.url, OPERATOR, 'POST', '/v1/tenants', { name: 'Other' });
  const tok = other.body.adminToken as string;
  expect((await api(s.url, tok, 'GET', `/v1/actions/${id}/versions`)).status).toBe(404);
  expect((await api(s.url, tok, 'GET', `/v1/actions/${id}/versions/1`)).status).toBe(404);
  expect((await api(s.url, tok, 'POST', `/v1/actions/${id}/versions/1/restore`)).status).toBe(404);
  expect((await api(s.url, s.token, 'GET', `/v1/actions/${id}/versions`)).body.versions).toHaveLength(1);
});
