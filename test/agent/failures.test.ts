import { api } from '../support/server';
import { createAction, next, startRig, start, toolResults, type Rig } from './helpers';

let rig: Rig;
const FALLBACK = 'A teammate will get back to you shortly.';

beforeAll(async () => {
  rig = await startRig({ OPENAI_TIMEOUT_MS: '1500' });
  await createAction(rig, {
    name: 'lookup_order',
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    url: `${rig.customer.base}/orders/{{order_number}}`,
    variables: [{ name: 'order_number', type: 'string', description: 'The order number', required: true }],
  });
  const s = await api(rig.url, rig.token, 'PUT', '/v1/settings', { fallbackReply: FALLBACK });
  expect(s.status).toBe(200);
});

afterAll(() => rig.close());

beforeEach(() => {
  rig.llm.reset();
  rig.customer.reset();
  rig.customer.setHandler((req) => ({ body: { status: 'shipped', path: req.path } }));
});

/** The turn got the fallback and the conversation is flagged for a human, in the answer and in the log. */
async function expectFallback(r: Awaited<ReturnType<typeof start>>) {
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ reply: FALLBACK, fallback: true, needsHuman: true });
  expect(r.text).not.toMatch(/stack|Error:/);
  const conv = await api(rig.url, rig.token, 'GET', `/v1/conversations/${r.body.id}`);
  expect(conv.body.needsHuman).toBe(true);
  expect(conv.body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
  expect(conv.body.messages[1]).toMatchObject({ content: FALLBACK, fallback: true });
}

test('the LLM answering 500 gives the fallback reply', async () => {
  rig.llm.setScript(() => ({ status: 500 }));
  const r = await start(rig, 'Where is my order A-1?');
  await expectFallback(r);
  expect(rig.llm.requests.length).toBeGreaterThanOrEqual(1);
  expect(rig.srv.logs.join('')).toContain('fallback');
});

test('the LLM hanging past OPENAI_TIMEOUT_MS gives the fallback reply', async () => {
  rig.llm.setScript(() => ({ hang: true }));
  const t0 = Date.now();
  const r = await start(rig, 'Where is my order A-1?');
  await expectFallback(r);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
  expect(Date.now() - t0).toBeLessThan(10_000);
});

test('invalid tool-call JSON gives the fallback reply and no call', async () => {
  rig.llm.setScript(() => ({ toolCalls: [{ name: 'lookup_order', arguments: '{"order_number": "A-1"' }] }));
  const r = await start(rig, 'Where is my order A-1?');
  await expectFallback(r);
  expect(rig.customer.seen).toHaveLength(0);
});

test.each([
  ['no choices', { id: 'x', object: 'chat.completion', choices: [] }],
  ['an empty message', { id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'stop' }] }],
  ['arguments that are not an object', null],
])('a malformed completion (%s) gives the fallback reply', async (_name, raw) => {
  rig.llm.setScript(() => (raw ? { raw } : { toolCalls: [{ name: 'lookup_order', arguments: '[1,2]' }] }));
  await expectFallback(await start(rig, 'hello'));
});

test('a failure in a later turn flags the conversation and the next turn still works', async () => {
  rig.llm.setScript(() => ({ content: 'Hi there' }));
  const t1 = await start(rig, 'hello');
  expect(t1.body.fallback).toBeUndefined();
  rig.llm.setScript(() => ({ status: 503 }));
  const t2 = await next(rig, t1.body.id, 'are you there?');
  expect(t2.status).toBe(200);
  expect(t2.body).toMatchObject({ reply: FALLBACK, needsHuman: true });
  rig.llm.setScript(() => ({ content: 'Back again' }));
  const t3 = await next(rig, t1.body.id, 'hello?');
  expect(t3.body.reply).toBe('Back again');
  // History sent to the model keeps the customer's messages in order.
  const last = rig.llm.requests[rig.llm.requests.length - 1]!;
  expect(last.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['hello', 'are you there?', 'hello?']);
});

test('the round bound: a model that always calls a tool gets exactly 5 model requests, then the fallback', async () => {
  rig.llm.setScript((req) => ({ toolCalls: [{ name: 'lookup_order', arguments: { order_number: `R${toolResults(req).length}` } }] }));
  const r = await start(rig, 'loop forever');
  expect(rig.llm.requests).toHaveLength(5);
  await expectFallback(r);
  expect(rig.customer.countPrefix('GET /orders/')).toBe(5);
  expect(r.body.calls).toHaveLength(5);
  expect(rig.srv.logs.join('')).toContain('round bound');
});
