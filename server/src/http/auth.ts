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
  const cache = new Map<string, { tenant: Tenant; until: number }>();
  return async (req, _res, next) => {
    const token = bearer(req.headers.authorization);
    if (!token) throw new UnauthorizedError('missing bearer token');
    const hash = hashToken(token);
    const now = Date.now();
    const hit = cache.get(hash);
    let tenant = hit && hit.until > now ? hit.tenant : await store.tenantByTokenHash(hash);
    if (tenant) {
      if (!hit || hit.until <= now) {
        if (cache.size >= ADMIN_CACHE_MAX) cache.delete(cache.keys().next().value!);
        cache.set(hash, { tenant, until: now + ADMIN_CACHE_MS });
      }
      req.tenant = tenant;
      req.actor = `admin-token:${hash.slice(0, 8)}`;
      return next();
    }
    const scoped = await store.tokenByHash(hash);
    if (!scoped) throw new UnauthorizedError('invalid or revoked token');
    if (!opts.scopes?.includes(scoped.token.scope)) throw new ForbiddenError(`this is a ${scoped.token.scope} token: it opens only the ${scoped.token.scope} routes`);
    tenant = scoped.tenant;
    req.tenant = tenant;
    req.actor = `${scoped.token.scope}-token:${scoped.token.name}`;
    next();
  };
}
