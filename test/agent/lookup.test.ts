import { apiData, createAction, errorOf, next, startRig, start, thisTurn, toolResults, type Rig } from './helpers';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
  await createAction(rig, {
    name: 'lookup_order',
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    url: `${rig.customer.base}/orders/{{order_number}}`,
    variables: [
      { name: 'order_number', type: 'string', description: 'The order number', example: 'A-1', required: true },
      { name: 'include_items', type: 'boolean', description: 'Whether to list the items', required: false },
    ],
    response: { fields: ['status', 'eta'], maxChars: 4000 },
  });
  await createAction(rig, {
    name: 'track_parcel',
    description: 'Track a parcel by its tracking number',
    method: 'GET',
    url: `${rig.customer.base}/parcels/{{tracking}}`,
    variables: [{ name: 'tracking', type: 'string', description: 'Tracking number', required: true }],
  });
});

afterAll(() => rig.close());

beforeEach(() => {
  rig.llm.reset();
  rig.customer.reset();
  rig.customer.setHandler((req) => {
    const m = /^\/orders\/(.+)$/.exec(req.path);
    if (m && m[1] === 'BAD') return { status: 404, body: { error: 'no such order' } };
    if (m) return { body: { number: decodeURIComponent(m[1]!), status: `shipped-${m[1]}`, eta: '2030-01-02', internal_margin: 'SECRET-MARGIN' } };
    return { body: { ok: true } };
  });
});

test('a lookup with a path variable: the API answer reaches the model shaped, and the reply carries it', async () => {
  rig.llm.setScript((req) => {
    const results = toolResults(req);
    if (results.length === 0) return { toolCalls: [{ name: 'lookup_order', arguments: { order_number: 'A-17', include_items: null } }] };
    const data = JSON.parse(apiData(results[0]) ?? '{}') as { status?: string; eta?: string };
    return { content: `Your order is ${data.status}, arriving ${data.eta}.` };
  });
  const r = await start(rig, 'Where is my order A-17?');
  expect(r.status).toBe(201);
  expect(r.body.reply).toBe('Your order is shipped-A-17, arriving 2030-01-02.');
  expect(rig.customer.count('GET /orders/A-17')).toBe(1);
  expect(r.body.calls).toHaveLength(1);
  expect(r.body.calls[0]).toMatchObject({ action: 'lookup_order', method: 'GET', status: 200, ok: true, url: `${rig.customer.base}/orders/A-17` });
  expect(r.body.pending).toBeUndefined();

  // Two model rounds; the second carried the tool result, framed as data, without the fields left out.
  expect(rig.llm.requests).toHaveLength(2);
  const result = toolResults(rig.llm.requests[1]!)[0]!;
  expect(result).toContain('not instructions');
  expect(JSON.parse(apiData(result)!)).toEqual({ status: 'shipped-A-17', eta: '2030-01-02' });
  expect(result).not.toContain('SECRET-MARGIN');
  // The assistant message with the tool call precedes the tool result, tied by its id.
  const turn = thisTurn(rig.llm.requests[1]!);
  expect(turn.map((m) => m.role)).toEqual(['assistant', 'tool']);
  expect((turn[0]!.tool_calls as { id: string }[])[0]!.id).toBe(turn[1]!.tool_call_id);
});

test('the tools sent are strict JSON schemas: no extra properties, every property required, optional ones nullable', async () => {
  rig.llm.setScript(() => ({ content: 'Hi!' }));
  await start(rig, 'Hello');
  const tools = rig.llm.requests[0]!.tools!;
  expect(tools.map((t) => t.function.name).sort()).toEqual(['lookup_order', 'track_parcel']);
  for (const t of tools) {
    expect(t.type).toBe('function');
    expect(t.function.strict).toBe(true);
    const p = t.function.parameters as { type: string; properties: Record<string, any>; required: string[]; additionalProperties: boolean };
    expect(p.type).toBe('object');
    expect(p.additionalProperties).toBe(false);
    expect([...p.required].sort()).toEqual(Object.keys(p.properties).sort());
  }
  const lookup = tools.find((t) => t.function.name === 'lookup_order')!.function.parameters as { properties: Record<string, any> };
  const nullable = (s: any) => (Array.isArray(s.type) && s.type.includes('null')) || (Array.isArray(s.anyOf) && s.anyOf.some((x: any) => x.type === 'null'));
  expect(nullable(lookup.properties.include_items)).toBe(true);
  expect(nullable(lookup.properties.order_number)).toBe(false);
  expect(lookup.properties.order_number.type).toBe('string');
});

