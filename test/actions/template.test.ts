import { ActionExecutor, compileEndpoint, renderRequest, resolveVariables, type Endpoint } from '../../server/src/actions';
import { encodeUrlValue } from '../../server/src/actions/template';
import { withScheme } from '../../shared/action';
import { action, context, json, standIn, type StandIn } from './helpers';

let api: StandIn;
let exec: ActionExecutor;

beforeAll(async () => {
  api = await standIn((req, res) => json(res, 200, { ok: true }));
  exec = new ActionExecutor({ allowedPrivateHosts: ['127.0.0.1'], retryBaseMs: 5 });
});
afterAll(async () => {
  await exec.close();
  await api.close();
});
beforeEach(() => {
  api.seen.length = 0;
});

describe('body templates', () => {
  it('turns a lone placeholder into the typed JSON value and interpolates text', async () => {
    const ep = action({
      method: 'POST',
      url: `${api.base}/orders`,
      body: '{"qty": "{{qty}}", "price": {{price}}, "gift": "{{gift}}", "tags": "{{tags}}", "note": "{{qty}} for {{contact.first_name}}", "opt": "{{opt}}", "def": "{{def}}", "fixed": [1, {"x": true}]}',
      variables: [
        { name: 'qty', type: 'integer', description: 'quantity' },
        { name: 'price', type: 'float', description: 'price' },
        { name: 'gift', type: 'boolean', description: 'gift wrap' },
        { name: 'tags', type: 'string', description: 'tags', isArray: true },
        { name: 'opt', type: 'string', description: 'optional', required: false },
        { name: 'def', type: 'integer', description: 'with default', required: false, default: 5 },
      ],
    });
    const r = await exec.execute(ep, { qty: '3', price: 9.5, gift: 'true', tags: ['a', 'b'] }, context);
    expect(r.ok).toBe(true);
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(api.seen[0]!.body)).toEqual({
      qty: 3,
      price: 9.5,
      gift: true,
      tags: ['a', 'b'],
      note: '3 for Jo',
      opt: null,
      def: 5,
      fixed: [1, { x: true }],
    });
  });

  it('fills current_datetime when the context has none', async () => {
    const ep = action({ method: 'POST', url: `${api.base}/t`, body: '{"at": "{{current_datetime}}"}' });
    const before = Date.now();
    await exec.execute(ep, {}, context);
    const at = JSON.parse(api.seen[0]!.body).at as string;
    expect(Date.parse(at)).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});

describe('URL, query and headers', () => {
  it('percent-encodes a value in the path and the query', async () => {
    const ep = action({
      url: `${api.base}/orders/{{id}}?fixed=1`,
      query: [{ key: 'q', value: '{{id}}' }],
      variables: [{ name: 'id', type: 'string', description: 'order id' }],
    });
    const r = await exec.execute(ep, { id: 'a/b?c' }, context);
    expect(r.ok).toBe(true);
    expect(api.seen[0]!.url).toBe('/orders/a%2Fb%3Fc?fixed=1&q=a%2Fb%3Fc');
    expect(r.request.url).toBe(`${api.base}/orders/a%2Fb%3Fc?fixed=1&q=a%2Fb%3Fc`);
  });

  it('encodes spaces and # so a value cannot cut the URL', async () => {
    const ep = action({
      url: `${api.base}/s/{{v}}`,
      query: [{ key: 'q', value: '{{v}}' }],
      variables: [{ name: 'v', type: 'string', description: 'value' }],
    });
    await exec.execute(ep, { v: 'a b#c&d=e' }, context);
    expect(api.seen[0]!.url).toBe('/s/a%20b%23c%26d%3De?q=a+b%23c%26d%3De');
  });

  it('leaves out a query parameter or header whose optional value is absent', async () => {
    const ep = action({
      url: `${api.base}/list`,
      query: [
        { key: 'status', value: '{{status}}' },
        { key: 'page', value: '{{page}}' },
      ],
      headers: [{ key: 'X-Tag', value: '{{tag}}' }],
      variables: [
        { name: 'status', type: 'string', description: 'status', required: false },
        { name: 'page', type: 'integer', description: 'page', required: false, default: 1 },
        { name: 'tag', type: 'string', description: 'tag', required: false },
      ],
    });
    await exec.execute(ep, {}, context);
    expect(api.seen[0]!.url).toBe('/list?page=1');
    expect(api.seen[0]!.headers['x-tag']).toBeUndefined();
  });

  it('fills header values, and a line break cannot add a header', async () => {
    const ep = action({
      url: `${api.base}/h`,
      headers: [
        { key: 'X-Customer', value: '{{contact.email}}' },
        { key: 'X-Note', value: 'n={{note}}' },
      ],
      variables: [{ name: 'note', type: 'string', description: 'note' }],
    });
    const r = await exec.execute(ep, { note: 'hi\r\nX-Injected: yes' }, context);
    expect(r.ok).toBe(true);
    expect(api.seen[0]!.headers['x-customer']).toBe('jo@example.com');
    expect(api.seen[0]!.headers['x-note']).toBe('n=hi X-Injected: yes');
    expect(api.seen[0]!.headers['x-injected']).toBeUndefined();
  });

  it('refuses "." and ".." as a path value, which the URL parser would resolve', async () => {
    const ep = action({ url: `${api.base}/orders/{{id}}/items?x={{id}}`, variables: [{ name: 'id', type: 'string', description: 'id' }] });
    for (const id of ['..', '.']) {
      const r = await exec.execute(ep, { id }, context);
      expect(r.error?.type).toBe('blocked');
      expect(r.error?.message).toMatch(/cannot be/);
    }
    expect(api.seen).toHaveLength(0);
    // Dots inside a value, or encoded ones, stay inside the segment.
    await exec.execute(ep, { id: '%2e%2e' }, context);
    await exec.execute(ep, { id: '../admin' }, context);
    expect(api.seen.map((s) => s.url)).toEqual(['/orders/%252e%252e/items?x=%252e%252e', '/orders/..%2Fadmin/items?x=..%2Fadmin']);
  });

  it('the precompiled URL is exactly what the URL parser makes of the filled template', () => {
    const templates = [
      'https://api.example.com/orders/{{id}}',
      'https://api.example.com',
      'https://API.Example.com:443/a b/{{id}}?x=1 2&y={{id}}#frag',
      'https://bücher.example/{{id}}/ü',
      'https://{{sub}}.example.com/x/{{id}}',
      'http://127.0.0.1:8080/{{id}}{{id}}/z',
      'api.example.com/v1/{{id}}',
      'https://api.example.com/a/./b/../{{id}}?q',
    ];
    const values = ["it's (a) test!*", 'A 1', 'ü/€', 'a%2e', '~x_y-z.'];
    for (const url of templates) {
      for (const id of values) {
        const ep = action({
          url,
          variables: [
            { name: 'id', type: 'string', description: 'id' },
            { name: 'sub', type: 'string', description: 'sub', required: false, default: 'eu', enum: ['eu', 'us'] },
          ],
        });
        const compiled = compileEndpoint(ep);
        const res = resolveVariables(compiled.names, ep.variables, { id }, context);
        const naive = withScheme(url).replaceAll('{{id}}', encodeUrlValue(id)).replaceAll('{{sub}}', 'eu');
        const parsed = new URL(naive);
        parsed.hash = '';
        expect(renderRequest(compiled, res.values).url).toBe(parsed.href);
      }
    }
    expect(compileEndpoint(action({ url: 'https://{{sub}}.example.com/', variables: [{ name: 'sub', type: 'string', description: 's', enum: ['eu', 'us'] }] })).split).toBeNull();
  });

  it('adds https:// to a URL written without a scheme', () => {
    const ep = action({ url: 'api.example.com/orders/{{id}}', variables: [{ name: 'id', type: 'string', description: 'id' }] });
    const compiled = compileEndpoint(ep);
    const res = resolveVariables(compiled.names, ep.variables, { id: 'A 1' }, context);
    expect(renderRequest(compiled, res.values).url).toBe('https://api.example.com/orders/A%201');
  });
});

describe('variables', () => {
  it('refuses a call with a missing required variable, naming it, without any request', async () => {
    const ep = action({
      url: `${api.base}/orders/{{order_number}}`,
      variables: [
        { name: 'order_number', type: 'string', description: 'order' },
        { name: 'email', type: 'email', description: 'email' },
      ],
    });
    const r = await exec.execute(ep, { email: 'x@y.z' }, context);
    expect(r.ok).toBe(false);
    expect(r.attempts).toBe(0);
    expect(r.error?.type).toBe('missing_variables');
    expect(r.error?.message).toContain('order_number');
    expect(r.error?.message).not.toContain('email');
    expect(api.seen).toHaveLength(0);
  });

  it('uses the declared default for an absent variable', async () => {
    const ep = action({
      url: `${api.base}/tickets/{{status}}`,
      variables: [{ name: 'status', type: 'string', description: 'status', required: false, default: 'open' }],
    });
    const r = await exec.execute(ep, {}, context);
    expect(r.ok).toBe(true);
    expect(api.seen[0]!.url).toBe('/tickets/open');
  });

  it('refuses values of the wrong type or outside the enum', async () => {
    const ep = action({
      url: `${api.base}/x/{{n}}/{{plan}}`,
      variables: [
        { name: 'n', type: 'integer', description: 'n' },
        { name: 'plan', type: 'string', description: 'plan', enum: ['basic', 'pro'] },
      ],
    });
    const r = await exec.execute(ep, { n: '4.5', plan: 'gold' }, context);
    expect(r.error?.type).toBe('missing_variables');
    expect(r.error?.message).toContain('n (expected an integer)');
    expect(r.error?.message).toContain('plan (must be one of basic, pro)');
    expect(api.seen).toHaveLength(0);
  });

  it('refuses a context variable the conversation does not know', async () => {
    const ep = action({ url: `${api.base}/u?e={{contact.phone_number}}` });
    const r = await exec.execute(ep, {}, context);
    expect(r.error?.type).toBe('missing_variables');
    expect(r.error?.message).toContain('contact.phone_number');
  });

  it('never template-expands a secret', async () => {
    const ep = action({
      url: `${api.base}/x/{{id}}`,
      auth: { type: 'bearer', token: 'tok-{{id}}-literal' },
      variables: [{ name: 'id', type: 'string', description: 'id' }],
    });
    await exec.execute(ep, { id: '7' }, context);
    expect(api.seen[0]!.headers.authorization).toBe('Bearer tok-{{id}}-literal');
  });
});

describe('unsafe names and values', () => {
  it('treats __proto__ and constructor as plain data', async () => {
    const ep = action({
      method: 'POST',
      url: `${api.base}/p/{{constructor}}`,
      body: '{"__proto__": {"polluted": "{{constructor}}"}, "v": "{{constructor}}"}',
      variables: [{ name: 'constructor', type: 'string', description: 'a variable with an awkward name' }],
    });
    const values = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "__proto__"}') as Record<string, unknown>;
    const r = await exec.execute(ep, values, context);
    expect(r.ok).toBe(true);
    expect(api.seen[0]!.url).toBe('/p/__proto__');
    expect(api.seen[0]!.body).toBe('{"__proto__":{"polluted":"__proto__"},"v":"__proto__"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('finds nothing for a name that only exists on Object.prototype', async () => {
    const ep: Endpoint = { ...action({ url: `${api.base}/p` }), url: `${api.base}/p/{{constructor}}/{{__proto__}}/{{toString}}` };
    const r = await exec.execute(ep, JSON.parse('{"constructor": "c", "__proto__": "p"}') as Record<string, unknown>, {
      contact: {},
    });
    expect(r.error?.type).toBe('missing_variables');
    expect(r.error?.message).toContain('constructor (not declared)');
    expect(r.error?.message).toContain('__proto__ (not declared)');
    expect(r.error?.message).toContain('toString (not declared)');
    expect(api.seen).toHaveLength(0);
  });

  it('ignores a context object carrying prototype keys', async () => {
    const ep = action({ url: `${api.base}/c?e={{contact.email}}` });
    const ctx = JSON.parse('{"contact": {"__proto__": {"email": "evil@x.y"}}}');
    const r = await exec.execute(ep, {}, ctx);
    expect(r.error?.type).toBe('missing_variables');
  });
});
