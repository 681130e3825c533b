import type { ActionsPort } from './port-actions';
import type { ConnectionsPort } from './port-connections';
import type { InboxPort } from './port-inbox';
import type { ProposalsPort, TokensPort } from './port-proposals';
import type { ConversationsPort, RecordsPort } from './port-records';
import type { TenantsPort } from './port-tenants';

export type { Tenant, AuditEntry, AuditInput, TenantsPort } from './port-tenants';
export type { ActionVersion, ActionsPort } from './port-actions';
export type { ActionRef, CachedToken, ConnectionsPort, DeleteConnectionResult, IdentityKey, ImportAudit } from './port-connections';
export type { ActionStat, CallFilter, ConversationWrite, ConversationsPort, Page, PruneCounts, RecordsPort } from './port-records';
export type { ProposalStatus, ProposalsPort, ScopedToken, StoredProposal, TokenScope, TokensPort } from './port-proposals';
export { FINISHED_PROPOSAL_STATUSES } from './port-proposals';
export type { InboxItem, InboxPort } from './port-inbox';

/**
 * The persistence port: one interface per concept (port-*.ts), and an adapter is the union of
 * its per-concept parts. Both adapters (embedded SQLite, MongoDB) implement it and pass the same
 * contract suite. Secrets go in and come out plain; adapters seal them at rest. Every method is
 * async so that either adapter fits.
 */
export interface Store extends TenantsPort, ActionsPort, ConnectionsPort, ConversationsPort, RecordsPort, ProposalsPort, TokensPort, InboxPort {
  readonly kind: 'sqlite' | 'mongodb';
  close(): Promise<void>;
}
