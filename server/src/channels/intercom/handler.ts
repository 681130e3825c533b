import { z } from 'zod';
import type { CallRecord, Conversation, Customer, Delivery, DeliveryState } from '../../../../shared/conversation';
import type { Settings } from '../../../../shared/settings';
import type { ChannelDeps } from '../deps';
import type { InboxHandler } from '../../inbox';
import type { InboxItem } from '../../store';
import { IntercomClient, type IntercomContact, type IntercomErrorType } from './client';
import { comparableText, textToHtml } from './html';
import { noteHtml, worthANote } from './note';
import { IntercomJob } from './notification';
import { newConversation } from '../../agent';
import { RetryLaterError } from '../../errors';

/** Deliveries kept on a conversation: enough to recognise a re-run, bounded for long chats. */
const MAX_DELIVERIES = 100;

/** Failures worth another try later (the inbox retries with backoff); the rest are final. */
const TRANSIENT: ReadonlySet<IntercomErrorType> = new Set(['timeout', 'network', 'rate_limited', 'http_5xx']);


/** Client knobs (tests make waits short). */
export type HandlerDeps = ChannelDeps & { client?: { timeoutMs?: number; maxWaitMs?: number } };

/**
 * Answers one stored Intercom notification: reads the contact, runs the agent turn, posts
 * the reply as the configured admin and a note for the team. Every step is recorded on the
 * conversation (see `Delivery`), so running the same item again after a crash picks up
 * where it stopped: the turn is not run twice and no reply is posted twice.
 */
export function createIntercomHandler(deps: HandlerDeps): InboxHandler {
  return async (item: InboxItem) => {
    const parsed = IntercomJob.safeParse(item.payload);
    if (!parsed.success) {
      deps.log.error({ itemId: item.id }, 'intercom inbox item has an unknown shape; dropped');
      return;
    }
    await new Turn(deps, item.tenantId, parsed.data).run();
  };
}

class Turn {
  private readonly log: ChannelDeps['log'];
  private client!: IntercomClient;
  private settings!: Settings;
  private conv!: Conversation;

  constructor(
    private readonly deps: HandlerDeps,
    private readonly tenantId: string,
    private readonly job: IntercomJob,
  ) {
    this.log = deps.log.child({ tenantId, channel: 'intercom', conversationId: job.conversationId, notificationId: job.notificationId });
  }

  async run(): Promise<void> {
    const { store } = this.deps;
    const settings = await store.getSettings(this.tenantId);
    const ic = settings?.intercom;
    if (!settings || !ic?.accessToken || !ic.adminId) {
      // The admin may still add the credentials: the inbox retries, then keeps it as dead.
      throw new Error('Intercom is not configured for this tenant (access token and admin id are needed)');
    }
    this.settings = settings;
    this.client = new IntercomClient({ settings: ic, outbound: this.deps.outbound, ...this.deps.client });

    const stored = await store.conversationByExternalId(this.tenantId, 'intercom', this.job.conversationId);
    let delivery = stored?.deliveries?.find((d) => d.key === this.job.notificationId);
    let calls: CallRecord[] | undefined;
    if (stored && delivery) {
      this.conv = stored;
      this.log.info({ reply: delivery.reply, note: delivery.note }, 'intercom turn already ran; finishing its delivery');
    } else {
      const t = await this.runAgent(stored);
      this.conv = t.conversation;
      calls = t.calls;
      delivery = this.conv.deliveries!.find((d) => d.key === this.job.notificationId)!;
    }

    const user = this.conv.messages[delivery.messageIndex];
    const answer = this.conv.messages[delivery.messageIndex + 1];
    if (!user || !answer || answer.role !== 'assistant' || answer.turnId !== user.turnId) {
      this.log.error({ messageIndex: delivery.messageIndex }, 'intercom delivery does not match the stored turn; not answering');
      return;
    }
    const adminId = ic.adminId;
    await this.deliver(delivery.key, 'reply', () => textToHtml(answer.content), adminId);

    calls ??= (await store.listCalls(this.tenantId, { conversationId: this.conv.id, limit: 1000 })).filter((c) => c.turnId === user.turnId).reverse();
    const pending = (await this.deps.agent.proposals(this.tenantId, this.conv.id)).filter((p) => p.turnId === user.turnId && p.status === 'pending');
    const report = { conversationId: this.conv.id, customer: this.conv.customer, calls, pending, fallback: Boolean(answer.fallback), adminUrl: `${this.deps.config.publicUrl}/admin` };
    if (worthANote(report)) await this.deliver(delivery.key, 'note', () => noteHtml(report), adminId);
    else await this.mark(delivery.key, 'note', 'skipped');
  }

