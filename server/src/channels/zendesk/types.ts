import { z } from 'zod';

/**
 * Zendesk ids are 64-bit integers in JSON; a trigger placeholder (`{{ticket.id}}`) renders
 * them as strings. Either way we keep them as decimal strings: they go into URLs and keys.
 */
export const ZendeskId = z
  .union([z.number().int().nonnegative(), z.string().trim().regex(/^\d{1,20}$/, 'must be a numeric Zendesk id')])
  .transform((v) => String(v));

/** `GET /api/v2/tickets/{id}.json` -> `{ticket}`; only the fields we read. */
export const ZTicket = z.object({
  id: ZendeskId,
  subject: z.string().nullish(),
  description: z.string().nullish(),
  status: z.string().nullish(),
  requester_id: ZendeskId.nullish(),
  tags: z.array(z.string()).nullish().transform((t) => t ?? []),
});
export type ZTicket = z.output<typeof ZTicket>;
export const TicketEnvelope = z.object({ ticket: ZTicket });

/** One comment of `GET /api/v2/tickets/{id}/comments.json` -> `{comments, next_page, ...}`. */
export const ZComment = z.object({
  id: ZendeskId,
  author_id: ZendeskId.nullish(),
  body: z.string().nullish(),
  plain_body: z.string().nullish(),
  html_body: z.string().nullish(),
  /** Private comments are internal notes; end users can only write public ones. */
  public: z.boolean().nullish().transform((p) => p !== false),
  created_at: z.string().nullish(),
});
export type ZComment = z.output<typeof ZComment>;
export const CommentsEnvelope = z.object({ comments: z.array(ZComment) });

/**
 * `GET /api/v2/users/{id}.json` -> `{user}`. Zendesk's `verified` on a user means "any of the
 * user's identities is verified", which is why the email identity is checked on its own.
 */
export const ZUser = z.object({
  id: ZendeskId,
  name: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  role: z.string().nullish(),
  verified: z.boolean().nullish().transform((v) => v === true),
});
export type ZUser = z.output<typeof ZUser>;
export const UserEnvelope = z.object({ user: ZUser });

/**
 * `GET /api/v2/users/me.json` -> `{user}`: the credentials' own user. Zendesk answers an
 * anonymous user (id null) instead of a 401 when no credentials were recognised.
 */
export const MeEnvelope = z.object({
  user: z.object({
    id: ZendeskId.nullable(),
    name: z.string().nullish(),
    email: z.string().nullish(),
    role: z.string().nullish(),
  }),
});
export type ZMe = z.output<typeof MeEnvelope>['user'];

/** `GET /api/v2/users/{id}/identities.json` -> `{identities}`: email, phone_number, twitter... each with `verified`. */
export const ZIdentity = z.object({
  id: ZendeskId,
  type: z.string(),
  value: z.string().nullish(),
  verified: z.boolean().nullish().transform((v) => v === true),
  primary: z.boolean().nullish(),
});
export type ZIdentity = z.output<typeof ZIdentity>;
export const IdentitiesEnvelope = z.object({ identities: z.array(ZIdentity) });

/** `PUT /api/v2/tickets/{id}.json` answers `{ticket, audit}`; we only need to know it worked. */
export const UpdateEnvelope = z.object({ ticket: z.object({ id: ZendeskId }) });

/** An id field of the trigger body: trigger placeholders may render empty, which means "not given". */
const OptionalId = z
  .union([ZendeskId, z.literal(''), z.null()])
  .optional()
  .transform((v) => (v === '' || v === null ? undefined : v));

/**
 * The trigger webhook's JSON body. Zendesk sends what the trigger's JSON body template says,
 * with placeholders rendered as strings: `{"ticket_id": "{{ticket.id}}"}` arrives as
 * `{"ticket_id": "123"}`. Optional extras: `current_user_id` / `updated_by_id`
 * (`{{current_user.id}}`) and `via` (`{{ticket.via}}`). Unknown fields are ignored.
 */
export const WebhookPayload = z.object({
  ticket_id: ZendeskId,
  current_user_id: OptionalId,
  updated_by_id: OptionalId,
  via: z.string().max(200).optional().catch(undefined),
});
export type WebhookPayload = z.output<typeof WebhookPayload>;

/** The tag added with our note: lets trigger conditions and views tell drafted tickets apart. */
export const NOTE_TAG = 'ai_draft_note';
/** Text in every note we post: a private comment carrying it is ours (end users cannot write private comments). */
export const NOTE_MARKER = '[ai_draft_note]';
