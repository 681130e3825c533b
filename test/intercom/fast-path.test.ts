import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { startTestServer, type TestServer } from '../support/server';
import { startFakeIntercom, type FakeIntercom } from './fake-intercom';
import { ACCESS_TOKEN, configureIntercom, notification, sign } from './helpers';

/**
 * `POST /webhooks/intercom` is answered without Express (issue 13); what it answers must not
 * depend on which path took the request: a compressed body or a query string goes through
 * Express, the plain one does not, and both store, refuse and count alike.
 */
let llm: FakeOpenAI;
let intercom: FakeIntercom;
let ts: TestServer;

beforeAll(async () => {
  llm = await startFakeOpenAI(() => ({ content: 'Hello!' }));
  intercom = await startFakeIntercom(ACCESS_TOKEN);
  ts = await startTestServer({ OPENAI_BASE_URL: llm.url });
  await configureIntercom(ts.url, ts.token, intercom.base);
});

afterAll(async () => {
  await ts?.close();
  await llm?.close();
  await intercom?.close();
});

/** A raw POST (node:http: chunked bodies and Content-Encoding as given). */
function post(path: string, body: Buffer, headers: Record<string, string>, chunked = false): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${ts.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers, ...(chunked ? {} : { 'content-length': String(body.length) }) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text || 'null') }));
    });
    req.on('error', reject);
    if (chunked) {
      // Several writes without a length: the limit is enforced on what arrives.
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}

test('the plain delivery (fast path) and the compressed one (Express) are stored alike; duplicates are told apart alike', async () => {
  const plain = JSON.stringify(notification({ id: 'notif_fast_1', conversationId: '7001', contactId: 'c-f1', body: 'hi' }));
  const zipped = JSON.stringify(notification({ id: 'notif_fast_2', conversationId: '7002', contactId: 'c-f2', body: 'hi' }));
  const a = await post('/webhooks/intercom', Buffer.from(plain), { 'x-hub-signature': sign(plain) });
  const b = await post('/webhooks/intercom', gzipSync(zipped), { 'x-hub-signature': sign(zipped), 'content-encoding': 'gzip' });
  expect([a, b]).toEqual([
    { status: 200, json: { ok: true, duplicate: false } },
    { status: 200, json: { ok: true, duplicate: false } },
  ]);
  const again = await post('/webhooks/intercom', Buffer.from(plain), { 'x-hub-signature': sign(plain) });
  const againZipped = await post('/webhooks/intercom', gzipSync(zipped), { 'x-hub-signature': sign(zipped), 'content-encoding': 'gzip' });
  expect([again.json, againZipped.json]).toEqual([{ ok: true, duplicate: true }, { ok: true, duplicate: true }]);
});

test('refusals have the one error shape on either path: bad signature 401, not JSON 400, over 256 KiB 413 (with or without a length)', async () => {
  const body = JSON.stringify(notification({ id: 'notif_fast_3', conversationId: '7003', contactId: 'c-f3', body: 'hi' }));
  const bad = await post('/webhooks/intercom', Buffer.from(body), { 'x-hub-signature': sign(body, 'not-the-secret') });
  const badViaExpress = await post('/webhooks/intercom?x=1', Buffer.from(body), { 'x-hub-signature': sign(body, 'not-the-secret') });
  expect(bad).toEqual({ status: 401, json: { error: { code: 'unauthorized', message: expect.any(String) } } });
  expect(badViaExpress).toEqual(bad);

  const garbage = await post('/webhooks/intercom', Buffer.from('{not json'), { 'x-hub-signature': sign('{not json') });
  expect(garbage).toEqual({ status: 400, json: { error: { code: 'malformed_json', message: 'request body is not valid JSON' } } });

  const big = Buffer.from(JSON.stringify(notification({ id: 'notif_fast_4', conversationId: '7004', contactId: 'c-f4', body: 'x'.repeat(300 * 1024) })));
  const withLength = await post('/webhooks/intercom', big, { 'x-hub-signature': sign(big.toString()) });
  const chunked = await post('/webhooks/intercom', big, { 'x-hub-signature': sign(big.toString()) }, true);
  for (const r of [withLength, chunked]) expect(r).toEqual({ status: 413, json: { error: { code: 'payload_too_large', message: expect.stringContaining('256 KiB') } } });
  // None of the refused ones was stored.
  const c = await ts.server.store.inboxCounts();
  expect(c.pending + c.leased + c.done + c.dead).toBe(2);
});

test('the fast path is counted in /metrics under its route', async () => {
  const res = await fetch(`${ts.url}/metrics`);
  const text = await res.text();
  expect(text).toMatch(/http_requests_total\{method="POST",route="\/webhooks\/intercom",status="200"\} [1-9]/);
  expect(text).toMatch(/http_requests_total\{method="POST",route="\/webhooks\/intercom",status="413"\} [1-9]/);
});
