/** JSON shapes of the setup, statistics, versions and token routes (what the page reads of them). */
import type { ActionSpec } from './types';

/** `GET /v1/setup`: the tenant's real state, for the checklist and the helpdesk panels. */
export interface SetupState {
  tenantId: string;
  publicUrl: string;
  model: { configured: boolean; name: string; baseUrl: string };
  actions: { count: number; tested: boolean };
  userDataApi: { configured: boolean };
  zendesk: { configured: boolean; webhookUrl: string; triggerJson: unknown; lastConversationAt: string | null };
  intercom: { configured: boolean; webhookUrl: string; topics: string[]; lastConversationAt: string | null };
  conversations: { count: number; any: boolean };
  sidebarTokens: number;
}

/** `POST /v1/settings/model/test`. */
export interface ModelTestResult {
  ok: boolean;
  model: string;
  baseUrl: string;
  message: string;
  latencyMs: number;
}

/** `POST /v1/settings/zendesk/test`. */
export interface ZendeskTestResult {
  ok: boolean;
  message: string;
  user?: { id: number | string; name: string; email: string; role: string };
}

/** An admin of the Intercom workspace (the AI replies as one of them). */
export interface IntercomAdmin {
  id: string;
  name: string;
  email: string;
}

/** `POST /v1/settings/intercom/test`. */
export interface IntercomTestResult {
  ok: boolean;
  message: string;
  appId?: string;
  admins?: IntercomAdmin[];
}

/** A scoped token of `GET /v1/tokens` (masked): the server's own type. */
export type { ScopedTokenItem as ScopedToken } from '../../../../shared/api/responses';

/** One field an action version changed; secrets come without values. */
export interface VersionChange {
  path: string;
  from?: unknown;
  to?: unknown;
}

/** An item of `GET /v1/actions/:id/versions`. */
export interface ActionVersionSummary {
  version: number;
  actor: string;
  at: string;
  changes: VersionChange[];
}

/** `GET /v1/actions/:id/versions/:version`: the spec as it was saved (secrets masked). */
export interface ActionVersion extends ActionVersionSummary {
  spec: ActionSpec;
}

/** An item of `GET /v1/stats/actions`. */
export interface ActionStat {
  action: string;
  calls: number;
  errors: number;
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
}
