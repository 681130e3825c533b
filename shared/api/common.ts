import { z } from 'zod';

/** Why a call failed; the list every part of the system uses (the engine, the agent, the records). */
export const CALL_ERROR_TYPES = [
  'timeout',
  'network',
  'blocked',
  'http_4xx',
  'http_5xx',
  'invalid_response',
  'too_large',
  'missing_variables',
  'not_allowed',
  'needs_confirmation',
] as const;
export const CallErrorType = z.enum(CALL_ERROR_TYPES).describe('Why a call failed');
export type CallErrorType = z.infer<typeof CallErrorType>;

/** The channels a conversation can come from. */
export const CHANNELS = ['api', 'playground', 'zendesk', 'intercom', 'mcp'] as const;
export const ChannelSchema = z.enum(CHANNELS).describe('Where the conversation happens');

/** The error body of every non-2xx answer. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('Machine-readable code, e.g. validation_failed, secret_required, not_found'),
      message: z.string().describe('What went wrong, in words'),
      details: z.array(z.object({ path: z.string().describe('Dot path of the field'), message: z.string().describe('What is wrong with it') })).optional().describe('Per-field problems'),
    }),
  })
  .describe('An error answer');
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A request as sent (or as it would be sent), secrets masked. */
export const RequestEchoSchema = z
  .object({
    method: z.string().describe('HTTP method'),
    url: z.string().describe('URL with the values filled in, secrets masked'),
    headers: z.record(z.string(), z.string()).describe('Request headers, secrets masked'),
    body: z.string().nullable().describe('Request body, secrets masked'),
  })
  .describe('The request, secrets masked');

/** One logged outbound call. */
export const CallRecordSchema = z
  .object({
    id: z.string(),
    conversationId: z.string().nullable(),
    turnId: z.string().nullable(),
    action: z.string().describe('Action name (or user_data_api)'),
    method: z.string(),
    url: z.string().describe('URL, secrets masked'),
    status: z.number().nullable().describe('HTTP status, null when no answer arrived'),
    ok: z.boolean(),
    durationMs: z.number(),
    errorType: CallErrorType.optional(),
    errorMessage: z.string().optional(),
    requestHeaders: z.record(z.string(), z.string()).describe('Request headers, secrets masked'),
    responseExcerpt: z.string().describe('The start of what the model saw'),
    at: z.string().describe('ISO 8601 time of the call'),
    actionVersion: z.number().optional().describe('Version of the action that ran'),
    channel: z.string().optional(),
    mode: z.enum(['real', 'mock', 'dry']).optional().describe('real: the API was called; mock: a mock answered; dry: nothing was sent'),
    test: z.boolean().optional().describe('A test run from the admin page'),
    proposalId: z.string().optional().describe('The proposal this call ran or proposed'),
    arguments: z.record(z.string(), z.unknown()).optional().describe('The arguments the model gave, secrets masked'),
    actor: z.string().optional().describe('Who made the call outside a conversation (an MCP token name)'),
  })
  .describe('A logged call');

/** A paged list's cursor field. */
export const NextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page');
