import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EvalClient } from '../../eval/client';
import { applyExport, loadExportFile } from '../../eval/export-file';
import { api, startTestServer, type TestServer } from '../support/server';

const OPERATOR = 'operator-token-for-tests-0123456789';
const BEARER = 'sk_live_bearer_SECRET_aaaa1111';
const HEADER_KEY = 'x-api-key-SECRET-bbbb2222';
const PASSWORD = 'basic-password-SECRET-cccc3333';
const UDA_TOKEN = 'uda-token-SECRET-dddd4444';
const ZD_TOKEN = 'zendesk-token-SECRET-eeee5555';
const SECRETS = [BEARER, HEADER_KEY, PASSWORD, UDA_TOKEN, ZD_TOKEN];

let s: TestServer;
let api1: { url: string; auths: string[]; close(): Promise<void> };
let tmp: string;

async function customerApi() {
  const auths: string[] = [];
  const server = http.createServer((req, res) => {
    auths.push(`${req.headers.authorization ?? ''}|${req.headers['x-api-key'] ?? ''}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auths, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

const actions = () => [
  {
    name: 'lookup_order',
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    url: `${api1.url}/orders/{{order_number}}`,
    auth: { type: 'bearer', token: BEARER },
    headers: [
      { key: 'Accept', value: 'application/json' },
      { key: 'X-Api-Key', value: HEADER_KEY },
    ],
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
  },
  {
    name: 'cancel_order',
    description: 'Cancel an order when the customer asks to cancel it',
    method: 'POST',
    url: `${api1.url}/orders/{{order_number}}/cancel`,
    auth: { type: 'basic', username: 'shop', password: PASSWORD },
    body: '{"reason": "customer request"}',
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
  },
  {
    name: 'store_status',
    description: 'Check whether the shop systems are up right now',
    method: 'GET',
    url: `${api1.url}/status`,
  },
];

beforeAll(async () => {
  api1 = await customerApi();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hda-export-'));
  s = await startTestServer({ OPERATOR_TOKEN: OPERATOR });
  for (const a of actions()) expect((await api(s.url, s.token, 'POST', '/v1/actions', a)).status).toBe(201);
  expect((await api(s.url, s.token, 'PUT', '/v1/user-data-api', { enabled: true, url: `${api1.url}/users?email={{contact.email}}`, auth: { type: 'bearer', token: UDA_TOKEN } })).status).toBe(200);
  expect((await api(s.url, s.token, 'PUT', '/v1/settings', { instructions: 'Be brief.', zendesk: { subdomain: 'acme', email: 'bot@acme.test', apiToken: ZD_TOKEN } })).status).toBe(200);
});
afterAll(async () => {
  await s.close();
  await api1.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const newTenant = async (name: string) => (await api(s.url, OPERATOR, 'POST', '/v1/tenants', { name })).body.adminToken as string;
const exportOf = async (token: string) => {
  const r = await api(s.url, token, 'GET', '/v1/export');
  expect(r.status).toBe(200);
  return r;
};

test('the export has every action, the User Data API and the settings, each secret "" and listed', async () => {
  const r = await exportOf(s.token);
  for (const secret of SECRETS) expect(r.text).not.toContain(secret);
  expect(r.text).not.toContain('••••');
  expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="helpdesk-actions-\d{4}-\d{2}-\d{2}\.json"$/);
  const doc = r.body;
  expect(doc).toMatchObject({ format: 'helpdesk-actions/v1', exportedAt: expect.any(String) });
  expect(doc.actions.map((a: any) => a.name)).toEqual(['cancel_order', 'lookup_order', 'store_status']);
  for (const a of doc.actions) expect(Object.keys(a)).not.toEqual(expect.arrayContaining(['id', 'version', 'createdAt', 'updatedAt']));
  expect(doc.actions[1].auth).toEqual({ type: 'bearer', token: '' });
  expect(doc.actions[1].headers).toEqual([
    { key: 'Accept', value: 'application/json' },
    { key: 'X-Api-Key', value: '' },
  ]);
  expect(doc.actions[0].auth).toEqual({ type: 'basic', username: 'shop', password: '' });
  expect(doc.userDataApi.auth).toEqual({ type: 'bearer', token: '' });
  expect(doc.settings.zendesk).toMatchObject({ subdomain: 'acme', apiToken: '', webhookSecret: null });
  expect(doc.secretsRemoved).toEqual([
    { action: 'cancel_order', path: 'auth.password' },
    { action: 'lookup_order', path: 'auth.token' },
    { action: 'lookup_order', path: 'headers.1.value' },
    { action: null, path: 'userDataApi.auth.token' },
    { action: null, path: 'settings.zendesk.apiToken' },
  ]);
});

test('importing into another tenant: everything created, the actions with a missing secret disabled, the secrets listed to type', async () => {
  const doc = (await exportOf(s.token)).body;
  const other = await newTenant('staging copy');
  const r = await api(s.url, other, 'POST', '/v1/import', { ...doc, mode: 'merge' });
  expect(r.status).toBe(200);
  expect(r.body).toEqual({ created: 3, updated: 0, skipped: 0, deleted: 0, userDataApi: 'created', settings: 'created', secretsToType: doc.secretsRemoved });
  const list = (await api(s.url, other, 'GET', '/v1/actions')).body.actions;
  const byName = Object.fromEntries(list.map((a: any) => [a.name, a]));
  expect(byName.lookup_order).toMatchObject({ enabled: false, auth: { type: 'bearer', token: '' } });
  expect(byName.cancel_order.enabled).toBe(false);
  expect(byName.store_status.enabled).toBe(true);
  expect((await api(s.url, other, 'GET', '/v1/user-data-api')).body).toMatchObject({ enabled: false, url: `${api1.url}/users?email={{contact.email}}` });
  const settings = (await api(s.url, other, 'GET', '/v1/settings')).body;
  expect(settings).toMatchObject({ instructions: 'Be brief.', zendesk: { subdomain: 'acme', email: 'bot@acme.test', apiToken: null } });

  // Typing the secret on the page (a PUT) is what it takes; a blank one is refused by name.
  const blank = await api(s.url, other, 'PUT', `/v1/actions/${byName.lookup_order.id}`, { ...byName.lookup_order, enabled: true });
  expect(blank.status).toBe(400);
  expect(blank.body.error.details).toEqual(expect.arrayContaining([{ path: 'auth.token', message: expect.any(String) }]));
  const typed = await api(s.url, other, 'PUT', `/v1/actions/${byName.lookup_order.id}`, { ...byName.lookup_order, enabled: true, auth: { type: 'bearer', token: 'typed-token-9999' } });
  expect(typed.status).toBe(200);
});

test('importing a tenant’s own export back: the stored secrets fill the blanks, nothing changes', async () => {
  const doc = (await exportOf(s.token)).body;
  const versions = (await api(s.url, s.token, 'GET', '/v1/actions')).body.actions.map((a: any) => a.version);
  const r = await api(s.url, s.token, 'POST', '/v1/import', doc);
  expect(r.body).toEqual({ created: 0, updated: 0, skipped: 3, deleted: 0, userDataApi: 'skipped', settings: 'skipped', secretsToType: [] });
  expect((await api(s.url, s.token, 'GET', '/v1/actions')).body.actions.map((a: any) => a.version)).toEqual(versions);
});

test('merge updates by name and keeps a secret for the same address only; replace deletes what the file lacks', async () => {
  const t = await newTenant('merge target');
  expect((await api(s.url, t, 'POST', '/v1/import', await withSecrets())).body.created).toBe(3);
  const doc = (await exportOf(t)).body;
  const other = await customerApi();
  try {
    const lookup = doc.actions.find((a: any) => a.name === 'lookup_order');
    lookup.description = 'Look up an order by its number, for the customer';
    const cancel = doc.actions.find((a: any) => a.name === 'cancel_order');
    cancel.url = `${other.url}/orders/{{order_number}}/cancel`;
    const r = await api(s.url, t, 'POST', '/v1/import', { ...doc, actions: [lookup, cancel], userDataApi: null, settings: null, mode: 'replace' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ created: 0, updated: 2, skipped: 0, deleted: 1, userDataApi: 'absent', settings: 'absent', secretsToType: [{ action: 'cancel_order', path: 'auth.password' }] });
    const list = (await api(s.url, t, 'GET', '/v1/actions')).body.actions;
    expect(list.map((a: any) => a.name).sort()).toEqual(['cancel_order', 'lookup_order']);
    const l = list.find((a: any) => a.name === 'lookup_order');
    expect(l).toMatchObject({ enabled: true, version: 2, auth: { token: '••••1111' } });
    expect(list.find((a: any) => a.name === 'cancel_order')).toMatchObject({ enabled: false, auth: { password: '' } });
    // The kept secret is the stored one, really sent.
    await api(s.url, t, 'POST', `/v1/actions/${l.id}/test`, { variables: { order_number: 'A1' } });
    expect(api1.auths.pop()).toBe(`Bearer ${BEARER}|${HEADER_KEY}`);
    const audit = (await api(s.url, t, 'GET', '/v1/audit?limit=5')).body.entries;
    expect(audit.map((e: any) => `${e.entity}:${e.op}`)).toEqual(expect.arrayContaining(['action:delete', 'action:update']));
    for (const secret of SECRETS) expect(JSON.stringify(audit)).not.toContain(secret);
  } finally {
    await other.close();
  }
});

test('all or nothing: one bad item is a 400 naming it and its field, and nothing is written', async () => {
  const t = await newTenant('strict');
  const good = (await withSecrets()).actions;
  const bad = { ...good[1]!, url: 'ftp://nope/{{order_number}}' };
  const r = await api(s.url, t, 'POST', '/v1/import', { actions: [good[0], bad, { ...good[2]!, name: good[0]!.name }], settings: { zendesk: { subdomain: 'not a subdomain' } } });
  expect(r.status).toBe(400);
  expect(r.body.error.message).toMatch(/nothing was written/);
  expect(r.body.error.details).toEqual(
    expect.arrayContaining([
      { path: 'actions.1.url', message: expect.stringMatching(/^action cancel_order: /) },
      { path: 'actions.2.name', message: expect.stringContaining('twice') },
      { path: 'settings.zendesk.subdomain', message: expect.stringMatching(/^settings: /) },
    ]),
  );
  expect((await api(s.url, t, 'GET', '/v1/actions')).body.actions).toEqual([]);
  expect((await api(s.url, t, 'GET', '/v1/audit')).body.entries).toEqual([]);
  expect((await api(s.url, t, 'POST', '/v1/import', { actions: 'nope' })).status).toBe(400);
  expect((await api(s.url, t, 'POST', '/v1/import', { actions: [], mode: 'overwrite' })).body.error.details).toEqual([{ path: 'mode', message: expect.any(String) }]);
  expect((await api(s.url, t, 'POST', '/v1/import', { actions: [], format: 'other/v9' })).status).toBe(400);
});

test('the eval CLI reads an export: blank secrets are named until filled, then it loads and applies', async () => {
  const doc = (await exportOf(s.token)).body;
  const file = path.join(tmp, 'export.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  expect(() => loadExportFile(file, {})).toThrow(/actions\[1\] \(lookup_order\): auth\.token[\s\S]*userDataApi\.auth\.token/);
  for (const ref of doc.secretsRemoved) if (ref.action) setPath(doc.actions.find((a: any) => a.name === ref.action), ref.path, '${SHOP_SECRET}');
  doc.userDataApi.auth.token = '${SHOP_SECRET}';
  fs.writeFileSync(file, JSON.stringify(doc));
  const loaded = loadExportFile(file, { SHOP_SECRET: 'from-the-environment-0001' });
  const t = await newTenant('eval');
  await applyExport(new EvalClient(s.url, t), loaded, file, true);
  const list = (await api(s.url, t, 'GET', '/v1/actions')).body.actions;
  expect(list.map((a: any) => [a.name, a.enabled])).toEqual(expect.arrayContaining([['lookup_order', true], ['cancel_order', true]]));
  expect((await api(s.url, t, 'GET', '/v1/settings')).body.zendesk).toMatchObject({ subdomain: 'acme', apiToken: null });
});

test('the retail example’s actions file imports as it is (no format field)', async () => {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'retail', 'actions.json'), 'utf8').replaceAll('${RETAIL_API_URL}', api1.url).replaceAll('${RETAIL_API_KEY}', 'retail-key-0001');
  const t = await newTenant('retail');
  const r = await api(s.url, t, 'POST', '/v1/import', JSON.parse(text));
  expect(r.status).toBe(200);
  expect(r.body.created).toBe(JSON.parse(text).actions.length);
  expect(r.body.secretsToType).toEqual([]);
});

test('an action on a connection imports when the tenant has that connection, and is named when it does not', async () => {
  const t = await newTenant('connections');
  const onConnection = (connectionId: string) => ({
    name: 'status_via_connection',
    description: 'Check whether the shop systems are up right now',
    method: 'GET',
    url: '/status',
    connectionId,
    headers: [{ key: 'X-Api-Key', value: HEADER_KEY }],
  });
  const missing = await api(s.url, t, 'POST', '/v1/import', { actions: [onConnection('no-such-connection')] });
  expect(missing.status).toBe(400);
  expect(missing.body.error.details).toEqual([{ path: 'actions.0.connectionId', message: expect.stringContaining('no connection with this id') }]);
  const conn = await api(s.url, t, 'POST', '/v1/connections', { name: 'Shop', baseUrl: api1.url, auth: { type: 'bearer', token: BEARER } });
  expect(conn.status).toBe(201);
  const r = await api(s.url, t, 'POST', '/v1/import', { actions: [onConnection(conn.body.id)] });
  expect(r.body).toMatchObject({ created: 1, secretsToType: [] });
  // Its export, imported back: the blank header secret is kept (same connection, same address).
  const doc = (await exportOf(t)).body;
  expect(doc.secretsRemoved).toEqual([{ action: 'status_via_connection', path: 'headers.0.value' }]);
  expect((await api(s.url, t, 'POST', '/v1/import', doc)).body).toMatchObject({ skipped: 1, secretsToType: [] });
});

test('an Intercom app id the file cannot prove (no token) is not bound, and is listed to enter on the page', async () => {
  const t = await newTenant('intercom');
  const r = await api(s.url, t, 'POST', '/v1/import', { settings: { intercom: { appId: 'abc123xy', accessToken: '', clientSecret: '' } } });
  expect(r.status).toBe(200);
  expect(r.body.secretsToType).toEqual([
    { action: null, path: 'settings.intercom.accessToken' },
    { action: null, path: 'settings.intercom.clientSecret' },
    { action: null, path: 'settings.intercom.appId' },
  ]);
  expect((await api(s.url, t, 'GET', '/v1/settings')).body.intercom).toMatchObject({ appId: null, accessToken: null, clientSecret: null });
});

/** The fixture's actions with their secrets, as a hand-written import file. */
async function withSecrets() {
  return { actions: actions() };
}

function setPath(doc: any, p: string, value: unknown) {
  const parts = p.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) node = node[part];
  node[parts[parts.length - 1]!] = value;
}
