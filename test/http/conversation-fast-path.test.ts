import { gzipSync } from 'node:zlib';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';

/**
 * `POST /v1/conversations` is answered without Express (issue 13). What it answers must not
 * depend on which path took the request: a query string or a gzip body goes through Express,
 * the plain one does not, and both authenticate, refuse, answer and count alike.
 */
let llm: FakeOpenAI;
let ts: TestServer;
let sidebarToken: string;

beforeAll(async () => {
  llm = await startFakeOpenAI(() => ({ content: 'Hello!' }));
  ts = await startTestServer({ OPENAI_BASE_URL: llm.url });
  const created = await api(ts.url, ts.token, 'POST', '/v1/tokens', { name: 'Zendesk sidebar', scope: 'sidebar' });
  expect(created.status).toBe(201);
  sidebarToken = created.body.token;
});

afterAll(async () => {
  await ts?.close();
  await llm?.close();
});

type Path = 'fast' | 'express';

/** The same request on either path: Express is reached with a query string (the fast path takes the exact path only). */
async function start(path: Path, body: string | Buffer, headers: Record<string, string> = {}, token: string | null = ts.token) {
  const res = await fetch(`${ts.url}/v1/conversations${path === 'express' ? '?via=express' : ''}`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  // Express's res.json adds an ETag; the fast path writes none: which path answered, seen from outside.
  took[path === 'express' || headers['content-encoding'] ? 'express' : 'fast'].push(res.headers.has('etag') ? 'express' : 'fast');
  return { status: res.status, json: JSON.parse(text), contentType: res.headers.get('content-type') };
}
const took: Record<Path, Path[]> = { fast: [], express: [] };

const both = async (body: string | Buffer, headers?: Record<string, string>, token?: string | null) => [await start('fast', body, headers, token), await start('express', body, headers, token)];
const valid = JSON.stringify({ customer: { id: 'c-1', verified: false }, message: 'hi' });

test('a turn: 201 with the reply and a stored conversation on either path, and the gzip body too', async () => {
  const [fast, express] = await both(valid);
  const zipped = await start('fast', gzipSync(valid), { 'content-encoding': 'gzip' });
  for (const r of [fast!, express!, zipped]) {
    expect(r).toMatchObject({ status: 201, contentType: 'application/json; charset=utf-8', json: { reply: 'Hello!', calls: [] } });
    const stored = await api(ts.url, ts.token, 'GET', `/v1/conversations/${r.json.id}`);
    expect(stored.body.messages.map((m: { content: string }) => m.content)).toEqual(['hi', 'Hello!']);
  }
  expect(Object.keys(fast!.json).sort()).toEqual(Object.keys(express!.json).sort());
  expect(took).toEqual({ fast: ['fast'], express: ['express', 'express'] });
});

test.each<[string, string | Buffer, Record<string, string>, 'admin' | 'none' | 'sidebar' | 'wrong', number, string]>([
  ['no token', valid, {}, 'none', 401, 'unauthorized'],
  ['an unknown token', valid, {}, 'wrong', 401, 'unauthorized'],
  ['a sidebar token', valid, {}, 'sidebar', 403, 'forbidden'],
  ['malformed JSON', '{"customer":', {}, 'admin', 400, 'malformed_json'],
  ['an empty body', '', {}, 'admin', 400, 'validation_failed'],
  ['a missing message', JSON.stringify({ customer: { id: 'c-1', verified: false } }), {}, 'admin', 400, 'validation_failed'],
  ['a body nested too deep', `{"customer":${'['.repeat(100)}${']'.repeat(100)},"message":"hi"}`, {}, 'admin', 400, 'validation_failed'],
  ['a lone surrogate', '{"customer":{"id":"c","verified":false},"message":"\\ud800"}', {}, 'admin', 400, 'validation_failed'],
  ['a body over 256 KiB', JSON.stringify({ customer: { id: 'c', verified: false }, message: 'x'.repeat(300 * 1024) }), {}, 'admin', 413, 'payload_too_large'],
])('%s: the same refusal on either path', async (_name, body, headers, who, status, code) => {
  const token = who === 'admin' ? ts.token : who === 'sidebar' ? sidebarToken : who === 'wrong' ? 'hst_not_a_token' : null;
  const [fast, express] = await both(body, headers, token);
  expect(fast!.status).toBe(status);
  expect(fast!.json.error.code).toBe(code);
  expect(fast).toEqual(express);
  expect(JSON.stringify(fast)).not.toMatch(/\bat \w+ \(|stack/);
});

test('a body with a byte order mark is read as body-parser reads it', async () => {
  const [fast, express] = await both(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]));
  expect(fast!.status).toBe(201);
  expect(express!.status).toBe(201);
});

test('both paths are counted under the one route label', async () => {
  const count = async () => {
    const text = await (await fetch(`${ts.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('http_requests_total{') && l.includes('route="/v1/conversations/"') && l.includes('status="201"'));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const before = await count();
  await both(valid);
  expect(await count()).toBe(before + 2);
});

describe('the next message', () => {
  const next = async (path: Path, id: string, body: string, token: string | null = ts.token) => {
    const res = await fetch(`${ts.url}/v1/conversations/${id}/messages${path === 'express' ? '?via=express' : ''}`, {
      method: 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, json: JSON.parse(await res.text()), etag: res.headers.has('etag') };
  };

  test('both paths append to the conversation; refusals are alike', async () => {
    const first = await start('fast', valid);
    const id = first.json.id as string;
    const a = await next('fast', id, JSON.stringify({ message: 'again' }));
    const b = await next('express', id, JSON.stringify({ message: 'and again' }));
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.etag, b.etag]).toEqual([false, true]);
    expect(a.json).toMatchObject({ id, reply: 'Hello!' });
    expect(b.json).toMatchObject({ id, reply: 'Hello!' });
    const stored = await api(ts.url, ts.token, 'GET', `/v1/conversations/${id}`);
    expect(stored.body.messages.map((m: { content: string }) => m.content)).toEqual(['hi', 'Hello!', 'again', 'Hello!', 'and again', 'Hello!']);

    for (const [target, body, token] of [
      ['00000000-0000-4000-8000-000000000000', JSON.stringify({ message: 'x' }), ts.token],
      [id, JSON.stringify({ text: 'x' }), ts.token],
      [id, '{"message":', ts.token],
      [id, JSON.stringify({ message: 'x' }), sidebarToken],
      [id, JSON.stringify({ message: 'x' }), null],
    ] as const) {
      const f = await next('fast', target, body, token);
      const e = await next('express', target, body, token);
      expect(f.status).toBeGreaterThanOrEqual(400);
      expect({ status: f.status, json: f.json }).toEqual({ status: e.status, json: e.json });
    }
    // The refusals changed nothing.
    const count = (await api(ts.url, ts.token, 'GET', `/v1/conversations/${id}`)).body.messages.length;
    expect(count).toBe(6);
  });

  test('an id that needs decoding goes to Express', async () => {
    const r = await next('fast', '%E0%A4%A', JSON.stringify({ message: 'x' }));
    expect(r.status).toBeGreaterThanOrEqual(400);
    // Express's res.json sets an ETag on error answers too: Express answered.
    expect(r.etag).toBe(true);
    expect(r.json.error).toBeDefined();
  });
});
