import { randomUUID } from 'node:crypto';
import type { CallRecord, Conversation, Delivery, DeliveryState, Proposal } from '../../../../shared/conversation';
import type { Settings } from '../../../../shared/settings';
import type { ChannelDeps } from '../deps';
import type { InboxHandler } from '../../inbox';
import type { InboxItem } from '../../store';
import { IntercomClient, type IntercomErrorType, type QuickReplyOption } from './client';
import { readCustomer } from './contact';
import { comparableText, textToHtml } from './html';
import { handOffNoteHtml, noteHtml, worthANote } from './note';
import { clickFor, CONFIRM_LABEL, DECLINE_LABEL, looksLikeAClick, optionsFor, uuidFromConversation } from './quick-reply';
import { IntercomJob } from './notification';
import { newConversation, outcomeReply } from '../../agent';
import { ConflictError, RetryLaterError } from '../../errors';

/** Deliveries kept on a conversation: enough to recognise a re-run, bounded for long chats. */
const MAX_DELIVERIES = 100;

/** Failures worth another try later (the inbox retries with backoff); the rest are final. */
const TRANSIENT: ReadonlySet<IntercomErrorType> = new Set(['timeout', 'network', 'rate_limited', 'http_5xx']);


/** A delivery step that will not be tried again. */
const done = (s: DeliveryState) => s === 'sent' || s === 'failed' || s === 'skipped';

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
    const adminId = ic.adminId;

    const stored = await store.conversationByExternalId(this.tenantId, 'intercom', this.job.conversationId);
    let delivery = stored?.deliveries?.find((d) => d.key === this.job.notificationId);
    let calls: CallRecord[] | undefined;
    if (stored && delivery) {
      this.conv = stored;
      this.log.info({ reply: delivery.reply, note: delivery.note }, 'intercom turn already ran; finishing its delivery');
    } else {
      // A teammate replied or took the conversation: the AI steps back, once, with a note.
      const teammate = (this.job.admins ?? []).find((a) => a.id !== adminId);
      if (teammate) return this.handOff(stored, teammate, adminId);
      if (stored?.handedOff) {
        this.log.info({ by: stored.handedOff.by }, 'a teammate has this conversation; the AI does not answer');
        return;
      }
      if (!this.job.text && !this.job.quickReplyUuid) return;
      const uuid = await this.clickedUuid(stored);
      if (uuid !== null) {
        if (!(await this.recordClick(stored, uuid))) return;
      } else {
        const t = await this.runAgent(stored);
        this.conv = t.conversation;
        calls = t.calls;
      }
      delivery = this.conv.deliveries!.find((d) => d.key === this.job.notificationId)!;
    }
    if (delivery.messageIndex < 0) {
      await this.deliver(delivery.key, 'note', () => handOffNoteHtml(this.conv.handedOff), adminId);
      return;
    }

    const user = this.conv.messages[delivery.messageIndex];
    let pending: Proposal[] = [];
    if (user && !this.conv.messages[delivery.messageIndex + 1]) {
      // A click recorded before its outcome (a crash in between): the CAS makes running it again safe.
      calls = await this.answerClick(delivery.messageIndex);
    } else if (user) {
      pending = (await this.deps.agent.proposals(this.tenantId, this.conv.id)).filter((p) => p.turnId === user.turnId && p.status === 'pending');
    }
    const answer = this.conv.messages[delivery.messageIndex + 1];
    if (!user || !answer || answer.role !== 'assistant' || answer.turnId !== user.turnId) {
      this.log.error({ messageIndex: delivery.messageIndex }, 'intercom delivery does not match the stored turn; not answering');
      return;
    }
    // One new proposal: the question goes out with buttons, and only their uuids confirm or decline it.
    const options = pending.length === 1 && !done(delivery.reply) ? await optionsFor(this.deps.store, this.tenantId, pending[0]!.id) : null;
    await this.deliver(delivery.key, 'reply', () => textToHtml(answer.content), adminId, options ?? undefined);

    calls ??= (await store.listCalls(this.tenantId, { conversationId: this.conv.id, limit: 1000 })).filter((c) => c.turnId === user.turnId).reverse();
    const report = { conversationId: this.conv.id, customer: this.conv.customer, calls, pending, fallback: Boolean(answer.fallback), adminUrl: `${this.deps.config.publicUrl}/admin` };
    if (worthANote(report)) await this.deliver(delivery.key, 'note', () => noteHtml(report), adminId);
    else await this.mark(delivery.key, 'note', 'skipped');
  }

  /**
   * The option the customer clicked: named in the notification, or (when the message reads
   * like one of our labels and buttons went out here) on the part in `GET /conversations/{id}`.
   */
  private async clickedUuid(stored: Conversation | null): Promise<string | null> {
    if (this.job.quickReplyUuid) return this.job.quickReplyUuid;
    if (!stored || !looksLikeAClick(this.job.text)) return null;
    const asked = (await this.deps.store.listProposals(this.tenantId, stored.id)).some((p) => p.options);
    if (!asked) return null;
    const r = await uuidFromConversation(this.client, this.job.conversationId, this.job.partId);
    if (!r.ok) {
      if (r.transient) throw new RetryLaterError(`reading the Intercom conversation failed: ${r.message}`);
      this.log.warn({ error: r.message }, 'could not read the clicked option; answering as a typed message');
      return null;
    }
    return r.uuid;
  }

  /**
   * Records a click on a waiting proposal (the customer's message and this delivery) before
   * acting on it, so a re-run after a crash finishes it. A uuid that names no proposal of
   * this conversation, or one already answered (a replayed click), does nothing.
   */
  private async recordClick(stored: Conversation | null, uuid: string): Promise<boolean> {
    const click = stored ? await clickFor(this.deps.store, this.tenantId, stored.id, uuid) : null;
    if (!stored || !click) {
      this.log.warn('quick-reply click names no proposal of this conversation; ignored');
      return false;
    }
    if (click.proposal.status !== 'pending') {
      this.log.info({ proposalId: click.proposal.id, status: click.proposal.status }, 'quick-reply click on a proposal already answered; ignored');
      return false;
    }
    const now = new Date().toISOString();
    const label = click.answer === 'confirm' ? CONFIRM_LABEL : DECLINE_LABEL;
    const delivery: Delivery = { key: this.job.notificationId, messageIndex: stored.messages.length, reply: 'pending', note: 'pending' };
    const next: Conversation = {
      ...stored,
      messages: [...stored.messages, { role: 'user', content: this.job.text || label, at: now, turnId: randomUUID() }],
      deliveries: [...(stored.deliveries ?? []).slice(-(MAX_DELIVERIES - 1)), delivery],
      version: stored.version + 1,
      updatedAt: now,
    };
    if (!(await this.deps.store.updateConversation(next))) throw new RetryLaterError('the conversation changed meanwhile');
    this.conv = next;
    return true;
  }

  /** Confirms or declines the clicked proposal and adds the outcome as the AI's answer. Returns the call made. */
  private async answerClick(messageIndex: number): Promise<CallRecord[]> {
    const uuid = await this.clickedUuid(this.conv);
    const click = uuid ? await clickFor(this.deps.store, this.tenantId, this.conv.id, uuid) : null;
    if (!click) return [];
    const { confirmations } = this.deps.agent;
    let reply: string;
    let call: CallRecord | undefined;
    try {
      const act = click.answer === 'confirm' ? confirmations.confirm.bind(confirmations) : confirmations.decline.bind(confirmations);
      const out = await act(this.tenantId, this.conv.id, click.proposal.id, { recordReply: false });
      reply = out.reply;
      call = out.call;
    } catch (err) {
      // Declined or expired meanwhile: the customer hears what became of it.
      if (!(err instanceof ConflictError)) throw err;
      const now = await this.deps.store.getProposal(this.tenantId, click.proposal.id);
      reply = outcomeReply(now ?? click.proposal);
    }
    this.log.info({ proposalId: click.proposal.id, answer: click.answer, ran: Boolean(call) }, 'quick-reply click answered');
    const user = this.conv.messages[messageIndex]!;
    const fresh = (await this.deps.store.getConversation(this.tenantId, this.conv.id)) ?? this.conv;
    const next: Conversation = {
      ...fresh,
      messages: [...fresh.messages.slice(0, messageIndex + 1), { role: 'assistant', content: reply, at: new Date().toISOString(), turnId: user.turnId }, ...fresh.messages.slice(messageIndex + 1)],
      succeeded: call?.ok && !fresh.succeeded.includes(click.proposal.action) ? [...fresh.succeeded, click.proposal.action] : fresh.succeeded,
      version: fresh.version + 1,
      updatedAt: new Date().toISOString(),
    };
    if (!(await this.deps.store.updateConversation(next))) throw new RetryLaterError('the conversation changed meanwhile');
    this.conv = next;
    return call ? [call] : [];
  }

  /** Marks the conversation as a teammate's and posts one note saying the AI stepped back. */
  private async handOff(stored: Conversation | null, who: { id: string; reason: 'replied' | 'assigned' }, adminId: string): Promise<void> {
    if (stored?.handedOff) {
      this.log.info({ by: who.id }, 'conversation already handed over');
      return;
    }
    const base = stored ?? newConversation(this.tenantId, 'intercom', this.job.conversationId, { verified: false });
    const now = new Date().toISOString();
    // messageIndex -1: this delivery answers no customer message, it carries only the note.
    const delivery: Delivery = { key: this.job.notificationId, messageIndex: -1, reply: 'skipped', note: 'pending' };
    const next: Conversation = {
      ...base,
      needsHuman: true,
      handedOff: { at: now, by: who.id, reason: who.reason },
      deliveries: [...(base.deliveries ?? []).slice(-(MAX_DELIVERIES - 1)), delivery],
      version: base.version + 1,
      updatedAt: now,
    };
    if (stored) {
      if (!(await this.deps.store.updateConversation(next))) throw new RetryLaterError('the conversation changed meanwhile');
    } else {
      try {
        await this.deps.store.createConversation(next);
      } catch (err) {
        if (err instanceof ConflictError) throw new RetryLaterError('the conversation was created meanwhile');
        throw err;
      }
    }
    this.conv = next;
    this.log.info({ by: who.id, reason: who.reason }, 'a teammate took over; the AI steps back');
    await this.deliver(delivery.key, 'note', () => handOffNoteHtml(next.handedOff), adminId);
  }

  /** The agent turn, saved together with the delivery record (one write: a crash leaves both or neither). */
  private async runAgent(stored: Conversation | null) {
    const customer = await readCustomer(this.client, this.job.contactId, this.settings.intercom.identityVerification, this.log);
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
   * Posts the reply or the note once. The record says `sending` before the post; finding
   * `sending` on a re-run means a crash may have come after the post, so the conversation
   * is read back first and the post skipped when it is already there.
   */
  private async deliver(key: string, kind: 'reply' | 'note', body: () => string, adminId: string, options?: QuickReplyOption[]): Promise<void> {
    const state = this.delivery(key)[kind];
    if (state === 'sent' || state === 'failed' || state === 'skipped') return;
    const html = body();
    const messageType = kind === 'reply' ? 'comment' : 'note';
    if (state === 'sending') {
      const parts = await this.client.getConversationParts(this.job.conversationId);
      if (!parts.ok) throw new RetryLaterError(`checking the Intercom conversation failed: ${parts.error.message}`);
      const want = comparableText(html);
      const types = kind === 'reply' ? ['comment', 'quick_reply'] : ['note'];
      const found = parts.data.some((p) => types.includes(p.part_type ?? '') && p.author?.type !== 'user' && comparableText(p.body ?? '') === want);
      if (found) {
        this.log.info({ kind }, 'intercom post found after a restart; not posting again');
        await this.mark(key, kind, 'sent');
        return;
      }
    } else {
      await this.mark(key, kind, 'sending');
    }
    const r = options?.length
      ? await this.client.replyWithOptions(this.job.conversationId, adminId, html, options)
      : await this.client.replyAsAdmin(this.job.conversationId, messageType, adminId, html);
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

