import type { ActionContext } from '../../../shared/action';
import { randomUUID } from 'node:crypto';
import type { Channel, Conversation, Customer } from '../../../shared/conversation';
import { SettingsInput, type Settings } from '../../../shared/settings';
import { AppError } from '../errors';

/** The model's output cannot be used (no message, empty reply, arguments that are not a JSON object). */
export class MalformedOutput extends AppError {
  constructor(message: string) {
    super('upstream_failed', message, 502);
  }
}

let defaults: Settings | undefined;

/** Settings of a tenant that never saved any (parsed once, never mutated). */
export function defaultSettings(): Settings {
  return (defaults ??= SettingsInput.parse({}));
}

/** The context variables templates see, from the conversation. */
export function contextOf(conv: Conversation, settings: Settings, now: Date): ActionContext {
  const [first, ...rest] = (conv.customer.name ?? '').trim().split(/\s+/);
  return {
    contact: {
      ...(conv.customer.id ? { id: conv.customer.id } : {}),
      ...(conv.customer.email ? { email: conv.customer.email } : {}),
      ...(first ? { first_name: first } : {}),
      ...(rest.length ? { last_name: rest.join(' ') } : {}),
      ...(conv.customer.phone ? { phone_number: conv.customer.phone } : {}),
    },
    agent_name: settings.agentName,
    tenant_id: conv.tenantId,
    verified: conv.customer.verified,
    channel: conv.channel,
    conversation_id: conv.id,
    current_datetime: now.toISOString(),
  };
}

/** Tool arguments as the model sent them; malformed JSON is malformed output, not a tool error. */
export function parseArgs(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text || '{}');
  } catch {
    throw new MalformedOutput('tool arguments are not valid JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new MalformedOutput('tool arguments are not a JSON object');
  return v as Record<string, unknown>;
}

/** What of a model failure is logged (never the request, which holds customer data). */
export function errSummary(err: unknown): { name: string; message: string; status?: number } {
  const e = err as { name?: string; message?: string; status?: number };
  return { name: e?.name ?? 'Error', message: String(e?.message ?? err).slice(0, 300), ...(e?.status ? { status: e.status } : {}) };
}

/** A conversation not stored yet (version 0): the agent's first save creates it. */
export function newConversation(tenantId: string, channel: Channel, externalId: string | null, customer: Customer): Conversation {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    tenantId,
    channel,
    externalId,
    customer,
    messages: [],
    succeeded: [],
    userData: null,
    needsHuman: false,
    failures: {},
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
}