test('two tool calls in one round run concurrently: the API sees both before answering either', async () => {
  let arrived = 0;
  let release!: () => void;
  const both = new Promise<void>((r) => (release = r));
  rig.customer.setHandler(async (req) => {
    if (++arrived === 2) release();
    // Each answer waits until both requests are in (or gives up after 3 s, which the test then catches).
    let timer: NodeJS.Timeout | undefined;
    const together = await Promise.race([both.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 3000)))]);
    clearTimeout(timer);
    return { body: { status: together ? 'together' : 'alone', path: req.path } };
  });
  rig.llm.setScript((req) => {
    const results = toolResults(req);
    if (results.length === 0) {
      return {
        toolCalls: [
          { name: 'lookup_order', arguments: { order_number: 'P-1', include_items: null } },
          { name: 'track_parcel', arguments: { tracking: 'TRK-9' } },
        ],
      };
    }
    return { content: `Results: ${results.join(' | ')}` };
  });
  const t0 = Date.now();
  const r = await start(rig, 'Where are my order P-1 and parcel TRK-9?');
  expect(r.status).toBe(201);
  expect(Date.now() - t0).toBeLessThan(2500);
  expect(rig.customer.count('GET /orders/P-1')).toBe(1);
  expect(rig.customer.count('GET /parcels/TRK-9')).toBe(1);
  expect(rig.customer.maxInFlight).toBe(2);
  const results = toolResults(rig.llm.requests[1]!);
  expect(results).toHaveLength(2);
  expect(results[0]).toContain('"status":"together"');
  expect(results[0]).toMatch(/^Result of lookup_order /);
  expect(results[1]).toContain('"status":"together"');
  expect(results[1]).toContain('/parcels/TRK-9');
  expect(r.body.calls.map((c: { action: string; ok: boolean }) => [c.action, c.ok]).sort()).toEqual([
    ['lookup_order', true],
    ['track_parcel', true],
  ]);
});

test('a missing required variable goes back to the model as missing_variables, no HTTP call, and the model asks', async () => {
  rig.llm.setScript((req) => {
    const results = toolResults(req);
    if (results.length === 0) return { toolCalls: [{ name: 'lookup_order', arguments: { include_items: true } }] };
    const e = errorOf(results[0]);
    return { content: e?.type === 'missing_variables' ? 'Could you give me your order number?' : `unexpected: ${results[0]}` };
  });
  const r = await start(rig, 'Where is my order?');
  expect(r.status).toBe(201);
  expect(r.body.reply).toBe('Could you give me your order number?');
  expect(rig.customer.countPrefix('GET /orders')).toBe(0);
  const e = errorOf(toolResults(rig.llm.requests[1]!)[0]);
  expect(e).toMatchObject({ type: 'missing_variables' });
  expect(e!.message).toContain('order_number');
  expect(r.body.calls).toEqual([expect.objectContaining({ action: 'lookup_order', ok: false, errorType: 'missing_variables', status: null })]);
});

test('arguments of the wrong type are refused as missing_variables too', async () => {
  rig.llm.setScript((req) =>
    toolResults(req).length === 0
      ? { toolCalls: [{ name: 'lookup_order', arguments: { order_number: 42, include_items: null, extra: 'x' } }] }
      : { content: 'Which order?' },
  );
  const r = await start(rig, 'order 42');
  expect(r.body.calls[0]).toMatchObject({ errorType: 'missing_variables' });
  expect(rig.customer.countPrefix('GET /orders')).toBe(0);
});

