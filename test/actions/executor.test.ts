import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionExecutor } from '../../server/src/actions';
import { action, context, json, standIn, type StandIn } from './helpers';

let api: StandIn;
let exec: ActionExecutor;
/** Per-path behaviour of the stand-in; a test sets what it needs. */
let routes: Record<string, (res: http.ServerResponse, n: number) => void> = {};
const hits = new Map<string, number>();

beforeAll(async () => {
  api = await standIn((req, res) => {
    const path = req.url.split('?')[0]!;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (route) route(res, n);
    else json(res, 404, { error: 'no route' });
  });
  exec = new ActionExecutor({ allowedPrivateHosts: ['127.0.0.1'], retryBaseMs: 10 });
});
afterAll(async () => {
  await exec.close();
  await api.close();
});
beforeEach(() => {
  api.seen.length = 0;
  hits.clear();
  routes = {};
});

const get = (path: string, extra: Record<string, unknown> = {}) => action({ url: `${api.base}${path}`, ...extra });

describe('answers', () => {
  it('passes JSON through, shaped and serialized for the model', async () => {
    routes['/order'] = (res) => json(res, 200, { status: 'shipped', tracking: 'T1', internal: 'x' });
    const r = await exec.execute(get('/order', { response: { fields: ['status', 'tracking'] } }), {}, context);
    expect(r).toMatchObject({ ok: true, status: 200, attempts: 1 });
    expect(r.response?.body).toEqual({ status: 'shipped', tracking: 'T1', internal: 'x' });
    expect(JSON.parse(r.modelText!)).toEqual({ status: 'shipped', tracking: 'T1' });
    expect(r.response?.headers['content-type']).toBe('application/json');
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('passes text as text', async () => {
    routes['/text'] = (res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Your order ships tomorrow.');
    };
    const r = await exec.execute(get('/text'), {}, context);
    expect(r.ok).toBe(true);
    expect(r.modelText).toBe('Your order ships tomorrow.');
    expect(r.response?.body).toBe('Your order ships tomorrow.');
  });

  it('says so when the answer is empty', async () => {
    routes['/empty'] = (res) => {
      res.writeHead(204);
      res.end();
    };
    const r = await exec.execute(get('/empty', { method: 'DELETE' }), {}, context);
    expect(r.ok).toBe(true);
    expect(r.modelText).toBe('HTTP 204, no content');
  });

  it('cuts the model text to maxChars and says it was truncated', async () => {
    routes['/long'] = (res) => json(res, 200, { text: 'x'.repeat(5000) });
    const r = await exec.execute(get('/long', { response: { fields: [], maxChars: 200 } }), {}, context);
    expect(r.modelText!.length).toBeLessThanOrEqual(200);
    expect(r.modelText).toMatch(/truncated/);
  });

  it.each([
    [401, 'http_4xx'],
    [404, 'http_4xx'],
    [500, 'http_5xx'],
  ])('HTTP %i is an %s error with the status and an excerpt for the model', async (status, type) => {
    routes['/err'] = (res) => json(res, status, { message: `failure ${status}` });
    const r = await exec.execute(get('/err'), {}, context);
    expect(r.ok).toBe(false);
    expect(r.status).toBe(status);
    expect(r.error?.type).toBe(type);
    expect(r.modelText).toContain(`failure ${status}`);
    expect(r.response?.body).toEqual({ message: `failure ${status}` });
  });

  it('malformed JSON is invalid_response', async () => {
    routes['/bad'] = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"oops": ');
    };
    const r = await exec.execute(get('/bad'), {}, context);
    expect(r.error?.type).toBe('invalid_response');
    expect(r.status).toBe(200);
    expect(r.error?.message).toMatch(/malformed JSON/);
  });

  it.each(['image/png', 'application/octet-stream', 'application/pdf'])('binary content (%s) is refused', async (type) => {
    routes['/bin'] = (res) => {
      res.writeHead(200, { 'content-type': type });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]));
    };
    const r = await exec.execute(get('/bin'), {}, context);
    expect(r.error?.type).toBe('invalid_response');
    expect(r.modelText).toBeUndefined();
  });
});

describe('limits', () => {
  it('times out a server that never answers', async () => {
    routes['/hang'] = () => undefined;
    const started = Date.now();
    const r = await exec.execute(get('/hang', { timeoutMs: 300 }), {}, context);
    expect(r.error?.type).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.attempts).toBe(1);
  });

  it('times out a body that drips slower than the timeout', async () => {
    let timer: NodeJS.Timeout | undefined;
    routes['/drip'] = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      timer = setInterval(() => res.write('1,'), 50);
      res.on('close', () => clearInterval(timer));
    };
    const started = Date.now();
    const r = await exec.execute(get('/drip', { timeoutMs: 400 }), {}, context);
    clearInterval(timer);
    expect(r.error?.type).toBe('timeout');
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a dripping body that declared its length', async () => {
    let timer: NodeJS.Timeout | undefined;
    routes['/drip-length'] = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100_000 });
      timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    };
    const r = await exec.execute(get('/drip-length', { timeoutMs: 300 }), {}, context);
    clearInterval(timer);
    expect(r.error?.type).toBe('timeout');
  });

  it('a 2 MiB body is too_large (streamed, no content-length)', async () => {
    routes['/big'] = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 2 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    };
    const r = await exec.execute(get('/big'), {}, context);
    expect(r.error?.type).toBe('too_large');
  });

  it('a content-length over the cap is too_large before reading', async () => {
    routes['/declared'] = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 * 1024 * 1024 });
      res.write('{');
      res.on('error', () => undefined);
    };
    const r = await exec.execute(get('/declared'), {}, context);
    expect(r.error?.type).toBe('too_large');
  });

  it('the caller can cancel a call', async () => {
    routes['/hang'] = () => undefined;
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 50);
    const r = await exec.execute(get('/hang'), {}, context, { signal: ctrl.signal });
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/cancelled/);
  });
});

