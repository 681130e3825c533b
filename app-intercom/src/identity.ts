/**
 * Server-side identity helpers for the Intercom Messenger (Node only: the secrets they use
 * must never reach the browser).
 *
 * Two ways Intercom accepts a verified user:
 * - Identity Verification: `user_hash` = hex HMAC-SHA256 of the `user_id` keyed with the
 *   workspace's identity verification secret.
 * - Messenger security with JWT: `intercom_user_jwt` = an HS256 JWT signed with the Messenger
 *   API secret; its payload carries `user_id` (required: Intercom rejects tokens without it),
 *   optional user attributes such as `email` and `name`, and `exp` to bound a stolen token's life.
 */
import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';

/** The user the Messenger should be booted for, as the site's own session knows them. */
export interface MessengerUser {
  userId: string;
  email?: string;
  name?: string;
}

/** Options for {@link signMessengerJwt}. */
export interface MessengerJwtOptions {
  /** Lifetime: seconds (number) or a jose time span such as `'1h'`. Default `'1h'`. */
  expiresIn?: number | string;
}

/** What the site's backend sends the browser so it can boot the Messenger for a signed-in user. */
export interface MessengerIdentity {
  user_id: string;
  email?: string;
  name?: string;
  user_hash?: string;
  intercom_user_jwt?: string;
}

/**
 * Hex HMAC-SHA256 of `userId` keyed with the identity verification secret: the Messenger's
 * `user_hash`. Lowercase hex, which both the web Messenger and the mobile SDKs accept.
 */
export function userHash(userId: string, secret: string): string {
  if (!secret) throw new Error('userHash: the identity verification secret is empty');
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/**
 * Signs the Messenger JWT (`intercom_user_jwt`): HS256, payload `{user_id, email?, name?}`,
 * `iat` and `exp`.
 */
export async function signMessengerJwt(
  user: MessengerUser,
  secret: string,
  opts: MessengerJwtOptions = {},
): Promise<string> {
  if (!secret) throw new Error('signMessengerJwt: the Messenger API secret is empty');
  if (!user.userId) throw new Error('signMessengerJwt: user_id is required by Intercom');
  const payload: Record<string, string> = { user_id: user.userId };
  if (user.email) payload.email = user.email;
  if (user.name) payload.name = user.name;
  const now = Math.floor(Date.now() / 1000);
  // jose reads a number as an absolute timestamp, so relative seconds become "now + n".
  const exp = typeof opts.expiresIn === 'number' ? now + opts.expiresIn : (opts.expiresIn ?? '1h');
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

/** Which secret the site has: the classic identity verification one, or the JWT one. */
export type IdentitySecret = { kind: 'hmac'; secret: string } | { kind: 'jwt'; secret: string; expiresIn?: number | string };

/**
 * The identity JSON for a signed-in user, with `user_hash` or `intercom_user_jwt` according
 * to the secret the site is configured with.
 */
export async function messengerIdentity(user: MessengerUser, secret: IdentitySecret): Promise<MessengerIdentity> {
  const base: MessengerIdentity = { user_id: user.userId };
  if (user.email) base.email = user.email;
  if (user.name) base.name = user.name;
  if (secret.kind === 'hmac') return { ...base, user_hash: userHash(user.userId, secret.secret) };
  const jwt = await signMessengerJwt(user, secret.secret, { expiresIn: secret.expiresIn });
  return { ...base, intercom_user_jwt: jwt };
}
