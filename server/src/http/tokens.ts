import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new tenant admin token; shown once, only its hash is stored. */
export function newAdminToken(): string {
  return 'hat_' + randomBytes(32).toString('base64url');
}

/** A new scoped token (`hst_` sidebar, `hmt_` MCP); shown once, only its hash is stored. */
export function newScopedToken(scope: 'sidebar' | 'mcp'): string {
  return (scope === 'sidebar' ? 'hst_' : 'hmt_') + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time string comparison (hashing first makes the lengths equal). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}
