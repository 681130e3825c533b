import { Router, type RequestHandler } from 'express';
import { NotFoundError } from '../../errors';
import { actorOf, tenantOf, type AppContext } from '../context';

/** Tenant ids are UUIDs: anything else is not looked up. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `GET /identity/:tenantId/jwks.json` (no auth): the public keys a customer's API verifies
 * identity assertions with. Public by design: it holds public keys only.
 */
export function jwksRoute(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const tenantId = String(req.params.tenantId);
    if (!UUID.test(tenantId) || !(await ctx.store.getTenant(tenantId))) throw new NotFoundError('tenant');
    const jwks = await ctx.credentials.identity.jwks(tenantId);
    // Verifiers cache it; a rotation keeps the previous key listed for a day, well past this.
    res.set('Cache-Control', 'public, max-age=300').json(jwks);
  };
}

/** `POST /v1/identity/rotate` (admin): a new signing key; the previous one stays listed for a day. */
export function identityRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post('/rotate', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const { kid } = await ctx.credentials.identity.rotate(tenantId, actorOf(req));
    res.json({ kid, jwks: await ctx.credentials.identity.jwks(tenantId) });
  });
  /** What a customer's API needs to verify the assertions: the JWKS URL, the issuer, the keys. */
  r.get('/', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const base = `${ctx.config.publicUrl}/identity/${tenantId}`;
    res.json({ issuer: base, jwksUrl: `${base}/jwks.json`, algorithm: 'ES256', ...(await ctx.credentials.identity.jwks(tenantId)) });
  });
  return r;
}
