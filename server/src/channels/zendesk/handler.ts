import type { ChannelDeps } from '../deps';
import type { InboxHandler } from '../../inbox';
import type { InboxItem } from '../../store';
import { RetryLaterError } from '../../errors';
import { isTransient, type ZendeskFailure } from './client';
import { tenantSettings, zendeskClientFor } from './connection';
import { draftTurn, postDraftNote } from './draft';
import { decide, readTicket } from './ticket';
import { WebhookPayload } from './types';

/** A Zendesk failure worth another try: thrown so the inbox gives the item back for a retry. */
function retryLater(what: string, f: ZendeskFailure): RetryLaterError {
  return new RetryLaterError(`Zendesk ${what}: ${f.message}`);
}

/**
 * Processes one stored webhook delivery: reads the ticket, decides whether the requester
 * wrote something new (our own note never counts), drafts through the agent in draft
 * mode and adds the internal note. Transient Zendesk failures throw (the inbox retries);
 * permanent ones (bad credentials, deleted ticket) are logged and the item is done.
 */
export function zendeskHandler(ctx: ChannelDeps): InboxHandler {
  return async (item: InboxItem) => {
    const parsed = WebhookPayload.safeParse(item.payload);
    if (!parsed.success) {
      ctx.log.warn({ itemId: item.id, tenantId: item.tenantId }, 'zendesk inbox item without a ticket id; dropped');
      return;
    }
    const ticketId = parsed.data.ticket_id;
    const log = ctx.log.child({ tenantId: item.tenantId, ticketId, itemId: item.id });
    const settings = await tenantSettings(ctx, item.tenantId);
    const client = zendeskClientFor(ctx, settings);
    if (!client) {
      log.warn('Zendesk credentials are not set (subdomain or base URL, and email + API token or OAuth token): no draft, no note');
      return;
    }

    const read = await readTicket(client, ticketId);
    if (!read.ok) {
      if (isTransient(read.error)) throw retryLater(`reading the ${read.what}`, read.error);
      log.error({ error: read.error }, `could not read the ${read.what} from Zendesk; no draft`);
      return;
    }
    const decision = decide(read.snapshot);
    if (!decision.draft) {
      log.info({ reason: decision.reason }, 'no draft for this delivery');
      return;
    }

    const draft = await draftTurn(ctx, item.tenantId, read.snapshot, decision.message, { reuse: true, latestAt: decision.latestAt });
    const note = await postDraftNote(ctx, client, item.tenantId, settings, ticketId, draft);
    if (!note.ok) {
      // The turn is saved: a retry finds it (reuse) and only posts the note.
      if (isTransient(note.error)) throw retryLater('adding the note', note.error);
      log.error({ error: note.error }, 'Zendesk refused the internal note');
      return;
    }
    log.info({ conversationId: draft.conversation.id, calls: draft.calls.length, pending: draft.pending.length, reused: draft.reused, verified: read.snapshot.customer.verified }, 'draft note added');
  };
}
