import { json, standIn, type StandIn } from '../actions/helpers';
import { api, startTestServer, type TestServer } from '../support/server';
import { FIXTURES, fixture } from './openapi-fixtures';

/** The import routes over real HTTP: preview, apply (one transaction), limits and bad documents. */
describe('POST /v1/imports/openapi(/apply)', () => {
  let t: TestServer;
  let docs: StandIn;
  let petApi: StandIn;
  const KEY = 'pet-key-1a2b3c4d5e6f';

  beforeAll(async () => {
    t = await startTestServer();
    docs = await standIn((req, res) => {
      if (req.url === '/specs/petstore.yaml') {
        res.writeHead(200, { 'content-type': 'application/yaml' });
        res.end(fixture(FIXTURES.openapi30));
      } else if (req.url === '/specs/huge.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ openapi: '3.0.0', pad: 'x'.repeat(5.5 * 1024 * 1024) }));
      } else json(res, 404, { error: 'no such spec' });
    });
    petApi = await standIn((req, res) => json(res, 200, { id: Number(req.url.split('/').pop()), name: 'Rex', status: 'available' }));
  });
  afterAll(async () => {
    await t.close();
    await docs.close();
    await petApi.close();
  });

  const counts = async () => ({
    connections: (await api(t.url, t.token, 'GET', '/v1/connections')).body.connections.length,
    actions: (await api(t.url, t.token, 'GET', '/v1/actions')).body.actions.length,
  });

  test('preview of a fixture document saves nothing', async () => {
    const before = await counts();
    const r = await api(t.url, t.token, 'POST', '/v1/imports/openapi', { document: fixture(FIXTURES.openapi30) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ specVersion: '3.0', connection: { baseUrl: 'https://petstore3.swagger.io/api/v3' } });
    expect(r.body.operations.map((o: { key: string }) => o.key)).toEqual(expect.arrayContaining(['GET /pet/{petId}', 'POST /pet', 'DELETE /pet/{petId}']));
    expect(r.body.operations.find((o: { key: string }) => o.key === 'GET /pet/{petId}')).toMatchObject({ name: 'getPetById', url: '/pet/{{petId}}', confirm: false });
    expect(await counts()).toEqual(before);
  });

  test('preview by URL, fetched through the guard', async () => {
    const r = await api(t.url, t.token, 'POST', '/v1/imports/openapi', { url: `${docs.base}/specs/petstore.yaml` });
    expect(r.status).toBe(200);
    expect(r.body.title).toBe('Swagger Petstore - OpenAPI 3.0');
    const missing = await api(t.url, t.token, 'POST', '/v1/imports/openapi', { url: `${docs.base}/specs/missing.yaml` });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ path: 'url', message: expect.stringContaining('it answered 404') }]);
    // A private address that is not allowed is refused before any connection.
    const blocked = await api(t.url, t.token, 'POST', '/v1/imports/openapi', { url: 'http://10.255.255.1/openapi.json' });
    expect(blocked.status).toBe(400);
    expect(blocked.body.error.message).toMatch(/blocked/);
  });

  test('from a URL to a tested action: apply creates the connection and the chosen actions, which call the API with its auth', async () => {
    const before = await counts();
    const r = await api(t.url, t.token, 'POST', '/v1/imports/openapi/apply', {
      url: `${docs.base}/specs/petstore.yaml`,
      operations: ['GET /pet/{petId}', 'DELETE /pet/{petId}'],
      connection: { baseUrl: `${petApi.base}/api/v3`, auth: { type: 'header', name: 'api_key', value: KEY } },
    });
    expect(r.status).toBe(201);
    expect(r.body.connection).toMatchObject({ id: expect.any(String), name: 'Swagger Petstore - OpenAPI 3.0', baseUrl: `${petApi.base}/api/v3`, auth: { type: 'header', name: 'api_key', value: `••••${KEY.slice(-4)}` } });
    expect(r.body.actions.map((a: Record<string, unknown>) => [a.name, a.method, a.url, a.connectionId, a.confirm])).toEqual([
      ['getPetById', 'GET', '/pet/{{petId}}', r.body.connection.id, false],
      ['deletePet', 'DELETE', '/pet/{{petId}}', r.body.connection.id, true],
    ]);
    expect(r.text).not.toContain(KEY);
    expect(await counts()).toEqual({ connections: before.connections + 1, actions: before.actions + 2 });

    const tested = await api(t.url, t.token, 'POST', `/v1/actions/${r.body.actions[0].id}/test`, { variables: { petId: 7 } });
    expect(tested.body).toMatchObject({ ok: true, response: { status: 200, body: { id: 7, name: 'Rex' } } });
    expect(petApi.seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/v3/pet/7', headers: { api_key: KEY } });

    // A second import of the same operations gets names unique in the tenant.
    const again = await api(t.url, t.token, 'POST', '/v1/imports/openapi/apply', {
      document: fixture(FIXTURES.openapi30),
      operations: ['GET /pet/{petId}'],
      connection: { name: 'Pets again', baseUrl: petApi.base, auth: { type: 'none' } },
    });
    expect(again.status).toBe(201);
    expect(again.body.actions[0].name).not.toBe('getPetById');
    expect(again.body.actions[0].name).toMatch(/^getPetById/);
  });

  test('apply with an unknown operation key, or an unusable connection, creates nothing', async () => {
    const before = await counts();
    const bad = await api(t.url, t.token, 'POST', '/v1/imports/openapi/apply', {
      document: fixture(FIXTURES.openapi30),
      operations: ['GET /pet/{petId}', 'GET /nope'],
      connection: { auth: { type: 'none' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'operations.1', message: 'unknown operation "GET /nope": not in the document or not importable' }]);
    const noSecret = await api(t.url, t.token, 'POST', '/v1/imports/openapi/apply', {
      document: fixture(FIXTURES.openapi30),
      operations: ['GET /pet/{petId}'],
      connection: { auth: { type: 'bearer', token: '' } },
    });
    expect(noSecret.status).toBe(400);
    expect(noSecret.body.error.details[0].path).toBe('connection.auth.token');
    const noBase = await api(t.url, t.token, 'POST', '/v1/imports/openapi/apply', {
      document: { openapi: '3.0.3', info: { title: 'No servers', version: '1' }, paths: { '/x': { get: { operationId: 'getX', summary: 'Gets the x resource', responses: {} } } } },
      operations: ['GET /x'],
      connection: { auth: { type: 'none' } },
    });
    expect(noBase.status).toBe(400);
    expect(noBase.body.error.details[0].path).toBe('connection.baseUrl');
    expect(await counts()).toEqual(before);
  });

  test('bad documents answer 400 with the reason; over 5 MB answers 413', async () => {
    const notOpenApi = await api(t.url, t.token, 'POST', '/v1/imports/openapi', { document: 'hello: world' });
    expect(notOpenApi.status).toBe(400);
    expect(notOpenApi.body.error.message).toMatch(/not an OpenAPI document/);
    const brokenRef = await api(t.url, t.token, 'POST', '/v1/imports/openapi', {
      document: { openapi: '3.0.3', info: { title: 'x', version: '1' }, paths: { '/x': { get: { parameters: [{ $ref: '#/components/parameters/Nope' }], responses: {} } } } },
    });
    expect(brokenRef.status).toBe(400);
    expect(brokenRef.body.error.message).toMatch(/\$ref/);
    // A document over 5 MB inside a body the import routes accept (they take up to 6 MB).
    const big = await api(t.url, t.token, 'POST', '/v1/imports/openapi', { document: `openapi: 3.0.0\n# ${'x'.repeat(5.2 * 1024 * 1024)}\n` });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('too_large');
    const fetched = await api(t.url, t.token, 'POST', '/v1/imports/openapi', { url: `${docs.base}/specs/huge.json` });
    expect(fetched.status).toBe(413);
    const tooBigBody = await api(t.url, t.token, 'POST', '/v1/imports/openapi', { document: 'x'.repeat(7 * 1024 * 1024) });
    expect(tooBigBody.status).toBe(413);
    expect(tooBigBody.body.error.code).toBe('payload_too_large');
    // The rest of the API keeps its usual limit.
    const action = await api(t.url, t.token, 'POST', '/v1/actions', { name: 'x', description: 'y'.repeat(400 * 1024) });
    expect(action.status).toBe(413);
    expect((await api(t.url, null, 'POST', '/v1/imports/openapi', { document: 'x' })).status).toBe(401);
  });
});
