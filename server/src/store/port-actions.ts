import type { Action, ActionSpec } from '../../../shared/action';
import type { AuditEntry, AuditInput } from './port-tenants';

/** One saved version of an action: every create and replace writes one. */
export interface ActionVersion {
  actionId: string;
  version: number;
  spec: ActionSpec;
  actor: string;
  at: string;
  changes: AuditEntry['changes'];
}

/** Actions, their saved versions, and the tenant's configuration counter. */
export interface ActionsPort {
  listActions(tenantId: string): Promise<Action[]>;
  getAction(tenantId: string, id: string): Promise<Action | null>;
  /**
   * Throws ConflictError on a duplicate name, ValidationError when `spec.connectionId` names no
   * connection of the tenant. The audit entry is written in the same transaction.
   */
  createAction(tenantId: string, spec: ActionSpec, audit: AuditInput): Promise<Action>;
  /** Returns null when the action does not exist. Throws as createAction. */
  replaceAction(tenantId: string, id: string, spec: ActionSpec, audit: AuditInput): Promise<Action | null>;
  deleteAction(tenantId: string, id: string, audit: AuditInput): Promise<boolean>;
  /** Every create and replace wrote one (same transaction); newest first. */
  listActionVersions(tenantId: string, actionId: string): Promise<Omit<ActionVersion, 'spec'>[]>;
  /** A saved version, spec with plain secrets; null when unknown (or another tenant's). */
  getActionVersion(tenantId: string, actionId: string, version: number): Promise<ActionVersion | null>;
  /**
   * A counter bumped in the same transaction by every change of the tenant's configuration (actions,
   * connections, User Data API, settings): a cheap read other instances use to invalidate their caches. 0 before any change.
   */
  configVersion(tenantId: string): Promise<number>;
}
