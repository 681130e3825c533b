import { z } from 'zod';
import { htmlToText } from './html';

/** Topics the AI answers; every other topic is acknowledged and ignored. */
export const ANSWERED_TOPICS = new Set(['conversation.user.created', 'conversation.user.replied']);

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
});

const Item = z.looseObject({
  type: z.string().optional(),
  id: id.optional(),
  source: z.looseObject({ id: id.optional(), body: z.string().nullable().optional(), author: Author.nullable().optional() }).nullable().optional(),
  contacts: z.looseObject({ contacts: z.array(z.looseObject({ id: id.optional() })).optional() }).nullable().optional(),
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
  text: z.string().min(1),
});
export type IntercomJob = z.infer<typeof IntercomJob>;

/** Why a notification of an answered topic carries nothing to answer. */
export type Skip = { skip: string };

/**
 * The customer message of a `conversation.user.*` notification. `created`: the
 * conversation's source (the first message). `replied`: the last comment a customer wrote.
 */
export function jobFrom(n: Notification): IntercomJob | Skip {
  const item = n.data?.item;
  if (!item?.id) return { skip: 'no conversation in the notification' };
  let body: string | null | undefined;
  let partId: string | null = null;
  let author: z.infer<typeof Author> | null | undefined;
  if (n.topic === 'conversation.user.created') {
    body = item.source?.body;
    author = item.source?.author;
  } else {
    const parts = item.conversation_parts?.conversation_parts ?? [];
    const last = [...parts].reverse().find((p) => MESSAGE_PARTS.has(p.part_type ?? '') && CUSTOMER_AUTHORS.has(p.author?.type ?? '') && p.body);
    if (!last) return { skip: 'no customer comment in the notification' };
    body = last.body;
    partId = last.id ?? null;
    author = last.author;
  }
  if (author?.type && !CUSTOMER_AUTHORS.has(author.type)) return { skip: `message written by ${author.type}` };
  const text = htmlToText(body ?? '').slice(0, MAX_TEXT);
  if (!text) return { skip: 'message without text' };
  const contactId = (author?.id && CUSTOMER_AUTHORS.has(author.type ?? '') ? author.id : undefined) ?? item.contacts?.contacts?.[0]?.id ?? null;
  return { v: 1, topic: n.topic, notificationId: n.id, conversationId: item.id, partId, contactId, text };
}
