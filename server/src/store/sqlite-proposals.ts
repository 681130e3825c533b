import { randomUUID } from 'node:crypto';
import type { ProposalStatus, ProposalsPort, ScopedToken, StoredProposal, TokenScope, TokensPort } from './port';
import { TOKEN_TOUCH_MS } from './port-proposals';
import { unique, type SqliteCtx } from './sqlite-context';
import type { Row } from './sqlite-schema';

/**
 * Proposals and scoped tokens on SQLite. A proposal's mutable parts (status, options, result,
 * updatedAt) are columns; the rest is a JSON document written once.
 */
export function sqliteProposals(ctx: SqliteCtx): ProposalsPort & TokensPort {
  const { q } = ctx;
  return {
    async createProposal(p) {
      const { status, options, result, updatedAt, ...fixed } = p;
      unique(`a proposal with id ${p.id} exists already`, () =>
        q(
          `INSERT INTO proposals (id, tenant_id, conversation_id, status, option_confirm, option_decline, result, doc, updated_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(p.id, p.tenantId, p.conversationId, status, options?.confirm ?? null, options?.decline ?? null, result ? JSON.stringify(result) : null, JSON.stringify(fixed), updatedAt, p.expiresAt),
      );
    },
    async getProposal(tenantId, id) {
      return proposal(q('SELECT * FROM proposals WHERE tenant_id = ? AND id = ?').get(tenantId, id) as Row | undefined);
    },
    async listProposals(tenantId, conversationId) {
      const rows = q('SELECT * FROM proposals WHERE tenant_id = ? AND conversation_id = ? ORDER BY seq').all(tenantId, conversationId) as Row[];
      return rows.map((r) => proposal(r)!);
    },
    async transitionProposal(tenantId, id, from, to, patch = {}) {
      if (from.length === 0) return null;
      // One statement: the status check and the write cannot be separated by another writer.
      const r = q(
        `UPDATE proposals SET status = @to, updated_at = @now,
           result = COALESCE(@result, result), option_confirm = COALESCE(@confirm, option_confirm), option_decline = COALESCE(@decline, option_decline)
         WHERE tenant_id = @tenantId AND id = @id AND status IN (SELECT value FROM json_each(@from)) RETURNING *`,
      ).get({
        to,
        now: new Date().toISOString(),
        result: patch.result ? JSON.stringify(patch.result) : null,
        confirm: patch.options?.confirm ?? null,
        decline: patch.options?.decline ?? null,
        tenantId,
        id,
        from: JSON.stringify(from),
      }) as Row | undefined;
      return proposal(r);
    },
    async proposalByOption(tenantId, uuid) {
      const r = q(
        `SELECT * FROM proposals WHERE tenant_id = @t AND option_confirm = @u
         UNION ALL SELECT * FROM proposals WHERE tenant_id = @t AND option_decline = @u LIMIT 1`,
      ).get({ t: tenantId, u: uuid }) as Row | undefined;
      return proposal(r);
    },

    // ---- scoped tokens
    async createToken(tenantId, t) {
      const token: ScopedToken = { id: randomUUID(), tenantId, name: t.name, scope: t.scope, hint: t.hint, createdAt: new Date().toISOString(), lastUsedAt: null };
      unique('this token exists already', () =>
        q('INSERT INTO tokens (id, tenant_id, name, scope, token_hash, hint, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          token.id,
          tenantId,
          t.name,
          t.scope,
          t.tokenHash,
          t.hint,
          token.createdAt,
        ),
      );
      return token;
    },
    async listTokens(tenantId) {
      return (q('SELECT * FROM tokens WHERE tenant_id = ? ORDER BY seq').all(tenantId) as Row[]).map(scopedToken);
    },
    async deleteToken(tenantId, id) {
      return q('DELETE FROM tokens WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes === 1;
    },
    async tokenByHash(tokenHash) {
      const now = new Date();
      q('UPDATE tokens SET last_used_at = ? WHERE token_hash = ? AND (last_used_at IS NULL OR last_used_at < ?)').run(
        now.toISOString(),
        tokenHash,
        new Date(now.getTime() - TOKEN_TOUCH_MS).toISOString(),
      );
      const r = q(
        `SELECT k.*, t.name AS tenant_name, t.created_at AS tenant_created_at FROM tokens k JOIN tenants t ON t.id = k.tenant_id WHERE k.token_hash = ?`,
      ).get(tokenHash) as Row | undefined;
      if (!r) return null;
      return { token: scopedToken(r), tenant: { id: r.tenant_id as string, name: r.tenant_name as string, createdAt: r.tenant_created_at as string } };
    },
  };
}

function proposal(r: Row | undefined): StoredProposal | null {
  if (!r) return null;
  const fixed = JSON.parse(r.doc as string) as Omit<StoredProposal, 'status' | 'options' | 'result' | 'updatedAt'>;
  const p: StoredProposal = { ...fixed, status: r.status as ProposalStatus, updatedAt: r.updated_at as string };
  if (r.option_confirm !== null) p.options = { confirm: r.option_confirm as string, decline: r.option_decline as string };
  if (r.result !== null) p.result = JSON.parse(r.result as string) as StoredProposal['result'];
  return p;
}

function scopedToken(r: Row): ScopedToken {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    name: r.name as string,
    scope: r.scope as TokenScope,
    hint: r.hint as string,
    createdAt: r.created_at as string,
    lastUsedAt: (r.last_used_at as string | null) ?? null,
  };
}