  /** The agent turn, saved together with the delivery record (one write: a crash leaves both or neither). */
  private async runAgent(stored: Conversation | null) {
    const customer = await this.customer();
    const base = stored ?? newConversation(this.tenantId, 'intercom', this.job.conversationId, customer);
    const delivery: Delivery = { key: this.job.notificationId, messageIndex: base.messages.length, reply: 'pending', note: 'pending' };
    const conv: Conversation = {
      ...base,
      deliveries: [...(base.deliveries ?? []).slice(-(MAX_DELIVERIES - 1)), delivery],
    };
    // reply() on an unsaved conversation (version 0) creates it, the same as start() would, with our record in it.
    const t = await this.deps.agent.reply(conv, this.job.text, 'live', customer);
    this.log.info({ calls: t.calls.length, pending: t.pending.length, fallback: t.fallback, verified: customer.verified }, 'intercom turn done');
    return t;
  }

  /**
   * Who is writing. Verified only when the contact is a `user` with an `external_id` and the
   * tenant says the workspace enforces identity verification. Leads and visitors never are,
   * and an unverified contact's email and phone stay out of the conversation (they are
   * self-declared, so no action may use them to look anything up).
   */
  private async customer(): Promise<Customer> {
    const id = this.job.contactId;
    if (!id) return { verified: false };
    const r = await this.client.getContact(id);
    if (!r.ok) {
      if (TRANSIENT.has(r.error.type)) throw new RetryLaterError(`reading the Intercom contact failed: ${r.error.message}`);
      this.log.warn({ error: r.error }, 'could not read the Intercom contact; answering as unverified');
      return { id, verified: false };
    }
    const c: Partial<IntercomContact> = r.data ?? {};
    const externalId = typeof c.external_id === 'string' && c.external_id.trim() ? c.external_id.trim().slice(0, 200) : null;
    const verified = c.role === 'user' && externalId !== null && this.settings.intercom.identityVerification;
    const name = typeof c.name === 'string' && c.name.trim() ? c.name.trim().slice(0, 200) : undefined;
    if (!verified) return { id: String(c.id ?? id).slice(0, 200), ...(name ? { name } : {}), verified: false };
    const email = z.email().max(320).safeParse(c.email);
    const phone = typeof c.phone === 'string' && c.phone.trim() ? c.phone.trim().slice(0, 50) : undefined;
    return { id: externalId, ...(email.success ? { email: email.data } : {}), ...(name ? { name } : {}), ...(phone ? { phone } : {}), verified: true };
  }

  /**
   * Posts the reply or the note once. The record says `sending` before the post; finding
   * `sending` on a re-run means a crash may have come after the post, so the conversation
   * is read back first and the post skipped when it is already there.
   */
  private async deliver(key: string, kind: 'reply' | 'note', body: () => string, adminId: string): Promise<void> {
    const state = this.delivery(key)[kind];
    if (state === 'sent' || state === 'failed' || state === 'skipped') return;
    const html = body();
    const messageType = kind === 'reply' ? 'comment' : 'note';
    if (state === 'sending') {
      const parts = await this.client.getConversationParts(this.job.conversationId);
      if (!parts.ok) throw new RetryLaterError(`checking the Intercom conversation failed: ${parts.error.message}`);
      const want = comparableText(html);
      const found = parts.data.some((p) => p.part_type === messageType && p.author?.type !== 'user' && comparableText(p.body ?? '') === want);
      if (found) {
        this.log.info({ kind }, 'intercom post found after a restart; not posting again');
        await this.mark(key, kind, 'sent');
        return;
      }
    } else {
      await this.mark(key, kind, 'sending');
    }
    const r = await this.client.replyAsAdmin(this.job.conversationId, messageType, adminId, html);
    if (r.ok) {
      await this.mark(key, kind, 'sent');
      return;
    }
    if (TRANSIENT.has(r.error.type)) throw new RetryLaterError(`posting the ${kind} failed: ${r.error.message}`);
    this.log.error({ kind, status: r.status, error: r.error }, `Intercom refused the ${kind}; not retrying`);
    await this.mark(key, kind, 'failed');
  }

  private delivery(key: string): Delivery {
    const d = this.conv.deliveries?.find((x) => x.key === key);
    if (!d) throw new Error('delivery record missing');
    return d;
  }

  /** Saves a delivery state change (optimistic; a concurrent writer makes the item retry). */
  private async mark(key: string, kind: 'reply' | 'note', state: DeliveryState): Promise<void> {
    const next: Conversation = {
      ...this.conv,
      deliveries: (this.conv.deliveries ?? []).map((d) => (d.key === key ? { ...d, [kind]: state } : d)),
      version: this.conv.version + 1,
      updatedAt: new Date().toISOString(),
    };
    if (!(await this.deps.store.updateConversation(next))) throw new RetryLaterError('the conversation changed meanwhile');
    this.conv = next;
  }
}

