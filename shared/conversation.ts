import { z } from 'zod';
import { MockResponse } from './action';
import { CallRecordSchema, CHANNELS, RequestEchoSchema } from './api/common';

/** The customer of a conversation, as the channel reports them. */
export const Customer = z
  .strictObject({
    id: z.string().max(200).optional().describe('Customer id in the helpdesk or your system'),
    email: z.email().max(320).optional().describe('Customer email'),
    name: z.string().max(200).optional().describe('Customer name'),
    phone: z.string().max(50).optional().describe('Customer phone number'),
    verified: z.boolean().describe('Whether the identity is verified: only then personal data is looked up'),
  })
  .describe('Who the AI is talking to');
export type Customer = z.infer<typeof Customer>;

/** `POST /v1/conversations` */
export const StartConversation = z.strictObject({
  customer: Customer,
  message: z.string().min(1, 'message must not be empty').max(8000).describe('The customer message'),
  channel: z.enum(['api', 'playground']).default('api').describe('Where the conversation happens'),
  sandbox: z
    .boolean()
    .optional()
    .describe('Sandbox: actions answer with their mock instead of calling the API, and a write without a mock is a dry run (nothing is sent). Default false; the admin playground turns it on by default'),
  mocks: z
    .record(z.string().max(64), MockResponse)
    .optional()
    .describe('Mock answers by action name for this conversation (sandbox only), overriding the actions\' own mocks'),
});

/** `POST /v1/conversations/:id/messages` */
export const NextMessage = z.strictObject({
  message: z.string().min(1, 'message must not be empty').max(8000).describe('The customer message'),
});

export type Channel = (typeof CHANNELS)[number];

/** One logged outbound call; secrets masked. */
export type CallRecord = z.infer<typeof CallRecordSchema>;

/** Where a proposal is: pending -> confirmed -> running -> done | failed; or declined / expired. */
export const PROPOSAL_STATUSES = ['pending', 'confirmed', 'running', 'done', 'failed', 'declined', 'expired'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** The request a proposal will send, values filled in and secrets masked. */
export type RenderedRequest = z.infer<typeof RequestEchoSchema>;

/** A write action the model asked for that waits for (or went past) an explicit confirmation. */
export const ProposalSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    action: z.string().describe('Action name'),
    actionId: z.string(),
    actionVersion: z.number().describe('The version of the action it will run; a changed action is not run'),
    arguments: z.record(z.string(), z.unknown()).describe('The arguments the model gave'),
    request: RequestEchoSchema.describe('Exactly what will be sent, shown to whoever confirms'),
    method: z.string().describe('Shorthand of request.method'),
    url: z.string().describe('Shorthand of request.url'),
    turnId: z.string().describe('The turn that proposed it'),
    status: z.enum(PROPOSAL_STATUSES),
    createdAt: z.string(),
    updatedAt: z.string(),
    expiresAt: z.string().describe('After this, it can no longer be confirmed'),
    result: z
      .object({ ok: z.boolean(), status: z.number().nullable(), errorType: z.string().optional(), excerpt: z.string() })
      .optional()
      .describe('The outcome once it ran'),
  })
  .describe('A write action waiting for (or past) its confirmation');
export type Proposal = z.infer<typeof ProposalSchema>;

export interface Message {
  role: 'user' | 'assistant';
  content: string;
  at: string;
  turnId: string;
  /** The reply is the fallback text: the AI failed. */
  fallback?: boolean;
}

/** Where a channel is in answering one helpdesk message (see {@link Delivery}). */
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/**
 * One helpdesk message a channel answered (Intercom: one webhook notification). Saved with
 * the agent's turn, so a delivery re-run after a crash neither runs the turn again nor
 * posts its reply twice.
 */
export interface Delivery {
  /** The helpdesk's id of the message, e.g. the Intercom notification id. */
  key: string;
  /** Index in `messages` of this turn's customer message; the reply follows it. */
  messageIndex: number;
  /** `sending`: a post may have gone out before a crash; check the helpdesk before posting again. */
  reply: DeliveryState;
  note: DeliveryState;
}

/** A stored conversation. */
export interface Conversation {
  id: string;
  tenantId: string;
  channel: Channel;
  /** Ticket id (Zendesk) or conversation id (Intercom). */
  externalId: string | null;
  customer: Customer;
  messages: Message[];
  /** Names of actions that succeeded in this conversation (for `requires`). */
  succeeded: string[];
  /** The User Data API's answer, fetched once per conversation for a verified customer. */
  userData: { ok: boolean; text: string; at: string } | null;
  needsHuman: boolean;
  /** A teammate took the conversation over (Intercom): the AI no longer answers it. `by`: the admin id. */
  handedOff?: { at: string; by: string; reason?: 'replied' | 'assigned' };
  /** Failure counts per call (action + arguments), so a failing call is not retried forever. */
  failures: Record<string, number>;
  /** Sandbox: mocks answer instead of the APIs, writes without a mock are dry runs. */
  sandbox?: boolean;
  /** Per-conversation mock answers by action name (sandbox only). */
  mocks?: Record<string, MockResponse>;
  /** Channel bookkeeping of the helpdesk messages answered (Intercom); absent for other channels. */
  deliveries?: Delivery[];
  version: number;
  createdAt: string;
  updatedAt: string;
}
