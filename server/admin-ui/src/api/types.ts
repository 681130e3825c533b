/** JSON shapes of the HTTP API, taken from the shared schemas (types only: no zod in the bundle). */
import type { Action, ActionSpec, Auth, HttpMethod, KeyValue, UserDataApi, Variable, VariableType } from '../../../../shared/action';
import type { CallRecord, Channel, Conversation, Customer, Message, Proposal } from '../../../../shared/conversation';
import type { Settings } from '../../../../shared/settings';

export type { Action, ActionSpec, Auth, CallRecord, Channel, Customer, HttpMethod, KeyValue, Message, Proposal, Settings, UserDataApi, Variable, VariableType };

import type { AuditEntry, ConversationSummary as ConversationSummaryT, EndpointTestResult, TurnResponse } from '../../../../shared/api/responses';
import type { z } from 'zod';

/** The answers of the API come from shared/api (types only: `import type` keeps zod out of the bundle). */
export type { AuditEntry, EndpointTestResult, TurnResponse };

/** An item of `GET /v1/conversations`. */
export type ConversationSummary = Omit<z.infer<typeof ConversationSummaryT>, 'channel' | 'customer'> & { channel: Channel; customer: Customer };

/** `GET /v1/conversations/:id`. */
export type ConversationDetail = Omit<Conversation, 'failures' | 'tenantId'> & { calls: CallRecord[]; proposals: Proposal[] };
