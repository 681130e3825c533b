import { Router } from 'express';
import { z } from 'zod';
import { AppError, UnauthorizedError } from '../../errors';
import type { AppContext } from '../context';
import { bearer, hashToken, newAdminToken, safeEqual } from '../tokens';
import { parseInput } from '../validate';

const NewTenant = z.strictObject({ name: z.string().trim().min(1).max(100).describe('Tenant (workspace) name') });

/** `POST /v1/tenants`: operator only; the admin token is returned once and only its hash kept. */
export function tenantRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post('/', async (req, res) => {
    const operator = ctx.config.OPERATOR_TOKEN;
    if (!operator) throw new AppError('disabled', 'tenant creation is off: set OPERATOR_TOKEN', 403);
    const token = bearer(req.headers.authorization);
    if (!token || !safeEqual(token, operator)) throw new UnauthorizedError('invalid operator token');
    const { name } = parseInput(NewTenant, req.body);
    const adminToken = newAdminToken();
    const t = await ctx.store.createTenant(name, hashToken(adminToken));
    ctx.log.info({ tenantId: t.id, name }, 'tenant created');
    res.status(201).json({ id: t.id, name: t.name, adminToken });
  });
  return r;
}
