/** JSON shapes of the HTTP API, taken from the shared schemas (types only: no zod in the bundle). */
import type { Action, ActionSpec, Auth, HttpMethod, KeyValue, UserDataApi, Variable, VariableType } from '../../../../shared/action';
import type { CallRecord, Channel, Conversation, Customer, Message, Proposal } from '../../../../shared/conversation';
import type { Settings } from '../../../../shared/settings';

export type { Action, ActionSpec, Auth, CallRecord, Channel, Customer, HttpMethod, KeyValue, Message, Proposal, Settings, UserDataApi, Variable, VariableType };

/** `POST /v1/actions/test`, `POST /v1/actions/:id/test`, `POST /v1/user-data-api/test`. */
export interface EndpointTestResult {
  ok: boolean;
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  response: { status: number; headers: Record<string, string>; body: unknown } | null;
  durationMs: number;
  error?: { type: string; message: string };
  modelView: string | null;
  performed: boolean;
  warning?: string;
}

/** An item of `GET /v1/conversations`. */
export interface ConversationSummary {
  id: string;
  channel: Channel;
  externalId: string | null;
  customer: Customer;
  messageCount: number;
  lastMessage: { role: Message['role']; content: string; at: string } | null;
  needsHuman: boolean;
  createdAt: string;
  updatedAt: string;
}

/** `GET /v1/conversations/:id`. */
export type ConversationDetail = Omit<Conversation, 'failures' | 'tenantId'> & { calls: CallRecord[]; proposals: Proposal[] };

/** The answer of one conversation turn. */
export interface TurnResponse {
  id: string;
  reply: string;
  calls: CallRecord[];
  pending?: Proposal[];
  fallback?: boolean;
  needsHuman?: boolean;
}

/** An item of `GET /v1/audit`. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  entity: 'action' | 'user_data_api' | 'settings';
  entityId: string | null;
  op: 'create' | 'update' | 'delete';
  changes: { path: string; from?: unknown; to?: unknown }[];
}
