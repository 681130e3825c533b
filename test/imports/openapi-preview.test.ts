import { ActionInput } from '../../shared/action';
import { OpenApiPreview } from '../../shared/openapi-import';
import { previewOpenApi, toActionInput } from '../../server/src/imports/openapi';
import { FIXTURES, fixture, op, variable } from './openapi-fixtures';

const cache = new Map<string, Promise<OpenApiPreview>>();
/** Previews a fixture once per set of existing names: the large spec is parsed once per file. */
const preview = (name: string, existing: string[] = []) => {
  const key = `${name}|${existing.join(',')}`;
  if (!cache.has(key)) cache.set(key, previewOpenApi({ document: fixture(name) }, { existingNames: new Set(existing) }));
  return cache.get(key)!;
};

describe('OpenAPI preview of real specs', () => {
  it.each(Object.values(FIXTURES))('%s previews, matches the preview schema, and every operation is a valid action', async (name) => {
    const p = await preview(name);
    expect(OpenApiPreview.safeParse(p).success).toBe(true);
    // Relative or missing server URLs are the admin's to set; any full base works standalone.
    const base = /^https?:\/\//.test(p.connection.baseUrl) ? p.connection.baseUrl : `https://api.example.com${p.connection.baseUrl}`;
    const failures = p.operations
      .map((o) => ({ key: o.key, r: ActionInput.safeParse(toActionInput(o, base)) }))
      .filter((x) => !x.r.success)
      .map((x) => `${x.key}: ${JSON.stringify(x.r.error?.issues)}`);
    expect(failures).toEqual([]);
    const names = p.operations.map((o) => o.name);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    const keys = p.operations.map((o) => o.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const o of p.operations) expect(o.confirm).toBe(o.method !== 'GET');
  });

  it('Swagger 2.0 petstore: host+basePath+schemes, api key header auth, form data and file uploads warned', async () => {
    const p = await preview(FIXTURES.swagger2, ['getPetById']);
    expect(p.specVersion).toBe('2.0');
    expect(p.connection).toEqual({ name: 'Swagger Petstore', baseUrl: 'http://petstore.swagger.io/v2', auth: { type: 'header', name: 'api_key', value: '' } });
    expect(p.warnings.some((w) => w.includes('petstore_auth') && w.includes('implicit'))).toBe(true);
    expect(p.operations).toHaveLength(20);

    const get = op(p, 'GET /pet/{petId}');
    expect(get.name).toBe('getPetById_2'); // the tenant already has getPetById
    expect(get.url).toBe('/pet/{{petId}}');
    expect(get.variables).toEqual([{ name: 'petId', type: 'integer', description: 'ID of pet to return', required: true, isArray: false }]);
    expect(get.confirm).toBe(false);

    const byStatus = variable(op(p, 'GET /pet/findByStatus'), 'status');
    expect(byStatus).toMatchObject({ type: 'string', isArray: true, required: true, enum: ['available', 'pending', 'sold'] });
    expect(op(p, 'GET /pet/findByStatus').query).toEqual([{ key: 'status', value: '{{status}}' }]);

    // The api_key header is the connection's auth: not a variable the AI must collect.
    const del = op(p, 'DELETE /pet/{petId}');
    expect(del.variables.map((v) => v.name)).toEqual(['petId']);
    expect(del.headers).toEqual([]);
    expect(del.confirm).toBe(true);

    const upload = op(p, 'POST /pet/{petId}/uploadImage');
    expect(upload.body).toBeNull();
    expect(upload.warnings.join('\n')).toMatch(/file uploads are not supported: file/);
    expect(upload.warnings.join('\n')).toMatch(/form data parameters are not supported/);

    const addPet = op(p, 'POST /pet');
    expect(JSON.parse(addPet.body!)).toEqual({
      id: '{{id}}',
      category: { id: '{{category_id}}', name: '{{category_name}}' },
      name: '{{name}}',
      photoUrls: '{{photoUrls}}',
      status: '{{status}}',
    });
    expect(variable(addPet, 'name')).toMatchObject({ required: true, example: 'doggie' });
    expect(variable(addPet, 'photoUrls')).toMatchObject({ type: 'string', isArray: true, required: true });
    expect(addPet.sources).toContainEqual({ variable: 'category_name', in: 'body', name: 'category.name' });
    expect(addPet.warnings).toEqual(['nested body objects flattened into top-level variables: category', 'body fields left out: tags (a list of objects)']);

    const order = op(p, 'POST /store/order');
    expect(variable(order, 'shipDate').type).toBe('date');
    expect(variable(order, 'complete')).toMatchObject({ type: 'boolean', default: false });

    const arrayBody = op(p, 'POST /user/createWithArray');
    expect(arrayBody.body).toBeNull();
    expect(arrayBody.warnings).toEqual(['the JSON body is a list of objects, which an action cannot build: no body is sent']);

    // A path variable and a body property of the same name get distinct variables.
    const updateUser = op(p, 'PUT /user/{username}');
    expect(updateUser.url).toBe('/user/{{username}}');
    expect(JSON.parse(updateUser.body!).username).toBe('{{username_2}}');
    expect(updateUser.sources).toContainEqual({ variable: 'username_2', in: 'body', name: 'username' });
  });

  it('OpenAPI 3.0 petstore: servers, descriptions joined from summary and description, examples', async () => {
    const p = await preview(FIXTURES.openapi30);
    expect(p.specVersion).toBe('3.0');
    expect(p.connection.baseUrl).toBe('https://petstore3.swagger.io/api/v3');
    expect(p.connection.auth).toEqual({ type: 'header', name: 'api_key', value: '' });
    const update = op(p, 'PUT /pet');
    expect(update.name).toBe('updatePet');
    expect(update.description).toBe('Update an existing pet: Update an existing pet by Id.');
    expect(variable(update, 'id')).toMatchObject({ type: 'integer', example: '10' });
    const findByStatus = variable(op(p, 'GET /pet/findByStatus'), 'status');
    expect(findByStatus).toMatchObject({ required: false, default: 'available', enum: ['available', 'pending', 'sold'] });
    const upload = op(p, 'POST /pet/{petId}/uploadImage');
    expect(upload.warnings).toEqual(['file uploads (application/octet-stream) are not supported: no body is sent']);
    expect(upload.query).toEqual([{ key: 'additionalMetadata', value: '{{additionalMetadata}}' }]);
  });

  it('OpenAPI 3.1 petstore: $id refs resolved in the document, relative server warned, webhooks not imported', async () => {
    const p = await preview(FIXTURES.openapi31);
    expect(p.specVersion).toBe('3.1');
    expect(p.connection.baseUrl).toBe('/api/v31');
    expect(p.warnings).toEqual(
      expect.arrayContaining([
        'the server URL /api/v31 is relative: set the base URL of the connection',
        'security scheme mutual_tls: mutualTLS authentication is not supported',
        'webhooks are calls the API makes, not actions: 1 not imported',
      ]),
    );
    const add = op(p, 'POST /pet');
    // `required: [id]` written beside the $ref applies; the $id-referenced PetDetails is flattened.
    expect(variable(add, 'id').required).toBe(true);
    expect(variable(add, 'petDetails_category_name').type).toBe('string');
    expect(add.sources).toContainEqual({ variable: 'petDetails_category_name', in: 'body', name: 'petDetails.category.name' });
  });

  it('a 3.1 document with only webhooks previews with no operations and says so', async () => {
    const p = await preview(FIXTURES.webhooks31);
    expect(p.operations).toEqual([]);
    expect(p.warnings).toContain('the document has no operation that can become an action');
  });

  it('Intercom 2.15 (162 operations): bearer auth, first of three servers, header parameters sanitised', async () => {
    const p = await preview(FIXTURES.intercom);
    expect(p.operations.length).toBeGreaterThanOrEqual(150);
    expect(p.connection).toEqual({ name: 'Intercom API', baseUrl: 'https://api.intercom.io', auth: { type: 'bearer', token: '' } });
    expect(p.warnings).toContain('the document lists 3 servers; the first (https://api.intercom.io) is used');
    const me = op(p, 'GET /me');
    expect(me.name).toBe('identifyAdmin');
    expect(me.headers).toEqual([{ key: 'Intercom-Version', value: '{{Intercom_Version}}' }]);
    const version = variable(me, 'Intercom_Version');
    expect(version).toMatchObject({ type: 'string', required: false, default: '2.15' });
    expect(version.description).not.toMatch(/<\/?br>/);
    expect(me.description.length).toBeLessThanOrEqual(200);
    for (const o of p.operations) expect(o.variables.length).toBeLessThanOrEqual(30);
  });
});
