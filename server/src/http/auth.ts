import type { RequestHandler } from 'express';
import { UnauthorizedError } from '../errors';
import type { Store } from '../store';
import { bearer, hashToken } from './tokens';

/** Resolves the tenant from its admin token; 401 otherwise. Only the token's hash is looked up. */
export function tenantAuth(store: Store): RequestHandler {
  return async (req, _res, next) => {
    const token = bearer(req.headers.authorization);
    if (!token) throw new UnauthorizedError('missing bearer token');
    const tenant = await store.tenantByTokenHash(hashToken(token));
    if (!tenant) throw new UnauthorizedError('invalid token');
    req.tenant = tenant;
    req.actor = `admin-token:${hashToken(token).slice(0, 8)}`;
    next();
  };
}
