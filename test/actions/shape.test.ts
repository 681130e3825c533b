import { ActionExecutor, capText, shapeResponse } from '../../server/src/actions';
import { action, context, json, standIn, type StandIn } from './helpers';

describe('shapeResponse', () => {
  const order = {
    id: 7,
    status: 'shipped',
    customer: { name: 'Jo', email: 'jo@example.com', address: { city: 'Lyon', street: 'x' } },
    items: [
      { name: 'Mug', price: 9, sku: 'M1' },
      { name: 'Tea', price: 4, sku: 'T1' },
    ],
  };

  it('keeps only the dot paths, through arrays', () => {
    expect(shapeResponse(order, ['status', 'items.name', 'customer.address.city'])).toEqual({
      status: 'shipped',
      items: [{ name: 'Mug' }, { name: 'Tea' }],
      customer: { address: { city: 'Lyon' } },
    });
  });

  it('works on a top-level array and nested arrays', () => {
    expect(shapeResponse([{ a: [{ b: 1, c: 2 }] }, { a: [] }], ['a.b'])).toEqual([{ a: [{ b: 1 }] }, { a: [] }]);
  });

  it('a shorter path keeps everything below it', () => {
    expect(shapeResponse(order, ['customer.name', 'customer'])).toEqual({ customer: order.customer });
  });

  it('empty fields keep everything; text is left alone', () => {
    expect(shapeResponse(order, [])).toBe(order);
    expect(shapeResponse('plain text', ['a'])).toBe('plain text');
  });

  it('reads own properties only', () => {
    const data = JSON.parse('{"__proto__": {"x": 1}, "a": {"b": 2}}');
    expect(shapeResponse({ a: 1 }, ['constructor', 'toString', '__proto__.polluted', 'a'])).toEqual({ a: 1 });
    const shaped = shapeResponse(data, ['__proto__.x', 'a.constructor']) as Record<string, unknown>;
    expect(Object.getPrototypeOf(shaped)).toBe(Object.prototype);
    expect(Object.hasOwn(shaped, '__proto__')).toBe(true);
    expect(JSON.stringify(shaped)).toBe('{"__proto__":{"x":1},"a":{}}');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('drops paths that go through a scalar', () => {
    expect(shapeResponse({ a: 1, b: { c: 2 } }, ['a.x', 'b.c'])).toEqual({ b: { c: 2 } });
  });
});

describe('capText', () => {
  it('leaves short text alone', () => {
    expect(capText('hello', 100)).toBe('hello');
  });

  it('cuts to at most maxChars and says so', () => {
    const out = capText('a'.repeat(1000), 120);
    expect(out.length).toBeLessThanOrEqual(120);
    expect(out).toMatch(/^a+… \[truncated: first \d+ of 1000 characters shown\]$/);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(200);
    const out = capText(text, 101);
    const kept = out.slice(0, out.indexOf('…'));
    expect(kept.length % 2).toBe(0);
  });
});

describe('shaping in a call', () => {
  let api: StandIn;
  let exec: ActionExecutor;
  beforeAll(async () => {
    api = await standIn((req, res) => json(res, 200, { order: { status: 'open', items: [{ name: 'Mug', price: 9 }, { name: 'Tea', price: 4 }] }, secret_note: 'internal' }));
    exec = new ActionExecutor({ allowedPrivateHosts: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await exec.close();
    await api.close();
  });

  it('the model sees only the configured fields; the admin sees the whole answer', async () => {
    const ep = action({ url: `${api.base}/o`, response: { fields: ['order.status', 'order.items.name'], maxChars: 4000 } });
    const r = await exec.execute(ep, {}, context);
    expect(JSON.parse(r.modelText!)).toEqual({ order: { status: 'open', items: [{ name: 'Mug' }, { name: 'Tea' }] } });
    expect(r.modelText).not.toContain('internal');
    expect((r.response?.body as { secret_note: string }).secret_note).toBe('internal');
  });
});
