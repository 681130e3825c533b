import type { Conversation, Delivery, DeliveryState } from '../../../../shared/conversation';
import { RetryLaterError } from '../../errors';
import type { IntercomErrorType, QuickReplyOption } from './client';
import { comparableText } from './html';
import type { TurnScope } from './turn-scope';

/** Deliveries kept on a conversation: enough to recognise a re-run, bounded for long chats. */
const MAX_DELIVERIES = 100;

/** Failures worth another try later (the inbox retries with backoff); the rest are final. */
const TRANSIENT: ReadonlySet<IntercomErrorType> = new Set(['timeout', 'network', 'rate_limited', 'http_5xx']);

/** A delivery step that will not be tried again. */
export const done = (s: DeliveryState) => s === 'sent' || s === 'failed' || s === 'skipped';

/** The conversation's delivery records with one more, the oldest dropped past the bound. */
export function withDelivery(base: Conversation, delivery: Delivery): Delivery[] {
  return [...(base.deliveries ?? []).slice(-(MAX_DELIVERIES - 1)), delivery];
}

/** Delivery states to save in one write. */
type Marks = Partial<Record<'reply' | 'note', DeliveryState>>;

/**
 * The posts of one delivery and their record on the conversation. Each post is recorded
 * `sending` before it goes out; finding `sending` on a re-run means a crash may have come
 * after the post, so the conversation is read back first and the post skipped when it is
 * already there. Every state change is an optimistic write: a concurrent writer makes the
 * item retry.
 */
export class DeliveryLog {
  constructor(
    private readonly t: TurnScope,
    /** The conversation as last saved. */
    public conv: Conversation,
  ) {}

  record(key: string): Delivery {
    const d = this.conv.deliveries?.find((x) => x.key === key);
    if (!d) throw new Error('delivery record missing');
    return d;
  }

  /**
   * Posts the reply or the note once. `after` is saved with the `sent` mark (a note not needed
   * after this reply): one write instead of two per answered message.
   */
  async post(key: string, kind: 'reply' | 'note', body: () => string, options?: QuickReplyOption[], after: Marks = {}): Promise<void> {
    const state = this.record(key)[kind];
    if (done(state)) return;
    const html = body();
    if (state === 'sending') {
      if (await this.alreadyPosted(kind, html)) {
        this.t.log.info({ kind }, 'intercom post found after a restart; not posting again');
        await this.mark(key, { ...after, [kind]: 'sent' });
        return;
      }
    } else {
      await this.mark(key, { [kind]: 'sending' });
    }
    const { client, job, adminId } = this.t;
    const r = options?.length
      ? await client.replyWithOptions(job.conversationId, adminId, html, options)
      : await client.replyAsAdmin(job.conversationId, kind === 'reply' ? 'comment' : 'note', adminId, html);
    if (r.ok) {
      await this.mark(key, { ...after, [kind]: 'sent' });
      return;
    }
    if (TRANSIENT.has(r.error.type)) throw new RetryLaterError(`posting the ${kind} failed: ${r.error.message}`);
    this.t.log.error({ kind, status: r.status, error: r.error }, `Intercom refused the ${kind}; not retrying`);
    await this.mark(key, { [kind]: 'failed' });
  }

  /** Saves delivery state changes in one optimistic write (of the conversation's head only). */
  async mark(key: string, marks: Marks): Promise<void> {
    const next: Conversation = {
      ...this.conv,
      deliveries: (this.conv.deliveries ?? []).map((d) => (d.key === key ? { ...d, ...marks } : d)),
      version: this.conv.version + 1,
      updatedAt: new Date().toISOString(),
    };
    // Only the head changes: the store writes no message again.
    if (!(await this.t.deps.store.updateConversation(next, { appendedFrom: next.messages.length }))) throw new RetryLaterError('the conversation changed meanwhile');
    this.conv = next;
  }

  /** Whether the conversation in Intercom already shows this post (by us, not the customer). */
  private async alreadyPosted(kind: 'reply' | 'note', html: string): Promise<boolean> {
    const parts = await this.t.client.getConversationParts(this.t.job.conversationId);
    if (!parts.ok) throw new RetryLaterError(`checking the Intercom conversation failed: ${parts.error.message}`);
    const want = comparableText(html);
    const types = kind === 'reply' ? ['comment', 'quick_reply'] : ['note'];
    return parts.data.some((p) => types.includes(p.part_type ?? '') && p.author?.type !== 'user' && comparableText(p.body ?? '') === want);
  }
}
