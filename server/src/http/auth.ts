import type { RequestHandler } from 'express';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { Store, Tenant, TokenScope } from '../store';
import { bearer, hashToken } from './tokens';

/** How long a resolved admin token is trusted without asking the store again. */
const ADMIN_CACHE_MS = 10_000;
const ADMIN_CACHE_MAX = 1000;

/**
 * Resolves the tenant of a request from its bearer token; 401 otherwise. The tenant admin
 * token opens every route; a scoped token (sidebar, mcp) only the routes mounted with its
 * scope, and is refused (403) elsewhere. Only the token's hash is looked up; admin tokens
 * are remembered for a few seconds (a lookup per request showed in the profile).
 */
export function tenantAuth(store: Store, opts: { scopes?: readonly TokenScope[] } = {}): RequestHandler {
  const authenticate = authenticator(store, opts);
  return async (req, _res, next) => {
    const who = await authenticate(req.headers.authorization);
    req.tenant = who.tenant;
    req.actor = who.actor;
    next();
  };
}

/** Who sent a request: the tenant, and the actor named in the audit log. */
export interface Caller {
  tenant: Tenant;
  actor: string;
}

/** {@link tenantAuth}'s check on its own (the fast paths use it): the caller, or a 401/403 thrown. */
export function authenticator(store: Store, opts: { scopes?: readonly TokenScope[] } = {}): (authorization: string | undefined) => Promise<Caller> {
  const cache = new Map<string, { tenant: Tenant; until: number }>();
  return async (authorization) => {
    const token = bearer(authorization);
    if (!token) throw new UnauthorizedError('missing bearer token');
    const hash = hashToken(token);
    const now = Date.now();
    const hit = cache.get(hash);
    const tenant = hit && hit.until > now ? hit.tenant : await store.tenantByTokenHash(hash);
    if (tenant) {
      if (!hit || hit.until <= now) {
        if (cache.size >= ADMIN_CACHE_MAX) cache.delete(cache.keys().next().value!);
        cache.set(hash, { tenant, until: now + ADMIN_CACHE_MS });
      }
      return { tenant, actor: `admin-token:${hash.slice(0, 8)}` };
    }
    const scoped = await store.tokenByHash(hash);
    if (!scoped) throw new UnauthorizedError('invalid or revoked token');
    if (!opts.scopes?.includes(scoped.token.scope)) throw new ForbiddenError(`this is a ${scoped.token.scope} token: it opens only the ${scoped.token.scope} routes`);
    return { tenant: scoped.tenant, actor: `${scoped.token.scope}-token:${scoped.token.name}` };
  };
}
