import { ActionInput } from '../../shared/action';
import { parseBodyTemplate } from '../../shared/template';
import { previewOpenApi, toActionInput } from '../../server/src/imports/openapi';
import { FIXTURES, fixture, op, variable } from './openapi-fixtures';

const edge = () => previewOpenApi({ document: fixture(FIXTURES.edge) }, { existingNames: new Set() });

describe('OpenAPI mapping corner cases (edge-cases.yaml)', () => {
  it('server variables take their defaults; oauth2 client credentials keeps token URL and scopes', async () => {
    const p = await edge();
    expect(p.connection.baseUrl).toBe('https://eu.api.example.com/v1');
    expect(p.connection.auth).toEqual({
      type: 'oauth2_client_credentials',
      tokenUrl: 'https://eu.api.example.com/oauth/token',
      clientId: '',
      clientSecret: '',
      scope: 'orders:read orders:write',
    });
  });

  it('HEAD and OPTIONS are skipped with a warning, not failing the import', async () => {
    const p = await edge();
    expect(p.operations.map((o) => o.method)).not.toContain('HEAD');
    expect(p.warnings).toEqual(
      expect.arrayContaining([
        'HEAD /orders/{order-number}: actions do not support HEAD; skipped',
        'OPTIONS /orders/{order-number}: actions do not support OPTIONS; skipped',
      ]),
    );
  });

  it('names from operationId are sanitised and de-duplicated; parameters sanitised with their origin kept', async () => {
    const p = await edge();
    const get = op(p, 'GET /orders/{order-number}');
    expect(get.name).toBe('find_order_by_number');
    expect(op(p, 'DELETE /orders/{order-number}').name).toBe('find_order_by_number_2');
    expect(get.url).toBe('/orders/{{order_number}}');
    expect(get.sources).toEqual([
      { variable: 'order_number', in: 'path', name: 'order-number' },
      { variable: 'X_Request_Id', in: 'header', name: 'X-Request-Id' },
      { variable: 'since', in: 'query', name: 'since' },
      { variable: 'v_2fa', in: 'query', name: '2fa' },
      { variable: 'status', in: 'query', name: 'status' },
    ]);
    expect(get.query).toEqual([
      { key: 'since', value: '{{since}}' },
      { key: '2fa', value: '{{v_2fa}}' },
      { key: 'status', value: '{{status}}' },
    ]);
    expect(get.headers).toEqual([{ key: 'X-Request-Id', value: '{{X_Request_Id}}' }]);
    expect(variable(get, 'order_number')).toMatchObject({ required: true, example: 'A-1001', description: 'The order number printed on the receipt' });
    expect(variable(get, 'since').type).toBe('date');
    expect(variable(get, 'v_2fa').type).toBe('boolean');
    expect(variable(get, 'status')).toMatchObject({ isArray: true, enum: ['open', 'closed'] });
    expect(get.warnings).toEqual(['cookie parameter session is not supported: left out']);
  });

  it('a short summary is padded and a long description cut to the schema bounds', async () => {
    const p = await edge();
    expect(op(p, 'GET /orders/{order-number}').description).toBe('Get (GET /orders/{order-number})');
    const long = op(p, 'DELETE /orders/{order-number}').description;
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long.endsWith('…')).toBe(true);
    expect(long.startsWith('Cancels the order.')).toBe(true);
  });

  it('allOf bodies merge; nested objects flatten to parent_child variables; circular schemas stop at the depth bound', async () => {
    const p = await edge();
    const create = op(p, 'POST /customers');
    expect(create.name).toBe('post_customers');
    expect(parseBodyTemplate(create.body!)).toEqual({
      email: '{{email}}',
      address: { city: '{{address_city}}', geo: { lat: '{{address_geo_lat}}' } },
      tree: { label: '{{tree_label}}', child: { label: '{{tree_child_label}}' } },
      tags: '{{tags}}',
      visits: '{{visits}}',
    });
    expect(variable(create, 'email')).toMatchObject({ type: 'email', required: true });
    // address is optional, so its required city is optional too.
    expect(variable(create, 'address_city').required).toBe(false);
    expect(variable(create, 'address_geo_lat').type).toBe('float');
    expect(variable(create, 'visits')).toMatchObject({ type: 'integer', default: 3 });
    expect(create.variables.map((v) => v.name)).not.toContain('id'); // readOnly
    expect(create.warnings).toEqual([
      'nested body objects flattened into top-level variables: address, address.geo, tree, tree.child',
      'body fields left out: address.geo.deep (nested too deep), tree.child.child (nested too deep)',
    ]);
  });

  it('multipart, non-JSON and vendor JSON bodies', async () => {
    const p = await edge();
    const avatar = op(p, 'PUT /customers/{id}/avatar');
    expect(avatar.body).toBeNull();
    expect(avatar.warnings).toEqual(['multipart/form-data bodies (forms, file uploads) are not supported: no body is sent']);
    expect(op(p, 'PATCH /notes').warnings).toEqual(['text/plain bodies are not supported (only JSON): no body is sent']);
    const search = op(p, 'POST /search');
    expect(search.body).toBe('"{{body}}"');
    expect(variable(search, 'body')).toMatchObject({ isArray: true, type: 'string', description: 'The request body' });
  });

  it('more than 30 body fields: required ones kept first, the rest named in a warning', async () => {
    const p = await edge();
    const big = op(p, 'POST /big');
    expect(big.variables).toHaveLength(30);
    expect(variable(big, 'f35').required).toBe(true);
    expect(big.warnings).toEqual(['an action takes at most 30 variables: optional f30, f31, f32, f33, f34 left out']);
    expect(Object.keys(JSON.parse(big.body!))).toHaveLength(30);
    expect(ActionInput.safeParse(toActionInput(big, p.connection.baseUrl)).success).toBe(true);
  });

  it('one operation that cannot be mapped is skipped; the others still preview', async () => {
    const doc = {
      swagger: '2.0',
      info: { title: 'Mixed', version: '1' },
      host: 'api.example.com',
      securityDefinitions: { key: { type: 'apiKey', in: 'query', name: 'api_key' }, basic: { type: 'basic' } },
      security: [{ key: [] }],
      paths: {
        '/things/{filter}': { get: { parameters: [{ name: 'filter', in: 'path', required: true, type: 'array', items: { type: 'object' } }], responses: {} } },
        '/things': { get: { summary: 'List things', parameters: [{ name: 'api_key', in: 'query', type: 'string' }, { name: 'q', in: 'query', type: 'string' }], responses: {} } },
      },
    };
    const p = await previewOpenApi({ document: doc }, { existingNames: new Set() });
    expect(p.connection).toEqual({ name: 'Mixed', baseUrl: 'https://api.example.com', auth: { type: 'query', name: 'api_key', value: '' } });
    expect(p.warnings).toContain('GET /things/{filter}: path parameter filter is not a simple value; skipped');
    expect(p.warnings).toContain('security scheme basic is not used: the connection takes one auth (query)');
    expect(p.operations.map((o) => o.key)).toEqual(['GET /things']);
    expect(op(p, 'GET /things').query).toEqual([{ key: 'q', value: '{{q}}' }]); // api_key comes from the connection
    expect(doc.paths['/things'].get.parameters[0]).toEqual({ name: 'api_key', in: 'query', type: 'string' }); // input not mutated
  });
});
