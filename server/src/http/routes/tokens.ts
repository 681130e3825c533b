import { Router } from 'express';
import { CreateToken } from '../../../../shared/api/responses';
import { maskSecret } from '../../secrets';
import { NotFoundError } from '../../errors';
import { tenantOf, type AppContext } from '../context';
import { hashToken, newScopedToken } from '../tokens';
import { parseInput } from '../validate';

/** Scoped tokens: created (shown once), listed masked, revoked. */
export function tokenRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/', async (req, res) => {
    const list = await ctx.store.listTokens(tenantOf(req).id);
    res.json({ tokens: list.map((t) => ({ id: t.id, name: t.name, scope: t.scope, token: maskSecret('x'.repeat(8) + t.hint), createdAt: t.createdAt, lastUsedAt: t.lastUsedAt })) });
  });
  r.post('/', async (req, res) => {
    const body = parseInput(CreateToken, req.body);
    const token = newScopedToken(body.scope);
    const t = await ctx.store.createToken(tenantOf(req).id, { name: body.name, scope: body.scope, tokenHash: hashToken(token), hint: token.slice(-4) });
    res.status(201).json({ id: t.id, name: t.name, scope: t.scope, token, createdAt: t.createdAt });
  });
  r.delete('/:id', async (req, res) => {
    if (!(await ctx.store.deleteToken(tenantOf(req).id, String(req.params.id)))) throw new NotFoundError('token');
    res.status(204).end();
  });
  return r;
}
