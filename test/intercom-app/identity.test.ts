import { createHmac } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { messengerIdentity, signMessengerJwt, userHash } from '../../app-intercom/src';

const key = (s: string) => new TextEncoder().encode(s);

describe('userHash', () => {
  test("matches Intercom's documented HMAC-SHA256 sample (identity-verification-code-samples)", () => {
    // github.com/intercom/identity-verification-code-samples: HMAC-SHA256("Message", "secret").
    expect(userHash('Message', 'secret')).toBe('aa747c502a898200f9e4fa21bac68136f886a0e27aec70ba06daf2e2a5cb5597');
  });

  test('matches RFC 4231 test case 2 (HMAC-SHA256)', () => {
    expect(userHash('what do ya want for nothing?', 'Jefe'))
      .toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  test('is the lowercase hex HMAC-SHA256 of the user id keyed with the secret', () => {
    const expected = createHmac('sha256', 'abc').update('12345').digest('hex');
    expect(userHash('12345', 'abc')).toBe(expected);
    expect(userHash('12345', 'abc')).toMatch(/^[0-9a-f]{64}$/);
    expect(userHash('12345', 'abd')).not.toBe(expected);
  });

  test('refuses an empty secret instead of hashing with it', () => {
    expect(() => userHash('12345', '')).toThrow(/secret/);
  });
});

describe('signMessengerJwt', () => {
  const secret = 'messenger-api-secret-0123456789abcdef';

  test('signs an HS256 JWT with user_id, email, name, iat and a 1h exp by default', async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await signMessengerJwt({ userId: 'u_42', email: 'ada@example.com', name: 'Ada' }, secret);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'] });
    expect(payload).toMatchObject({ user_id: 'u_42', email: 'ada@example.com', name: 'Ada' });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    // A span is counted from jose's own clock reading, which may be one second past iat.
    expect(payload.exp! - payload.iat!).toBeGreaterThanOrEqual(3600);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(3601);
  });

  test('leaves out absent attributes and takes expiresIn in seconds or as a span', async () => {
    const t1 = await signMessengerJwt({ userId: 'u_7' }, secret, { expiresIn: 120 });
    const p1 = (await jwtVerify(t1, key(secret))).payload;
    expect(Object.keys(p1).sort()).toEqual(['exp', 'iat', 'user_id']);
    expect(p1.exp! - p1.iat!).toBe(120);
    const p2 = (await jwtVerify(await signMessengerJwt({ userId: 'u_7' }, secret, { expiresIn: '2h' }), key(secret))).payload;
    expect(p2.exp! - p2.iat!).toBeGreaterThanOrEqual(7200);
    expect(p2.exp! - p2.iat!).toBeLessThanOrEqual(7201);
  });

  test('fails verification with a wrong secret', async () => {
    const token = await signMessengerJwt({ userId: 'u_42' }, secret);
    await expect(jwtVerify(token, key('not-the-secret'))).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  test('an expired token fails verification', async () => {
    const token = await signMessengerJwt({ userId: 'u_42' }, secret, { expiresIn: -5 });
    await expect(jwtVerify(token, key(secret))).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  test('refuses a missing user id or secret', async () => {
    await expect(signMessengerJwt({ userId: '' }, secret)).rejects.toThrow(/user_id/);
    await expect(signMessengerJwt({ userId: 'u_1' }, '')).rejects.toThrow(/secret/);
  });
});

describe('messengerIdentity', () => {
  const user = { userId: '12345', email: 'ada@example.com', name: 'Ada' };

  test('with the identity verification secret: user fields plus user_hash', async () => {
    expect(await messengerIdentity(user, { kind: 'hmac', secret: 'abc' })).toEqual({
      user_id: '12345', email: 'ada@example.com', name: 'Ada',
      user_hash: createHmac('sha256', 'abc').update('12345').digest('hex'),
    });
  });

  test('with the JWT secret: user fields plus a verifiable intercom_user_jwt, no user_hash', async () => {
    const id = await messengerIdentity(user, { kind: 'jwt', secret: 'jwt-secret', expiresIn: 60 });
    expect(id.user_hash).toBeUndefined();
    const { payload } = await jwtVerify(id.intercom_user_jwt!, key('jwt-secret'));
    expect(payload).toMatchObject({ user_id: '12345', email: 'ada@example.com' });
  });
});
