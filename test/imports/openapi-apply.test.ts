import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionInput } from '../../shared/action';
import { OpenApiApplyRequest, OpenApiImportRequest } from '../../shared/openapi-import';
import { ValidationError } from '../../server/src/errors';
import { planApply, previewOpenApi, toActionInput } from '../../server/src/imports/openapi';
import { FIXTURES, fixture } from './openapi-fixtures';

describe('planApply', () => {
  it('answers the chosen operations in the order chosen, as connected actions (path URLs, no auth)', async () => {
    const p = await previewOpenApi({ document: fixture(FIXTURES.openapi30) }, { existingNames: new Set() });
    const plan = planApply(p, ['DELETE /pet/{petId}', 'GET /pet/{petId}', 'GET /pet/{petId}']);
    expect(plan.connection).toEqual(p.connection);
    expect(plan.actions.map((a) => [a.name, a.method, a.url, a.confirm])).toEqual([
      ['deletePet', 'DELETE', '/pet/{{petId}}', true],
      ['getPetById', 'GET', '/pet/{{petId}}', false],
    ]);
    expect(plan.actions[0]).not.toHaveProperty('auth');
    // Under the connection's base URL each is a valid action.
    for (const o of plan.operations) expect(ActionInput.safeParse(toActionInput(o, p.connection.baseUrl)).success).toBe(true);
  });

  it('unknown keys are a validation error naming each; an empty choice too', async () => {
    const p = await previewOpenApi({ document: fixture(FIXTURES.swagger2) }, { existingNames: new Set() });
    let err: unknown;
    try {
      planApply(p, ['GET /pet/{petId}', 'GET /nope', 'HEAD /pet']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details).toEqual([
      { path: 'operations.1', message: 'unknown operation "GET /nope": not in the document or not importable' },
      { path: 'operations.2', message: 'unknown operation "HEAD /pet": not in the document or not importable' },
    ]);
    expect(() => planApply(p, [])).toThrow(ValidationError);
  });
});

describe('request schemas', () => {
  it('take exactly one of document or url', () => {
    expect(OpenApiImportRequest.safeParse({ document: 'openapi: 3.0.0' }).success).toBe(true);
    expect(OpenApiImportRequest.safeParse({ url: 'https://api.example.com/openapi.json' }).success).toBe(true);
    expect(OpenApiImportRequest.safeParse({}).success).toBe(false);
    expect(OpenApiImportRequest.safeParse({ document: {}, url: 'https://a.example/x' }).success).toBe(false);
    expect(OpenApiImportRequest.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false);
    const apply = OpenApiApplyRequest.safeParse({ document: { openapi: '3.0.0' }, operations: [], connection: { auth: { type: 'none' } } });
    expect(apply.success).toBe(false);
    expect(apply.error?.issues[0]?.path).toEqual(['operations']);
  });
});

describe('preview by URL over real HTTP', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];

  beforeAll(async () => {
    const spec = {
      openapi: '3.0.3',
      info: { title: 'Remote', version: '1' },
      paths: { '/orders/{id}': { get: { operationId: 'getOrder', summary: 'Get an order by id', parameters: [{ $ref: 'parts/params.yaml#/OrderId' }], responses: {} } } },
      components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } },
    };
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/specs/openapi.json') res.end(JSON.stringify(spec));
      else if (req.url === '/specs/parts/params.yaml') res.end('OrderId:\n  name: id\n  in: path\n  required: true\n  schema: {type: integer}\n');
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A stand-in for the guarded fetcher the route passes: timeout and status checked. */
  const fetchText = async (url: string) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.text();
  };

  it('fetches the document and its relative $ref only through fetchText; the relative server resolves against the URL', async () => {
    const p = await previewOpenApi({ url: `${base}/specs/openapi.json` }, { existingNames: new Set(), fetchText });
    expect(hits).toEqual(['/specs/openapi.json', '/specs/parts/params.yaml']);
    expect(p.connection).toEqual({ name: 'Remote', baseUrl: `${base}`, auth: { type: 'header', name: 'X-Api-Key', value: '' } });
    expect(p.warnings).toEqual([]); // no servers: OpenAPI's default "/" is the document's origin
    const [o] = p.operations;
    expect(o).toMatchObject({ key: 'GET /orders/{id}', name: 'getOrder', url: '/orders/{{id}}' });
    expect(o!.variables).toEqual([{ name: 'id', type: 'integer', description: 'The id path parameter', required: true, isArray: false }]);
  });

  it('a 404 document is a 400 naming the url', async () => {
    await expect(previewOpenApi({ url: `${base}/missing.json` }, { existingNames: new Set(), fetchText })).rejects.toMatchObject({
      status: 400,
      details: [{ path: 'url', message: 'could not fetch the document: HTTP 404' }],
    });
  });
});
