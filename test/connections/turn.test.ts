import { decodeJwt } from 'jose';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';
import { toolNames, toolResults } from '../agent/helpers';
import { customerApi, type StandIn } from './helpers';

/** Connections in a conversation: the model's call goes out with the connection's auth; identity-JWT actions only for verified customers. */
let llm: FakeOpenAI;
let srv: TestServer;
let crm: StandIn;
const KEY = 'crm-conn-key-5b4a3c2d1e';

beforeAll(async () => {
  llm = await startFakeOpenAI();
  crm = await customerApi();
  srv = await startTestServer({ OPENAI_BASE_URL: llm.url, OPENAI_MODEL: 'scripted-model' });
  const post = async (p: string, body: unknown) => {
    const r = await api(srv.url, srv.token, 'POST', p, body);
    if (r.status !== 201) throw new Error(`${p}: ${r.status} ${r.text}`);
    return r.body;
  };
  const keyed = await post('/v1/connections', { name: 'CRM', baseUrl: crm.base, auth: { type: 'bearer', token: KEY } });
  const asserted = await post('/v1/connections', { name: 'Accounts', baseUrl: crm.base, auth: { type: 'identity_jwt' } });
  await post('/v1/actions', { name: 'crm_lookup', description: 'Look up the customer in the CRM when they ask', method: 'GET', url: '/customers/{{id}}', connectionId: keyed.id, variables: [{ name: 'id', type: 'string', description: 'Customer id' }] });
  await post('/v1/actions', { name: 'my_account', description: 'Show the customer their own account details', method: 'GET', url: '/me', connectionId: asserted.id });
});
afterAll(async () => {
  await srv.close();
  await llm.close();
  await crm.close();
});

test('a call through a connection carries its auth; the turn and the call log show no secret', async () => {
  llm.setScript((req) => (toolResults(req).length === 0 ? { toolCalls: [{ name: 'crm_lookup', arguments: { id: 'C-1' } }] } : { content: 'Found you.' }));
  const t = await api(srv.url, srv.token, 'POST', '/v1/conversations', { customer: { verified: false }, message: 'Look me up, C-1' });
  expect(t.status).toBe(201);
  expect(t.body.calls[0]).toMatchObject({ action: 'crm_lookup', ok: true, url: `${crm.base}/customers/C-1` });
  const seen = crm.seen.find((s) => s.url === '/customers/C-1')!;
  expect(seen.headers.authorization).toBe(`Bearer ${KEY}`);
  expect(t.text.includes(KEY) || JSON.stringify(llm.requests).includes(KEY)).toBe(false);
});

test('identity-JWT actions are hidden from unverified customers and assert the verified customer, whatever the model says', async () => {
  llm.setScript((req) => (toolResults(req).length === 0 ? { toolCalls: [{ name: 'my_account', arguments: {} }] } : { content: 'ok' }));
  const before = llm.requests.length;
  const anon = await api(srv.url, srv.token, 'POST', '/v1/conversations', { customer: { verified: false }, message: 'my account?' });
  expect(toolNames(llm.requests[before]!)).not.toContain('my_account');
  expect(anon.body.calls[0]).toMatchObject({ action: 'my_account', ok: false, errorType: 'not_allowed' });
  expect(crm.seen.some((s) => s.url === '/me')).toBe(false);

  const ann = await api(srv.url, srv.token, 'POST', '/v1/conversations', { customer: { id: 'u-ann', email: 'ann@example.com', verified: true }, message: 'my account?' });
  expect(ann.body.calls[0]).toMatchObject({ action: 'my_account', ok: true });
  const seen = crm.seen.find((s) => s.url === '/me')!;
  const claims = decodeJwt(String(seen.headers.authorization).replace(/^Bearer /, ''));
  expect(claims).toMatchObject({ sub: 'u-ann', email: 'ann@example.com', verified: true, action: 'my_account', conversation: ann.body.id });
});
