import { z } from 'zod';
import { htmlToText } from './html';

/** Topics the AI answers. */
export const ANSWERED_TOPICS = new Set(['conversation.user.created', 'conversation.user.replied']);

/** Topics that may say a teammate took over (the AI then steps back). */
export const HANDOFF_TOPICS = new Set(['conversation.admin.replied', 'conversation.admin.assigned']);

/** Every topic the inbox takes; the rest are acknowledged and ignored. */
export const HANDLED_TOPICS = new Set([...ANSWERED_TOPICS, ...HANDOFF_TOPICS]);

/** Part types by which an admin speaks in the conversation (a note is internal: not a take-over). */
const ADMIN_SPEAKING_PARTS = new Set(['comment', 'quick_reply', 'open', 'close']);

/** At most this many admin signals kept per notification. */
const MAX_ADMINS = 10;

/** Author types of a customer message (`contact` and `visitor` appear in some payload versions). */
const CUSTOMER_AUTHORS = new Set(['user', 'lead', 'contact', 'visitor']);

/** Part types that carry a customer's words: `open` is a reply that reopened a closed conversation. */
const MESSAGE_PARTS = new Set(['comment', 'open']);

/** The customer message limit of the conversation API; longer messages are cut. */
const MAX_TEXT = 8000;

const id = z.union([z.string().min(1).max(200), z.number().int().nonnegative()]).transform(String);

const Author = z.looseObject({ type: z.string().optional(), id: id.optional() });

const Part = z.looseObject({
  id: id.optional(),
  part_type: z.string().optional(),
  body: z.string().nullable().optional(),
  author: Author.nullable().optional(),
  /** Who the part assigned the conversation to (assignment parts). */
  assigned_to: Author.nullable().optional(),
  /** A quick-reply click carries the option's uuid here. */
  metadata: z.looseObject({ quick_reply_uuid: z.string().max(200).optional() }).nullable().optional(),
});

const Item = z.looseObject({
  type: z.string().optional(),
  id: id.optional(),
  source: z.looseObject({ id: id.optional(), body: z.string().nullable().optional(), author: Author.nullable().optional() }).nullable().optional(),
  contacts: z.looseObject({ contacts: z.array(z.looseObject({ id: id.optional() })).optional() }).nullable().optional(),
  /** The admin the conversation is assigned to (API 2.x); null or 0 when none. */
  admin_assignee_id: id.nullable().optional(),
  /** The assignee in older payloads (`{type: 'admin' | 'team' | 'nobody_admin', id}`). */
  assignee: Author.nullable().optional(),
  conversation_parts: z.looseObject({ conversation_parts: z.array(Part).optional() }).nullable().optional(),
});

/** The parts of Intercom's notification envelope this channel reads (everything else passes through). */
export const Notification = z.looseObject({
  type: z.string().optional(),
  id: id,
  topic: z.string().min(1),
  app_id: id,
  created_at: z.number().optional(),
  data: z.looseObject({ item: Item.nullable().optional() }).nullable().optional(),
});
export type Notification = z.infer<typeof Notification>;

/** What the inbox keeps of an answered notification: only what the worker needs. */
export const IntercomJob = z.object({
  v: z.literal(1),
  topic: z.string(),
  notificationId: z.string(),
  conversationId: z.string(),
  /** The part answered (null for the conversation's first message). */
  partId: z.string().nullable(),
  contactId: z.string().nullable(),
  /** The customer's words; empty when the notification only says a teammate acted. */
  text: z.string(),
  /** The quick-reply option the customer clicked, when the notification names it. */
  quickReplyUuid: z.string().max(200).optional(),
  /** Admins seen replying in or assigned the conversation: the worker compares them with the AI's own admin. */
  admins: z.array(z.object({ id: z.string(), reason: z.enum(['replied', 'assigned']) })).max(MAX_ADMINS).optional(),
});
export type IntercomJob = z.infer<typeof IntercomJob>;

/** Why a notification of an answered topic carries nothing to answer. */
export type Skip = { skip: string };

/** Who may be a teammate taking over, read from the notification. */
export interface JobOptions {
  /** The admin the AI posts as: its own parts and assignments are not a take-over. */
  botAdminId?: string | null;
}

/**
 * What a notification asks of the worker. `created`: the conversation's source (the first
 * message). `replied`: the last comment a customer wrote (or the quick-reply option they
 * clicked). Every topic: the admins (other than the AI's own) who replied in or were
 * assigned the conversation, so the AI can step back.
 */
export function jobFrom(n: Notification, opts: JobOptions = {}): IntercomJob | Skip {
  const item = n.data?.item;
  if (!item?.id) return { skip: 'no conversation in the notification' };
  const parts = item.conversation_parts?.conversation_parts ?? [];
  const admins = teammates(item, parts, opts.botAdminId ?? null);
  const base = { v: 1 as const, topic: n.topic, notificationId: n.id, conversationId: item.id, ...(admins.length ? { admins } : {}) };
  if (HANDOFF_TOPICS.has(n.topic)) {
    if (!admins.length) return { skip: 'no teammate took over' };
    return { ...base, partId: null, contactId: null, text: '' };
  }
  let body: string | null | undefined;
  let partId: string | null = null;
  let author: z.infer<typeof Author> | null | undefined;
  let quickReplyUuid: string | undefined;
  if (n.topic === 'conversation.user.created') {
    body = item.source?.body;
    author = item.source?.author;
  } else {
    const last = [...parts]
      .reverse()
      .find((p) => MESSAGE_PARTS.has(p.part_type ?? '') && CUSTOMER_AUTHORS.has(p.author?.type ?? '') && (p.body || p.metadata?.quick_reply_uuid));
    if (!last) return admins.length ? { ...base, partId: null, contactId: null, text: '' } : { skip: 'no customer comment in the notification' };
    body = last.body;
    partId = last.id ?? null;
    author = last.author;
    quickReplyUuid = last.metadata?.quick_reply_uuid || undefined;
  }
  if (author?.type && !CUSTOMER_AUTHORS.has(author.type)) return admins.length ? { ...base, partId: null, contactId: null, text: '' } : { skip: `message written by ${author.type}` };
  const text = htmlToText(body ?? '').slice(0, MAX_TEXT);
  if (!text && !quickReplyUuid && !admins.length) return { skip: 'message without text' };
  const contactId = (author?.id && CUSTOMER_AUTHORS.has(author.type ?? '') ? author.id : undefined) ?? item.contacts?.contacts?.[0]?.id ?? null;
  return { ...base, partId, contactId, text, ...(quickReplyUuid ? { quickReplyUuid } : {}) };
}

/** Admins other than the AI's own who spoke in the conversation or were assigned it. */
function teammates(item: z.infer<typeof Item>, parts: z.infer<typeof Part>[], bot: string | null): NonNullable<IntercomJob['admins']> {
  const out: NonNullable<IntercomJob['admins']> = [];
  const add = (id: string | undefined, reason: 'replied' | 'assigned') => {
    // 0 is Intercom's "nobody"; a team is not a person.
    if (!id || id === '0' || id === bot || out.length >= MAX_ADMINS || out.some((a) => a.id === id && a.reason === reason)) return;
    out.push({ id, reason });
  };
  for (const p of parts) {
    if (p.author?.type === 'admin' && ADMIN_SPEAKING_PARTS.has(p.part_type ?? '')) add(p.author.id, 'replied');
    if (p.assigned_to?.type === 'admin') add(p.assigned_to.id, 'assigned');
  }
  add(item.admin_assignee_id ?? undefined, 'assigned');
  if (item.assignee?.type === 'admin') add(item.assignee.id, 'assigned');
  return out;
}
