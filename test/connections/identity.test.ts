import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { api, startTestServer, type TestServer } from '../support/server';
import { createConnectedAction, createConnection, customerApi, runAction, tenantIdOf, type StandIn } from './helpers';

/** Identity assertions: per-call ES256 JWTs a customer's API verifies against the served JWKS. */
describe('identity_jwt connections', () => {
  let t: TestServer;
  let orders: StandIn;
  let tenantId: string;
  let skew = 0;
  const contact = { id: 'user-42', email: 'ann@example.com' };

  beforeAll(async () => {
    orders = await customerApi();
    t = await startTestServer({}, { now: () => Date.now() + skew });
    tenantId = await tenantIdOf(t);
  });
  afterAll(async () => {
    await t.close();
    await orders.close();
  });

  const jwks = () => createRemoteJWKSet(new URL(`${t.url}/identity/${tenantId}/jwks.json`));
  const bearerOf = (i = -1) => orders.seen.at(i)!.headers.authorization!.replace(/^Bearer /, '');

  test("a verified customer's call carries a JWT the API verifies with jose against the JWKS: claims from the context, aud = the API origin", async () => {
    const c = await createConnection(t, { name: 'Identity orders', baseUrl: `${orders.base}/api`, auth: { type: 'identity_jwt' } });
    const a = await createConnectedAction(t, c.id, 'identity_lookup');
    // Only for verified customers, by construction.
    expect(a.audience).toBe('verified');
    const r = await runAction(t, a.id, { variables: { order_number: 'A-1' }, contact, verified: true });
    expect(r.body).toMatchObject({ ok: true, response: { status: 200 } });
    const jwt = bearerOf();
    expect(r.text).not.toContain(jwt);

    const { payload, protectedHeader } = await jwtVerify(jwt, jwks(), { audience: orders.base, issuer: `${t.server.config.publicUrl}/identity/${tenantId}`, algorithms: ['ES256'] });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'JWT' });
    expect(payload).toEqual({
      sub: 'user-42',
      email: 'ann@example.com',
      verified: true,
      tenant: tenantId,
      action: 'identity_lookup',
      aud: orders.base,
      iss: `${t.server.config.publicUrl}/identity/${tenantId}`,
      iat: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.any(String),
    });
    expect(payload.exp! - payload.iat!).toBe(60);
    // Another API (another origin) must refuse it.
    await expect(jwtVerify(jwt, jwks(), { audience: 'https://other.example.com' })).rejects.toThrow(/aud/);
    // Each call gets its own assertion.
    await runAction(t, a.id, { variables: { order_number: 'A-2' }, contact, verified: true });
    expect((await jwtVerify(bearerOf(), jwks(), { audience: orders.base })).payload.jti).not.toBe(payload.jti);
  });

  test('refused for an unverified customer (not_allowed); the API is never called', async () => {
    const c = await createConnection(t, { name: 'Identity refused', baseUrl: orders.base, auth: { type: 'identity_jwt' } });
    const a = await createConnectedAction(t, c.id, 'identity_refused');
    const calls = orders.seen.length;
    for (const body of [
      { variables: { order_number: 'A-1' }, contact, verified: false },
      { variables: { order_number: 'A-1' }, contact },
    ]) {
      const r = await runAction(t, a.id, body);
      expect(r.body).toMatchObject({ ok: false, error: { type: 'not_allowed', message: expect.stringContaining('identity-verified customers only') } });
    }
    // Verified but nobody to assert: also refused.
    const anonymous = await runAction(t, a.id, { variables: { order_number: 'A-1' }, verified: true });
    expect(anonymous.body.error).toMatchObject({ type: 'not_allowed' });
    expect(orders.seen.length).toBe(calls);
    const log = await api(t.url, t.token, 'GET', '/v1/calls?action=identity_refused');
    expect(log.body.calls.map((x: { errorType: string }) => x.errorType)).toEqual(['not_allowed', 'not_allowed', 'not_allowed']);
  });

  test('an action with its own identity_jwt auth (no connection) asserts for its own origin', async () => {
    const r = await api(t.url, t.token, 'POST', '/v1/actions/test', {
      action: { name: 'own_identity', description: 'Asserts the customer to its own API', method: 'GET', url: `${orders.base}/me`, auth: { type: 'identity_jwt' } },
      contact,
      verified: true,
    });
    expect(r.body.ok).toBe(true);
    const { payload } = await jwtVerify(bearerOf(), jwks(), { audience: orders.base });
    expect(payload).toMatchObject({ sub: 'user-42', action: 'own_identity' });
  });

  test('the JWKS is public, holds public keys only, and 404s for an unknown tenant', async () => {
    const r = await api(t.url, null, 'GET', `/identity/${tenantId}/jwks.json`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toMatch(/max-age/);
    expect(r.body.keys.length).toBeGreaterThanOrEqual(1);
    for (const k of r.body.keys) {
      expect(k).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' });
    }
    const info = await api(t.url, t.token, 'GET', '/v1/identity');
    expect(info.body).toEqual({
      issuer: `${t.server.config.publicUrl}/identity/${tenantId}`,
      jwksUrl: `${t.server.config.publicUrl}/identity/${tenantId}/jwks.json`,
      algorithm: 'ES256',
      keys: r.body.keys,
    });
    expect((await api(t.url, null, 'GET', '/identity/00000000-0000-4000-8000-000000000000/jwks.json')).status).toBe(404);
    expect((await api(t.url, null, 'GET', '/identity/not-a-tenant/jwks.json')).status).toBe(404);
  });

  test('rotation: new assertions use the new key; the previous key stays listed for a day, then is dropped', async () => {
    const c = await createConnection(t, { name: 'Identity rotation', baseUrl: orders.base, auth: { type: 'identity_jwt' } });
    const a = await createConnectedAction(t, c.id, 'identity_rotation');
    await runAction(t, a.id, { variables: { order_number: 'A-1' }, contact, verified: true });
    const before = bearerOf();
    const oldKid = decodeProtectedHeader(before).kid;

    expect((await api(t.url, null, 'POST', '/v1/identity/rotate')).status).toBe(401);
    const rot = await api(t.url, t.token, 'POST', '/v1/identity/rotate');
    expect(rot.status).toBe(200);
    expect(rot.body.kid).not.toBe(oldKid);
    expect(rot.body.jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([rot.body.kid, oldKid]);

    await runAction(t, a.id, { variables: { order_number: 'A-1' }, contact, verified: true });
    const after = bearerOf();
    expect(decodeProtectedHeader(after).kid).toBe(rot.body.kid);
    await jwtVerify(after, jwks(), { audience: orders.base });
    // An assertion signed just before the rotation still verifies (its key is listed).
    await jwtVerify(before, jwks(), { audience: orders.base });

    // A day later the old key is no longer listed; a second rotation forgets it in the store too.
    skew += 86_400_000 + 1000;
    const listed = (await api(t.url, null, 'GET', `/identity/${tenantId}/jwks.json`)).body.keys.map((k: { kid: string }) => k.kid);
    expect(listed).toEqual([rot.body.kid]);
    const again = await api(t.url, t.token, 'POST', '/v1/identity/rotate');
    expect(again.body.jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([again.body.kid, rot.body.kid]);
    expect((await t.server.store.identityKeys(tenantId)).map((k) => k.kid)).toEqual([rot.body.kid, again.body.kid]);
    const audit = await t.server.store.listAudit(tenantId, 3);
    expect(audit[0]).toMatchObject({ entity: 'identity_key', op: 'update', entityId: again.body.kid });
  });

  test('the private keys are sealed at rest and never logged', async () => {
    const keys = await t.server.store.identityKeys(tenantId);
    const fs = await import('node:fs');
    const files = fs
      .readdirSync(t.dataDir)
      .filter((f) => f.startsWith('store.sqlite'))
      .map((f) => fs.readFileSync(`${t.dataDir}/${f}`).toString('latin1'))
      .join('');
    const logs = t.logs.join('');
    for (const k of keys) {
      const d = String(k.privateJwk.d);
      expect(d.length).toBeGreaterThan(20);
      expect(files).not.toContain(d);
      expect(logs).not.toContain(d);
    }
  });
});
