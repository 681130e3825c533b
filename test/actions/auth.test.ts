import { ActionExecutor } from '../../server/src/actions';
import { action, context, json, standIn, type StandIn } from './helpers';

let api: StandIn;
let exec: ActionExecutor;

beforeAll(async () => {
  api = await standIn((req, res) => json(res, 200, { ok: true }));
  exec = new ActionExecutor({ allowedPrivateHosts: ['127.0.0.1'] });
});
afterAll(async () => {
  await exec.close();
  await api.close();
});
beforeEach(() => {
  api.seen.length = 0;
});

describe('authentication arrives as the API expects', () => {
  it('none: no credential', async () => {
    await exec.execute(action({ url: `${api.base}/a` }), {}, context);
    expect(api.seen[0]!.headers.authorization).toBeUndefined();
  });

  it('bearer: Authorization: Bearer <token>', async () => {
    await exec.execute(action({ url: `${api.base}/a`, auth: { type: 'bearer', token: 'sk_live_bearer_123' } }), {}, context);
    expect(api.seen[0]!.headers.authorization).toBe('Bearer sk_live_bearer_123');
  });

  it('bearer: replaces an Authorization header the admin also typed', async () => {
    const ep = action({ url: `${api.base}/a`, headers: [{ key: 'authorization', value: 'Token old' }], auth: { type: 'bearer', token: 'new-token-1' } });
    await exec.execute(ep, {}, context);
    expect(api.seen[0]!.headers.authorization).toBe('Bearer new-token-1');
  });

  it('basic: base64 of user:password (UTF-8)', async () => {
    await exec.execute(action({ url: `${api.base}/a`, auth: { type: 'basic', username: 'ops', password: 'pä:ss word' } }), {}, context);
    const header = api.seen[0]!.headers.authorization!;
    expect(header.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(header.slice(6), 'base64').toString('utf8')).toBe('ops:pä:ss word');
  });

  it('header: the custom header carries the value', async () => {
    await exec.execute(action({ url: `${api.base}/a`, auth: { type: 'header', name: 'X-API-Key', value: 'key-abcdef-123' } }), {}, context);
    expect(api.seen[0]!.headers['x-api-key']).toBe('key-abcdef-123');
    expect(api.seen[0]!.headers.authorization).toBeUndefined();
  });

  it('body: the field is added to the JSON body template', async () => {
    const ep = action({
      method: 'POST',
      url: `${api.base}/a`,
      body: '{"order": "{{n}}"}',
      variables: [{ name: 'n', type: 'integer', description: 'n' }],
      auth: { type: 'body', name: 'api_key', value: 'body-secret-789' },
    });
    await exec.execute(ep, { n: 12 }, context);
    expect(JSON.parse(api.seen[0]!.body)).toEqual({ order: 12, api_key: 'body-secret-789' });
  });

  it('body: a request without a body template gets {} with the field', async () => {
    const ep = action({ method: 'POST', url: `${api.base}/a`, auth: { type: 'body', name: 'token', value: 'body-secret-000' } });
    await exec.execute(ep, {}, context);
    expect(api.seen[0]!.body).toBe('{"token":"body-secret-000"}');
    expect(api.seen[0]!.headers['content-type']).toBe('application/json');
  });
});
