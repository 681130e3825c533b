import net from 'node:net';
import { loadConfig } from '../../server/src/config';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';

// Small bounds so a stalled client is dropped quickly; Node's own default would hold it 300 s,
// far past this file's jest timeout, so the old server fails these tests by timing out.
const HEADERS_MS = 300;
const REQUEST_MS = 600;
jest.setTimeout(20_000);

let ts: TestServer;
let openai: FakeOpenAI;
let release: () => void = () => {};

beforeAll(async () => {
  openai = await startFakeOpenAI();
  ts = await startTestServer({ OPENAI_BASE_URL: openai.url, HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_MS), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_MS) });
});
afterAll(async () => {
  release();
  await ts.close();
  await openai.close();
});

/** A raw client: writes `head`, then runs `trickle` until the server closes; resolves with what the server sent. */
function rawClient(head: string, trickle?: (s: net.Socket) => void): Promise<{ received: string; closed: boolean }> {
  const { port } = new URL(ts.url);
  return new Promise((resolve) => {
    const s = net.connect(Number(port), '127.0.0.1');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    s.setEncoding('utf8');
    s.on('data', (d: string) => (received += d));
    s.on('error', () => {});
    s.on('connect', () => {
      s.write(head);
      if (trickle) timer = setInterval(() => s.writable && trickle(s), 50);
    });
    s.on('close', () => {
      clearInterval(timer);
      resolve({ received, closed: true });
    });
  });
}

function expectTimedOut(received: string): void {
  expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
}

describe('HTTP server timeouts', () => {
  test('a client that sends headers and then trickles its body byte by byte is answered 408 and closed', async () => {
    const head =
      'POST /v1/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Authorization: Bearer ${ts.token}\r\nContent-Length: 100000\r\n\r\n{"message": "`;
    const r = await rawClient(head, (s) => s.write('a'));
    expect(r.closed).toBe(true);
    expectTimedOut(r.received);
  });

  test('a client that stalls its body entirely is answered 408 and closed', async () => {
    const head = `POST /v1/actions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${ts.token}\r\nContent-Length: 50\r\n\r\n{`;
    const r = await rawClient(head);
    expect(r.closed).toBe(true);
    expectTimedOut(r.received);
  });

  test('a client that trickles its headers is answered 408 and closed', async () => {
    const r = await rawClient('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', (s) => s.write('X'));
    expect(r.closed).toBe(true);
    expectTimedOut(r.received);
  });

  test('a request whose body is in is not cut off while its handler is slow (the bounds cover receiving only)', async () => {
    let gateOpen!: () => void;
    const gate = new Promise<void>((r) => (gateOpen = r));
    release = gateOpen;
    openai.setScript(async () => {
      await gate;
      return { content: 'Answered after the wait.' };
    });
    const before = openai.requests.length;
    const slow = api(ts.url, ts.token, 'POST', '/v1/conversations', { customer: { id: 'c-1', verified: false }, message: 'Hello?' });
    // The model has the request: the body was received and the handler is waiting.
    while (openai.requests.length === before) await new Promise((r) => setTimeout(r, 10));
    // A stalled client opened after it is dropped: the request bound has passed for the slow one too.
    const stalled = await rawClient(`POST /v1/actions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{`);
    expect(stalled.closed).toBe(true);
    gateOpen();
    const r = await slow;
    expect(r.status).toBe(201);
    expect(r.body.reply).toBe('Answered after the wait.');
  });
});

describe('timeout configuration', () => {
  test('defaults far under Node’s 300 s; headers bound may not exceed the request bound', () => {
    const c = loadConfig({});
    expect(c.HTTP_HEADERS_TIMEOUT_MS).toBe(15_000);
    expect(c.HTTP_REQUEST_TIMEOUT_MS).toBe(30_000);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000', HTTP_REQUEST_TIMEOUT_MS: '30000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS: must not exceed/);
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
  });
});
