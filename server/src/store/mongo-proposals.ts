import { randomUUID } from 'node:crypto';
import type { MongoCtx } from './mongo-context';
import type { ProposalDoc, TokenDoc } from './mongo-docs';
import { tenant } from './mongo-tenants';
import { conflict } from './mongo-util';
import type { ProposalStatus, ProposalsPort, ScopedToken, StoredProposal, TokenScope, TokensPort } from './port';
import { TOKEN_TOUCH_MS } from './port-proposals';

/** Proposals (compare-and-set on the status) and scoped tokens on MongoDB. */
export function mongoProposals(ctx: MongoCtx): ProposalsPort & TokensPort {
  const { m } = ctx;
  return {
    async createProposal(p) {
      const { status, options, result, updatedAt, ...fixed } = p;
      await conflict(`a proposal with id ${p.id} exists already`, () =>
        m.Proposal.insertOne({
          _id: p.id,
          tenantId: p.tenantId,
          conversationId: p.conversationId,
          status,
          optionIds: options ? [options.confirm, options.decline] : [],
          options: options ? JSON.stringify(options) : null,
          result: result ? JSON.stringify(result) : null,
          doc: JSON.stringify(fixed),
          updatedAt: new Date(updatedAt),
          expiresAt: new Date(p.expiresAt),
        }),
      );
    },
    async getProposal(tenantId, id) {
      return proposal(await m.Proposal.findOne({ _id: id, tenantId }).lean());
    },
    async listProposals(tenantId, conversationId) {
      const docs = await m.Proposal.find({ tenantId, conversationId }).sort({ order: 1 }).lean();
      return docs.map((d) => proposal(d)!);
    },
    async transitionProposal(tenantId, id, from, to, patch = {}) {
      if (from.length === 0) return null;
      const set: Record<string, unknown> = { status: to, updatedAt: new Date() };
      if (patch.result) set.result = JSON.stringify(patch.result);
      if (patch.options) (set.options = JSON.stringify(patch.options)), (set.optionIds = [patch.options.confirm, patch.options.decline]);
      // The status in the filter makes it a compare-and-set: of racing callers, one matches.
      const d = await m.Proposal.findOneAndUpdate({ _id: id, tenantId, status: { $in: from } }, { $set: set }, { returnDocument: 'after' }).lean();
      return proposal(d);
    },
    async proposalByOption(tenantId, uuid) {
      return proposal(await m.Proposal.findOne({ tenantId, optionIds: uuid }).lean());
    },

    // ---- scoped tokens
    async createToken(tenantId, t) {
      const token: ScopedToken = { id: randomUUID(), tenantId, name: t.name, scope: t.scope, hint: t.hint, createdAt: new Date().toISOString(), lastUsedAt: null };
      await conflict('this token exists already', () =>
        m.Token.insertOne({ _id: token.id, tenantId, name: t.name, scope: t.scope, tokenHash: t.tokenHash, hint: t.hint, createdAt: token.createdAt, lastUsedAt: null }),
      );
      return token;
    },
    async listTokens(tenantId) {
      return (await m.Token.find({ tenantId }).sort({ createdAt: 1, _id: 1 }).lean()).map(scopedToken);
    },
    async deleteToken(tenantId, id) {
      return (await m.Token.deleteOne({ _id: id, tenantId })).deletedCount === 1;
    },
    async tokenByHash(tokenHash) {
      const now = new Date();
      let d = await m.Token.findOneAndUpdate(
        { tokenHash, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: new Date(now.getTime() - TOKEN_TOUCH_MS).toISOString() } }] },
        { $set: { lastUsedAt: now.toISOString() } },
        { returnDocument: 'after' },
      ).lean();
      d ??= await m.Token.findOne({ tokenHash }).lean();
      if (!d) return null;
      const t = tenant(await m.Tenant.findOne({ _id: d.tenantId }).lean());
      return t ? { token: scopedToken(d), tenant: t } : null;
    },
  };
}

function proposal(d: ProposalDoc | null): StoredProposal | null {
  if (!d) return null;
  const fixed = JSON.parse(d.doc) as Omit<StoredProposal, 'status' | 'options' | 'result' | 'updatedAt'>;
  const p: StoredProposal = { ...fixed, status: d.status as ProposalStatus, updatedAt: d.updatedAt.toISOString() };
  if (d.options) p.options = JSON.parse(d.options) as StoredProposal['options'];
  if (d.result) p.result = JSON.parse(d.result) as StoredProposal['result'];
  return p;
}

function scopedToken(d: TokenDoc): ScopedToken {
  return { id: d._id, tenantId: d.tenantId, name: d.name, scope: d.scope as TokenScope, hint: d.hint, createdAt: d.createdAt, lastUsedAt: d.lastUsedAt ?? null };
}
