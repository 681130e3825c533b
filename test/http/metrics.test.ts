import { loadConfig } from '../../server/src/config';
import { startTestServer, type TestServer } from '../support/server';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

async function metrics(base: string, authorization?: string) {
  const res = await fetch(`${base}/metrics`, { headers: authorization ? { authorization } : {} });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

describe('/metrics with METRICS_TOKEN', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({ METRICS_TOKEN });
  });
  afterAll(() => ts.close());

  test('refuses a request without a token or with a wrong one, in JSON, without the metrics', async () => {
    for (const auth of [undefined, 'Bearer wrong-token', `Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(0, -1)}`, `Basic ${METRICS_TOKEN}`, ts.token]) {
      const r = await metrics(ts.url, auth);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.text)).toMatchObject({ error: { code: 'unauthorized' } });
      expect(r.text).not.toContain('http_requests');
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    }
    // A tenant admin token is not a metrics token either.
    expect((await metrics(ts.url, `Bearer ${ts.token}`)).status).toBe(401);
  });

  test('answers with the right token', async () => {
    const r = await metrics(ts.url, `Bearer ${METRICS_TOKEN}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    expect(r.text).toContain('# TYPE');
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  test('stays open as before', async () => {
    const ts = await startTestServer();
    try {
      const r = await metrics(ts.url);
      expect(r.status).toBe(200);
      expect(r.text).toContain('# TYPE');
    } finally {
      await ts.close();
    }
  });

  test('a too short METRICS_TOKEN stops the server at start', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
    expect(loadConfig({ METRICS_TOKEN: '' }).METRICS_TOKEN).toBeUndefined();
  });
});
