import { startRig, start, type Rig } from './helpers';
import { api } from '../support/server';

/**
 * The model request as it goes on the wire (the SDK's URL and headers, sent through net/),
 * and the retry and failure rules of the model client.
 */
let rig: Rig;
const FALLBACK = 'A teammate will get back to you shortly.';

beforeAll(async () => {
  rig = await startRig();
  const s = await api(rig.url, rig.token, 'PUT', '/v1/settings', { fallbackReply: FALLBACK });
  expect(s.status).toBe(200);
});

afterAll(() => rig.close());

beforeEach(() => rig.llm.reset());

test('the request carries the SDK headers, the key as a bearer token and a JSON body for the configured model', async () => {
  rig.llm.setScript(() => ({ content: 'Hello!' }));
  const r = await start(rig, 'hi');
  expect(r.body.reply).toBe('Hello!');
  const h = rig.llm.headers[0]!;
  expect(h.authorization).toBe('Bearer sk-test-not-a-real-key');
  expect(h['content-type']).toBe('application/json');
  expect(h['user-agent']).toMatch(/^OpenAI\/JS /);
  // Per-attempt headers of the SDK are not replayed from the cached request.
  expect(h['x-stainless-retry-count']).toBeUndefined();
  expect(rig.llm.requests[0]!.model).toBe('scripted-model');
});

test.each([503, 500])('a %s is retried once, then the turn goes on', async (status) => {
  rig.llm.setScript((_req, i) => (i === 0 ? { status } : { content: 'Back' }));
  const r = await start(rig, 'hi');
  expect(r.body).toMatchObject({ reply: 'Back' });
  expect(r.body.fallback).toBeUndefined();
  expect(rig.llm.requests).toHaveLength(2);
});

test('a 429 with Retry-After is waited out and retried once', async () => {
  rig.llm.setScript((_req, i) => (i === 0 ? { text: '{"error":{"message":"slow down"}}', status: 429, headers: { 'retry-after': '0' } } : { content: 'Done' }));
  const r = await start(rig, 'hi');
  expect(r.body.reply).toBe('Done');
  expect(rig.llm.requests).toHaveLength(2);
});

test('a 400 is not retried: one request, the fallback, and the provider message in the log', async () => {
  rig.llm.setScript(() => ({ status: 400, body: { error: { message: 'model_xyz does not exist', type: 'invalid_request_error' } } }));
  const r = await start(rig, 'hi');
  expect(r.body).toMatchObject({ reply: FALLBACK, fallback: true });
  expect(rig.llm.requests).toHaveLength(1);
  const log = rig.srv.logs.join('');
  expect(log).toContain('model_xyz does not exist');
  expect(log).toContain('"status":400');
});

test('two failures in a row give the fallback after exactly two requests', async () => {
  rig.llm.setScript(() => ({ status: 502 }));
  const r = await start(rig, 'hi');
  expect(r.body).toMatchObject({ reply: FALLBACK, fallback: true });
  expect(rig.llm.requests).toHaveLength(2);
});

test('an answer that is not JSON gives the fallback, not an error', async () => {
  rig.llm.setScript(() => ({ text: '<html>gateway</html>' }));
  const r = await start(rig, 'hi');
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ reply: FALLBACK, fallback: true });
  expect(rig.srv.logs.join('')).toContain('the model answer is not JSON');
});

test('an answer over the size cap is refused without being read whole', async () => {
  const huge = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'x'.repeat(9 * 1024 * 1024) } }] });
  rig.llm.setScript(() => ({ text: huge }));
  const r = await start(rig, 'hi');
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ reply: FALLBACK, fallback: true });
  expect(r.text.length).toBeLessThan(10_000);
});
