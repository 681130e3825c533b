import type { Tenant } from './port-tenants';

/** Where a proposal is in its confirmation life: pending -> confirmed -> running -> done | failed; or declined / expired. */
export type ProposalStatus = 'pending' | 'confirmed' | 'running' | 'done' | 'failed' | 'declined' | 'expired';

/** A write action waiting for (or past) its confirmation; kept apart from the conversation so its status is a compare-and-set. */
export interface StoredProposal {
  id: string;
  tenantId: string;
  conversationId: string;
  action: string;
  actionId: string;
  actionVersion: number;
  arguments: Record<string, unknown>;
  /** The rendered request (values filled, secrets masked) shown to whoever confirms. */
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  turnId: string;
  status: ProposalStatus;
  /** Intercom quick-reply option uuids, when the question went out as buttons. */
  options?: { confirm: string; decline: string };
  result?: { ok: boolean; status: number | null; errorType?: string; excerpt: string };
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

/** The proposal states nothing moves out of: prune may delete them. */
export const FINISHED_PROPOSAL_STATUSES: readonly ProposalStatus[] = ['done', 'failed', 'declined', 'expired'];

export type TokenScope = 'sidebar' | 'mcp';

/** A token's lastUsedAt is written at most this often, so authenticating stays (mostly) a read. */
export const TOKEN_TOUCH_MS = 60_000;

/** A tenant's scoped token (Zendesk sidebar, MCP). Only its hash is stored. */
export interface ScopedToken {
  id: string;
  tenantId: string;
  name: string;
  scope: TokenScope;
  /** last 4 chars of the token, for the list */
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Write actions waiting for confirmation. */
export interface ProposalsPort {
  createProposal(p: StoredProposal): Promise<void>;
  getProposal(tenantId: string, id: string): Promise<StoredProposal | null>;
  /** Oldest first. */
  listProposals(tenantId: string, conversationId: string): Promise<StoredProposal[]>;
  /**
   * Compare-and-set: moves to `to` (merging `patch`, setting updatedAt) only if the current status is in `from`.
   * Returns the updated proposal, or null when the status did not match (or no such proposal). Atomic on both adapters.
   */
  transitionProposal(
    tenantId: string,
    id: string,
    from: ProposalStatus[],
    to: ProposalStatus,
    patch?: Partial<Pick<StoredProposal, 'result' | 'options'>>,
  ): Promise<StoredProposal | null>;
  /** The proposal whose options.confirm or options.decline equals uuid (Intercom quick reply). */
  proposalByOption(tenantId: string, uuid: string): Promise<StoredProposal | null>;
}

/** Scoped tokens (Zendesk sidebar, MCP). */
export interface TokensPort {
  /** The caller hashes the token; only the hash is stored (unique: ConflictError on a duplicate). */
  createToken(tenantId: string, t: { name: string; scope: TokenScope; tokenHash: string; hint: string }): Promise<ScopedToken>;
  /** Oldest first. */
  listTokens(tenantId: string): Promise<ScopedToken[]>;
  deleteToken(tenantId: string, id: string): Promise<boolean>;
  /** The token and its tenant for a token hash; null when unknown or revoked. Records the use (lastUsedAt, at most once per TOKEN_TOUCH_MS). */
  tokenByHash(tokenHash: string): Promise<{ token: ScopedToken; tenant: Tenant } | null>;
}