describe('redirects', () => {
  it('follows same-origin redirects, keeping the credential', async () => {
    routes['/r1'] = (res) => {
      res.writeHead(302, { location: '/r2' });
      res.end();
    };
    routes['/r2'] = (res) => {
      res.writeHead(307, { location: `${api.base}/r3` });
      res.end();
    };
    routes['/r3'] = (res) => json(res, 200, { arrived: true });
    const r = await exec.execute(get('/r1', { auth: { type: 'bearer', token: 'same-origin-token' } }), {}, context);
    expect(r.ok).toBe(true);
    expect(r.response?.body).toEqual({ arrived: true });
    expect(api.seen.map((s) => s.url)).toEqual(['/r1', '/r2', '/r3']);
    expect(api.seen.every((s) => s.headers.authorization === 'Bearer same-origin-token')).toBe(true);
  });

  it('stops after 3 redirects', async () => {
    routes['/loop'] = (res, n) => {
      res.writeHead(301, { location: `/loop?n=${n}` });
      res.end();
    };
    const r = await exec.execute(get('/loop'), {}, context);
    expect(r.error?.type).toBe('invalid_response');
    expect(r.error?.message).toMatch(/more than 3 redirects/);
    expect(hits.get('/loop')).toBe(4);
  });

  it('does not follow a redirect to another origin; the credential never reaches it', async () => {
    const other = await standIn((req, res) => json(res, 200, { stolen: req.headers.authorization ?? null }));
    try {
      routes['/away'] = (res) => {
        res.writeHead(302, { location: `${other.base}/collect` });
        res.end();
      };
      const r = await exec.execute(get('/away', { auth: { type: 'bearer', token: 'never-leaves-origin' } }), {}, context);
      expect(r.ok).toBe(false);
      expect(r.status).toBe(302);
      expect(r.error).toEqual({ type: 'invalid_response', message: 'redirect to another origin not followed' });
      expect(other.seen).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('a 303 after a POST continues as a GET without the body', async () => {
    routes['/create'] = (res) => {
      res.writeHead(303, { location: '/created' });
      res.end();
    };
    routes['/created'] = (res) => json(res, 200, { id: 1 });
    const r = await exec.execute(get('/create', { method: 'POST', body: '{"a": 1}' }), {}, context);
    expect(r.ok).toBe(true);
    expect(api.seen[1]).toMatchObject({ method: 'GET', body: '' });
    expect(api.seen[1]!.headers['content-type']).toBeUndefined();
  });
});

describe('retries', () => {
  it('GET on 503 is tried 3 times', async () => {
    routes['/busy'] = (res) => json(res, 503, { busy: true });
    const r = await exec.execute(get('/busy'), {}, context);
    expect(hits.get('/busy')).toBe(3);
    expect(r.attempts).toBe(3);
    expect(r.error?.type).toBe('http_5xx');
    expect(r.status).toBe(503);
  });

  it('POST on 503 is tried once', async () => {
    routes['/busy'] = (res) => json(res, 503, { busy: true });
    const r = await exec.execute(get('/busy', { method: 'POST', body: '{}' }), {}, context);
    expect(hits.get('/busy')).toBe(1);
    expect(r.attempts).toBe(1);
  });

  it('PATCH on 502 is tried once', async () => {
    routes['/gw'] = (res) => json(res, 502, {});
    await exec.execute(get('/gw', { method: 'PATCH', body: '{}' }), {}, context);
    expect(hits.get('/gw')).toBe(1);
  });

  it('PUT recovers when the second try succeeds', async () => {
    routes['/flaky'] = (res, n) => (n === 1 ? json(res, 504, {}) : json(res, 200, { done: true }));
    const r = await exec.execute(get('/flaky', { method: 'PUT', body: '{}' }), {}, context);
    expect(r).toMatchObject({ ok: true, attempts: 2, status: 200 });
  });

  it('GET is retried on a reset connection', async () => {
    routes['/reset'] = (res, n) => (n < 3 ? res.socket?.destroy() : json(res, 200, { ok: 1 }));
    const r = await exec.execute(get('/reset'), {}, context);
    expect(r).toMatchObject({ ok: true, attempts: 3 });
  });

  it('a refused connection is retried for GET, not for POST', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/x`;
    const g = await exec.execute(action({ url }), {}, context);
    expect(g.error?.type).toBe('network');
    expect(g.error?.message).toMatch(/ECONNREFUSED/);
    expect(g.attempts).toBe(3);
    const p = await exec.execute(action({ url, method: 'POST' }), {}, context);
    expect(p.attempts).toBe(1);
  });

  it('backs off between tries (base, then 3x base)', async () => {
    const slow = new ActionExecutor({ allowedPrivateHosts: ['127.0.0.1'], retryBaseMs: 100 });
    try {
      routes['/busy'] = (res) => json(res, 503, {});
      const started = Date.now();
      await slow.execute(get('/busy'), {}, context);
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    } finally {
      await slow.close();
    }
  });
});

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
