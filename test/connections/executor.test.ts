import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActionInput } from '../../shared/action';
import { ConnectionInput, type Connection } from '../../shared/connection';
import { ActionExecutor, Credentials, effectiveAudience, resolveEndpoint } from '../../server/src/actions';
import { Outbound } from '../../server/src/net';
import { openStore, type Store } from '../../server/src/store';
import { customerApi, tokenEndpoint, type StandIn } from './helpers';

/** The executor's side of connections, as the agent uses it: execute, render, sandbox mocks. */
describe('executor with connections', () => {
  const client = { id: 'c1', secret: 'cs-0a1b2c3d4e5f' };
  let dir: string;
  let store: Store;
  let outbound: Outbound;
  let executor: ActionExecutor;
  let orders: StandIn;
  let idp: Awaited<ReturnType<typeof tokenEndpoint>>;
  let oauth: Connection;
  let plain: Connection;

  const action = ActionInput.parse({
    name: 'lookup_order',
    description: 'Look up an order when the customer asks',
    method: 'GET',
    connectionId: 'conn-oauth',
    url: '/orders/{{n}}',
    variables: [{ name: 'n', type: 'string', description: 'Order number' }],
  });
  const context = { contact: { id: 'u1', email: 'ann@example.com' }, tenant_id: 't1', conversation_id: 'conv1', verified: true };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conn-exec-'));
    store = await openStore({ DATA_DIR: dir, MONGODB_URI: undefined, ENCRYPTION_KEY: undefined });
    outbound = new Outbound({ allowedPrivateHosts: ['127.0.0.1'], retryBaseMs: 5 });
    executor = new ActionExecutor({ outbound, credentials: new Credentials({ store, outbound }) });
    orders = await customerApi();
    idp = await tokenEndpoint(client);
    const now = new Date().toISOString();
    oauth = {
      id: 'conn-oauth',
      ...ConnectionInput.parse({ name: 'o', baseUrl: `${orders.base}/v1`, auth: { type: 'oauth2_client_credentials', tokenUrl: idp.tokenUrl, clientId: client.id, clientSecret: client.secret } }),
      createdAt: now,
      updatedAt: now,
    };
    plain = { id: 'conn-oauth', ...ConnectionInput.parse({ name: 'p', baseUrl: `${orders.base}/v2`, auth: { type: 'bearer', token: 'plain-token-123456' } }), createdAt: now, updatedAt: now };
  });
  afterAll(async () => {
    await outbound.close();
    await store.close();
    await orders.close();
    await idp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a connected action without its connection is refused (not_allowed), nothing sent', async () => {
    const r = await executor.execute(action, { n: '1' }, context);
    expect(r).toMatchObject({ ok: false, attempts: 0, error: { type: 'not_allowed' } });
    expect(orders.seen).toHaveLength(0);
    expect(resolveEndpoint(action, { ...plain, id: 'another' })).toBeNull();
  });

  test('resolveEndpoint is cached per (action, connection) objects, so a new connection object is seen at once', () => {
    const a = resolveEndpoint(action, plain)!;
    expect(resolveEndpoint(action, plain)).toBe(a);
    expect(a).toMatchObject({ url: `${orders.base}/v2/orders/{{n}}`, auth: plain.auth, resolvedFrom: 'conn-oauth' });
    expect(a).not.toHaveProperty('connectionId');
    const edited = { ...plain, baseUrl: `${orders.base}/v3` };
    expect(resolveEndpoint(action, edited)!.url).toBe(`${orders.base}/v3/orders/{{n}}`);
  });

  test('render (a proposal) resolves the connection; a token-based auth is rendered without a token and none is fetched', () => {
    const r = executor.render(action, { n: '7' }, context, { 'Idempotency-Key': 'p1' }, oauth);
    expect(r).toMatchObject({ ok: true, request: { method: 'GET', url: `${orders.base}/v1/orders/7`, headers: { 'Idempotency-Key': 'p1' } } });
    expect(Object.keys(r.request.headers).map((k) => k.toLowerCase())).not.toContain('authorization');
    const withBearer = executor.render(action, { n: '7' }, context, undefined, plain);
    expect(withBearer.request.headers.Authorization).toBe('••••3456');
    expect(idp.seen).toHaveLength(0);
  });

  test('a sandbox mock answers a token-based call without a token request or an API call', async () => {
    const r = await executor.execute(action, { n: '7' }, context, { connection: oauth, mock: { status: 200, body: { status: 'shipped' } } });
    expect(r).toMatchObject({ ok: true, response: { status: 200, body: { status: 'shipped' } } });
    expect(idp.seen).toHaveLength(0);
    expect(orders.seen).toHaveLength(0);
  });

  test('a real call fetches the token through the guarded stack and sends it', async () => {
    const r = await executor.execute(action, { n: '7' }, context, { connection: oauth });
    expect(r.ok).toBe(true);
    expect(idp.seen).toHaveLength(1);
    expect(orders.seen.at(-1)).toMatchObject({ url: '/v1/orders/7', headers: { authorization: `Bearer ${idp.issued[0]}` } });
    expect(JSON.stringify(r)).not.toContain(idp.issued[0]);
  });

  test('without credentials (an executor built without them) token-based auth is refused', async () => {
    const bare = new ActionExecutor({ outbound });
    const r = await bare.execute(action, { n: '7' }, context, { connection: oauth });
    expect(r.error).toMatchObject({ type: 'not_allowed' });
  });

  test('effectiveAudience: identity_jwt (own or the connection\'s) means verified customers only', () => {
    const identity = { ...plain, auth: { type: 'identity_jwt' as const } };
    expect(effectiveAudience(action, identity)).toBe('verified');
    expect(effectiveAudience(action, plain)).toBe('everyone');
    expect(effectiveAudience({ ...action, auth: { type: 'identity_jwt' } }, null)).toBe('verified');
  });
});
