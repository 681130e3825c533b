import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Outbound } from '../../server/src/net';

/** `retry.alsoStatuses`: a caller may add statuses to retry (the model client adds 500), for idempotent requests only. */
let server: http.Server;
let origin: string;
let seen = 0;
const outbound = new Outbound({ allowedPrivateHosts: ['127.0.0.1'], retryBaseMs: 5 });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen++;
      if (seen % 2 === 1) res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"transient"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await outbound.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  seen = 0;
});

const post = (retry: Parameters<Outbound['send']>[1]['retry']) =>
  outbound.send('llm', { origin, path: '/x', method: 'POST', body: '{}', timeoutMs: 5000, maxBytes: 1024, ...(retry ? { retry } : {}) });

test('without it a 500 is final', async () => {
  const r = await post({ max: 1, idempotent: true });
  expect([r.status, r.attempts, seen]).toEqual([500, 1, 1]);
});

test('with it an idempotent request is tried again after a 500', async () => {
  const r = await post({ max: 1, idempotent: true, alsoStatuses: [500] });
  expect([r.ok, r.status, r.attempts, seen]).toEqual([true, 200, 2, 2]);
});

test('a POST not marked idempotent is never repeated, whatever statuses are added', async () => {
  const r = await post({ max: 1, alsoStatuses: [500] });
  expect([r.status, r.attempts, seen]).toEqual([500, 1, 1]);
});
