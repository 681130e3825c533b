import { z } from 'zod';
import { CallRecordSchema, NextCursor, RequestEchoSchema } from './common';
import { ProposalSchema } from '../conversation';

/**
 * The answers of the HTTP API, as zod schemas: the TypeScript types of the routes and the
 * admin page (types only there), and the response half of `GET /openapi.json`.
 */

/** Read-only fields every stored document carries. */
export const StoredMeta = z
  .object({
    id: z.string().describe('Id'),
    createdAt: z.string().describe('ISO 8601 creation time'),
    updatedAt: z.string().describe('ISO 8601 time of the last change'),
  })
  .describe('Read-only fields (ignored on PUT)');

/** `POST /v1/actions/test`, `POST /v1/actions/:id/test`, `POST /v1/user-data-api/test`. */
export const EndpointTestResult = z
  .object({
    ok: z.boolean(),
    request: RequestEchoSchema,
    response: z.object({ status: z.number(), headers: z.record(z.string(), z.string()), body: z.unknown() }).nullable().describe('What the API answered, secrets masked'),
    durationMs: z.number(),
    error: z.object({ type: z.string(), message: z.string() }).optional(),
    modelView: z.string().nullable().describe('What the model would see: shaped and capped'),
    performed: z.boolean().describe('True when a write request was really sent'),
    warning: z.string().optional(),
  })
  .describe('The outcome of a test call');
export type EndpointTestResult = z.infer<typeof EndpointTestResult>;

/** The answer of one conversation turn. */
export const TurnResponse = z
  .object({
    id: z.string().describe('Conversation id'),
    reply: z.string().describe('What the AI answers the customer'),
    calls: z.array(CallRecordSchema).describe('Every call this turn made or refused'),
    pending: z.array(ProposalSchema).optional().describe('Write actions waiting for the customer\'s confirmation'),
    fallback: z.boolean().optional().describe('The AI failed: the reply is the fallback text'),
    needsHuman: z.boolean().optional(),
  })
  .describe('A conversation turn');
export type TurnResponse = z.infer<typeof TurnResponse>;

/** `POST /v1/conversations/:id/proposals/:pid/confirm|decline`. */
export const ConfirmResponse = z
  .object({
    proposal: ProposalSchema,
    call: CallRecordSchema.optional().describe('The call, for the caller whose confirmation ran it'),
    reply: z.string().describe('What the customer is told'),
  })
  .describe('The outcome of a confirmation or a decline, the same for every caller');

/** An item of `GET /v1/conversations`. */
export const ConversationSummary = z
  .object({
    id: z.string(),
    channel: z.string(),
    externalId: z.string().nullable(),
    customer: z.record(z.string(), z.unknown()),
    messageCount: z.number(),
    lastMessage: z.object({ role: z.enum(['user', 'assistant']), content: z.string(), at: z.string() }).nullable(),
    needsHuman: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('A conversation in a list');

export const CallPage = z.object({ calls: z.array(CallRecordSchema), nextCursor: NextCursor }).describe('A page of the call log, newest first');
export const ConversationPage = z.object({ conversations: z.array(ConversationSummary), nextCursor: NextCursor }).describe('A page of conversations, newest first');

/** An item of `GET /v1/audit`. */
export const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string().describe('Who made the change (a token, by its hash prefix or name)'),
    entity: z.string().describe('action, user_data_api, settings or connection'),
    entityId: z.string().nullable(),
    op: z.enum(['create', 'update', 'delete']),
    changes: z.array(z.object({ path: z.string(), from: z.unknown().optional(), to: z.unknown().optional() })).describe('Changed fields; secrets only as "changed"'),
  })
  .describe('A configuration change');
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** `GET /v1/stats/actions`. */
export const ActionStats = z
  .object({
    since: z.string(),
    actions: z.array(
      z.object({ action: z.string(), calls: z.number(), errors: z.number(), errorRate: z.number(), p50Ms: z.number().nullable(), p95Ms: z.number().nullable() }),
    ),
  })
  .describe('Per-action figures, test runs and confirmation waits excluded');

/** `POST /v1/tokens` */
export const CreateToken = z.strictObject({
  name: z.string().trim().min(1, 'name is required').max(100).describe('What the token is for, e.g. "Zendesk sidebar (production)"'),
  scope: z.enum(['sidebar', 'mcp']).describe('sidebar: only the /zendesk/* sidebar routes of this tenant; mcp: only /mcp/:tenantId'),
});

export const TokenCreated = z
  .object({ id: z.string(), name: z.string(), scope: z.enum(['sidebar', 'mcp']), token: z.string().describe('The token, shown this once'), createdAt: z.string() })
  .describe('A new scoped token');

export const TokenList = z
  .object({
    tokens: z.array(z.object({ id: z.string(), name: z.string(), scope: z.enum(['sidebar', 'mcp']), token: z.string().describe('Masked'), createdAt: z.string(), lastUsedAt: z.string().nullable() })),
  })
  .describe('Scoped tokens, masked');
/** One token of `GET /v1/tokens` (masked). */
export type ScopedTokenItem = z.infer<typeof TokenList>['tokens'][number];

/** The Zendesk sidebar's draft of a ticket. */
export const SidebarDraft = z
  .object({
    ticketId: z.string(),
    status: z.enum(['ready', 'drafting', 'none', 'unverified', 'failed']),
    message: z.string(),
    draft: z
      .object({ reply: z.string(), calls: z.array(z.record(z.string(), z.unknown())), proposals: z.array(z.record(z.string(), z.unknown())) })
      .passthrough()
      .nullable(),
  })
  .passthrough()
  .describe('The latest draft of a ticket, its calls and proposals');

export const Health = z.object({ ok: z.boolean(), store: z.string() }).describe('Liveness or readiness');
