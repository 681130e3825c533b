import http from 'node:http';
import { ActionExecutor, type ExecResult } from '../../server/src/actions';
import type { Auth } from '../../shared/action';
import { action, context, json, standIn, type StandIn } from './helpers';

const SECRET = 'sk_live_9f8e7d6c5b4a3921';
const PASSWORD = 'pw-Very$ecret/+=42';

/** Every auth type, with a secret that must never show in a result. */
const auths: [string, Auth, string[]][] = [
  ['bearer', { type: 'bearer', token: SECRET }, [SECRET]],
  ['basic', { type: 'basic', username: 'ops', password: PASSWORD }, [PASSWORD, Buffer.from(`ops:${PASSWORD}`).toString('base64')]],
  ['header', { type: 'header', name: 'X-Api-Key', value: SECRET }, [SECRET]],
  ['header (name not credential-like)', { type: 'header', name: 'X-Tenant', value: SECRET }, [SECRET]],
  ['body', { type: 'body', name: 'api_key', value: SECRET }, [SECRET]],
];

let api: StandIn;
let other: StandIn;
let exec: ActionExecutor;

/** The stand-in echoes the request back, as debugging endpoints do: the worst case for leaks. */
function echo(status: number) {
  return (req: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }, res: http.ServerResponse) =>
    json(res, status, { got: { headers: req.headers, body: req.body, url: req.url } }, { 'set-cookie': `session=${SECRET}`, 'x-echo-key': SECRET });
}

beforeAll(async () => {
  other = await standIn(echo(200));
  api = await standIn((req, res) => {
    if (req.url.startsWith('/ok')) return echo(200)(req, res);
    if (req.url.startsWith('/denied')) return echo(401)(req, res);
    if (req.url.startsWith('/text')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(`you sent ${req.headers.authorization ?? ''} ${req.body}`);
    }
    if (req.url.startsWith('/away')) {
      res.writeHead(302, { location: `${other.base}/x` });
      return void res.end();
    }
    if (req.url.startsWith('/bad')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(`{"broken": "${SECRET}`);
    }
    // /hang: never answers.
  });
  exec = new ActionExecutor({ allowedPrivateHosts: ['127.0.0.1'], retryBaseMs: 1 });
});
afterAll(async () => {
  await exec.close();
  await api.close();
  await other.close();
});

function expectNoSecret(r: ExecResult, secrets: string[]): void {
  const text = JSON.stringify(r);
  for (const s of secrets) {
    expect(text).not.toContain(s);
    expect(text).not.toContain(JSON.stringify(s).slice(1, -1));
    expect(text).not.toContain(encodeURIComponent(s));
  }
}

describe.each(auths)('%s auth: the secret is in no result', (_name, auth, secrets) => {
  const ep = (path: string, extra: Record<string, unknown> = {}) =>
    action({ method: 'POST', url: `${api.base}${path}`, body: '{"q": "{{q}}"}', auth, variables: [{ name: 'q', type: 'string', description: 'q' }], ...extra });

  it('success with an API that echoes the request', async () => {
    const r = await exec.execute(ep('/ok'), { q: 'hello' }, context);
    expect(r.ok).toBe(true);
    // The API really got the secret...
    expect(JSON.stringify(api.seen.at(-1))).toContain(auth.type === 'basic' ? secrets[1]! : SECRET);
    // ...and the result shows only masks.
    expectNoSecret(r, secrets);
    expect(JSON.stringify(r.request)).toContain('••••');
  });

  it('4xx, text answers, malformed JSON', async () => {
    for (const path of ['/denied', '/text', '/bad']) expectNoSecret(await exec.execute(ep(path), { q: 'x' }, context), secrets);
  });

  it('the model passing the secret as a variable value, and a secret in the URL', async () => {
    const r = await exec.execute(ep('/ok/{{q}}', { query: [{ key: 'k', value: '{{q}}' }] }), { q: secrets[0] }, context);
    expectNoSecret(r, secrets);
  });

  it('missing variables, blocked, timeout and cross-origin redirects', async () => {
    expectNoSecret(await exec.execute(ep('/ok'), {}, context), secrets);
    expectNoSecret(await exec.execute(action({ url: 'https://10.0.0.1/', auth }), {}, context), secrets);
    expectNoSecret(await exec.execute(ep('/hang', { timeoutMs: 150 }), { q: 'x' }, context), secrets);
    const away = await exec.execute(ep('/away'), { q: 'x' }, context);
    expect(away.error?.message).toBe('redirect to another origin not followed');
    expectNoSecret(away, secrets);
  });
});

describe('an endpoint edited in place', () => {
  it('sends and masks the new secret, and the new URL', async () => {
    const ep = action({ url: `${api.base}/ok/a`, auth: { type: 'bearer', token: 'first-token-value-1' } });
    await exec.execute(ep, {}, context);
    (ep.auth as { token: string }).token = 'second-token-value-2';
    ep.url = `${api.base}/ok/b`;
    const r = await exec.execute(ep, {}, context);
    expect(api.seen.at(-1)!.url).toBe('/ok/b');
    expect(api.seen.at(-1)!.headers.authorization).toBe('Bearer second-token-value-2');
    expect(JSON.stringify(r)).not.toContain('second-token-value-2');
    expect(r.request.headers.Authorization).toBe('••••ue-2');
  });
});

describe('masking in echoes', () => {
  it('masks credential headers the admin typed, and cookies in the answer', async () => {
    const ep = action({ url: `${api.base}/ok`, headers: [{ key: 'X-Session-Token', value: 'typed-secret-value' }, { key: 'Accept-Language', value: 'fr' }] });
    const r = await exec.execute(ep, {}, context);
    expect(r.request.headers['X-Session-Token']).toBe('••••alue');
    expect(r.request.headers['Accept-Language']).toBe('fr');
    expect(r.response?.headers['set-cookie']).toMatch(/^••••/);
  });
});