test('an unknown tool name and prototype names are refused without a crash', async () => {
  const names = ['delete_everything', '__proto__', 'constructor', 'toString', 'hasOwnProperty'];
  rig.llm.setScript((req) => {
    const results = toolResults(req);
    if (results.length === 0) return { toolCalls: names.map((name) => ({ name, arguments: {} })) };
    return { content: `refused: ${results.map((x) => errorOf(x)?.type).join(',')}` };
  });
  const r = await start(rig, 'do things');
  expect(r.status).toBe(201);
  expect(r.body.reply).toBe(`refused: ${names.map(() => 'not_allowed').join(',')}`);
  for (const x of toolResults(rig.llm.requests[1]!)) expect(errorOf(x)!.message).toContain('unknown tool');
  expect(r.body.calls.map((c: { action: string; errorType: string }) => [c.action, c.errorType])).toEqual(names.map((n) => [n, 'not_allowed']));
  expect(rig.customer.seen).toHaveLength(0);
  expect(r.body.fallback).toBeUndefined();
});

test('the per-turn call cap: ten calls in one round, eight run, the rest are refused', async () => {
  rig.llm.setScript((req) => {
    const results = toolResults(req);
    if (results.length === 0) {
      return { toolCalls: Array.from({ length: 10 }, (_, i) => ({ name: 'track_parcel', arguments: { tracking: `T${i}` } })) };
    }
    return { content: 'done' };
  });
  const r = await start(rig, 'track all my parcels');
  expect(r.status).toBe(201);
  expect(rig.customer.countPrefix('GET /parcels/')).toBe(8);
  const results = toolResults(rig.llm.requests[1]!);
  expect(results).toHaveLength(10);
  const refused = results.filter((x) => errorOf(x)?.type === 'not_allowed');
  expect(refused).toHaveLength(2);
  expect(errorOf(refused[0])!.message).toContain('too many calls');
  expect(r.body.calls.filter((c: { ok: boolean }) => c.ok)).toHaveLength(8);
});

test('the cap holds across rounds of one turn too', async () => {
  rig.llm.setScript((req) => {
    const n = toolResults(req).length;
    if (n < 12) return { toolCalls: [0, 1, 2].map((i) => ({ name: 'track_parcel', arguments: { tracking: `R${n + i}` } })) };
    return { content: 'done' };
  });
  const r = await start(rig, 'track');
  expect(rig.customer.countPrefix('GET /parcels/')).toBe(8);
  expect(r.body.calls.filter((c: { errorType?: string }) => c.errorType === 'not_allowed').length).toBeGreaterThan(0);
});

test('the same failing call is not executed more than twice across turns', async () => {
  rig.llm.setScript((req) => {
    const results = toolResults(req);
    if (results.length === 0) return { toolCalls: [{ name: 'lookup_order', arguments: { order_number: 'BAD', include_items: null } }] };
    const e = errorOf(results[0]);
    return { content: `error ${e?.type}: ${e?.message}` };
  });
  const t1 = await start(rig, 'order BAD?');
  expect(t1.body.reply).toMatch(/^error http_4xx/);
  const t2 = await next(rig, t1.body.id, 'try again please');
  expect(t2.body.reply).toMatch(/^error http_4xx/);
  expect(rig.customer.count('GET /orders/BAD')).toBe(2);
  const t3 = await next(rig, t1.body.id, 'once more');
  expect(t3.body.reply).toMatch(/^error not_allowed: .*failed twice/);
  expect(rig.customer.count('GET /orders/BAD')).toBe(2);
  // Another order still works in the same conversation.
  rig.llm.setScript((req) =>
    toolResults(req).length === 0
      ? { toolCalls: [{ name: 'lookup_order', arguments: { order_number: 'GOOD', include_items: null } }] }
      : { content: 'ok' },
  );
  const t4 = await next(rig, t1.body.id, 'what about GOOD?');
  expect(t4.body.calls[0]).toMatchObject({ ok: true });
});
