import { errors as joseErrors, jwtVerify } from 'jose';
import { McpUserClaims, MIN_JWT_SECRET_LENGTH } from '../../../../shared/mcp';
import type { Customer } from '../../../../shared/conversation';
import type { Logger } from '../../logger';
import type { Store, Tenant } from '../../store';
import { bearer, hashToken } from '../tokens';

/** Who calls the MCP endpoint: an MCP token (an unverified customer) or one end user of the tenant (user JWT). */
export interface McpIdentity {
  tenant: Tenant;
  /** Stable key of the caller, the root of their conversations: `token:<id>` or `user:<sub>`. */
  key: string;
  customer: Customer;
  /** Written on call records: `mcp-token:<name>` or `mcp-user:<sub>`. */
  actor: string;
}

/** Clock skew allowed on `exp`/`nbf` of a user JWT. */
const CLOCK_TOLERANCE_S = 30;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The caller of `/mcp/:tenantId`, or null for a missing, bad, expired, revoked or other
 * tenant's credential (the route answers every one of them with the same 401).
 */
export async function identify(store: Store, log: Logger, tenantId: string, authorization: string | undefined): Promise<McpIdentity | null> {
  const token = bearer(authorization);
  if (!token || token.length > 8192) return null;
  if (JWT_SHAPE.test(token)) return userJwt(store, log, tenantId, token);
  const scoped = await store.tokenByHash(hashToken(token));
  if (!scoped || scoped.token.scope !== 'mcp' || scoped.tenant.id !== tenantId) return null;
  return {
    tenant: scoped.tenant,
    key: `token:${scoped.token.id}`,
    customer: { verified: false, name: scoped.token.name },
    actor: `mcp-token:${scoped.token.name}`,
  };
}

async function userJwt(store: Store, log: Logger, tenantId: string, token: string): Promise<McpIdentity | null> {
  const [tenant, settings] = await Promise.all([store.getTenant(tenantId), store.getSettings(tenantId)]);
  // Settings saved before the MCP group existed have no `mcp`.
  const secret = settings?.mcp?.userJwtSecret ?? null;
  if (!tenant || !secret || secret.length < MIN_JWT_SECRET_LENGTH) return null;
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'], clockTolerance: CLOCK_TOLERANCE_S }));
  } catch (err) {
    if (!(err instanceof joseErrors.JOSEError)) throw err;
    log.debug({ tenantId, code: err.code }, 'user JWT refused');
    return null;
  }
  const claims = McpUserClaims.safeParse(payload);
  if (!claims.success) {
    log.debug({ tenantId }, 'user JWT refused: claims do not match');
    return null;
  }
  const c = claims.data;
  return {
    tenant,
    key: `user:${c.sub}`,
    customer: { id: c.sub, verified: c.verified, ...(c.email ? { email: c.email } : {}), ...(c.name ? { name: c.name } : {}) },
    actor: `mcp-user:${c.sub}`,
  };
}
