import { randomUUID } from 'node:crypto';
import type { CallRecord, Conversation, Delivery } from '../../../../shared/conversation';
import { outcomeReply } from '../../agent';
import { ConflictError, RetryLaterError } from '../../errors';
import { withDelivery } from './delivery';
import { clickFor, CONFIRM_LABEL, DECLINE_LABEL, looksLikeAClick, uuidFromConversation } from './quick-reply';
import type { TurnScope } from './turn-scope';

/**
 * The option the customer clicked: named in the notification, or (when the message reads
 * like one of our labels and buttons went out here) on the part in `GET /conversations/{id}`.
 */
export async function clickedUuid(t: TurnScope, stored: Conversation | null): Promise<string | null> {
  if (t.job.quickReplyUuid) return t.job.quickReplyUuid;
  if (!stored || !looksLikeAClick(t.job.text)) return null;
  const asked = (await t.deps.store.listProposals(t.tenantId, stored.id)).some((p) => p.options);
  if (!asked) return null;
  const r = await uuidFromConversation(t.client, t.job.conversationId, t.job.partId);
  if (!r.ok) {
    if (r.transient) throw new RetryLaterError(`reading the Intercom conversation failed: ${r.message}`);
    t.log.warn({ error: r.message }, 'could not read the clicked option; answering as a typed message');
    return null;
  }
  return r.uuid;
}

/**
 * Records a click on a waiting proposal (the customer's message and this delivery) before
 * acting on it, so a re-run after a crash finishes it. A uuid that names no proposal of
 * this conversation, or one already answered (a replayed click), does nothing: null.
 */
export async function recordClick(t: TurnScope, stored: Conversation | null, uuid: string): Promise<Conversation | null> {
  const click = stored ? await clickFor(t.deps.store, t.tenantId, stored.id, uuid) : null;
  if (!stored || !click) {
    t.log.warn('quick-reply click names no proposal of this conversation; ignored');
    return null;
  }
  if (click.proposal.status !== 'pending') {
    t.log.info({ proposalId: click.proposal.id, status: click.proposal.status }, 'quick-reply click on a proposal already answered; ignored');
    return null;
  }
  const now = new Date().toISOString();
  const label = click.answer === 'confirm' ? CONFIRM_LABEL : DECLINE_LABEL;
  const delivery: Delivery = { key: t.job.notificationId, messageIndex: stored.messages.length, reply: 'pending', note: 'pending' };
  const next: Conversation = {
    ...stored,
    messages: [...stored.messages, { role: 'user', content: t.job.text || label, at: now, turnId: randomUUID() }],
    deliveries: withDelivery(stored, delivery),
    version: stored.version + 1,
    updatedAt: now,
  };
  if (!(await t.deps.store.updateConversation(next, { appendedFrom: stored.messages.length }))) throw new RetryLaterError('the conversation changed meanwhile');
  return next;
}

/**
 * Confirms or declines the clicked proposal and adds the outcome as the AI's answer after the
 * customer's message at `messageIndex`. Returns the saved conversation and the call made.
 */
export async function answerClick(t: TurnScope, conv: Conversation, messageIndex: number): Promise<{ conv: Conversation; calls: CallRecord[] }> {
  const uuid = await clickedUuid(t, conv);
  const click = uuid ? await clickFor(t.deps.store, t.tenantId, conv.id, uuid) : null;
  if (!click) return { conv, calls: [] };
  const { confirmations } = t.deps.agent;
  let reply: string;
  let call: CallRecord | undefined;
  try {
    const act = click.answer === 'confirm' ? confirmations.confirm.bind(confirmations) : confirmations.decline.bind(confirmations);
    const out = await act(t.tenantId, conv.id, click.proposal.id, { recordReply: false });
    reply = out.reply;
    call = out.call;
  } catch (err) {
    // Declined or expired meanwhile: the customer hears what became of it.
    if (!(err instanceof ConflictError)) throw err;
    const now = await t.deps.store.getProposal(t.tenantId, click.proposal.id);
    reply = outcomeReply(now ?? click.proposal);
  }
  t.log.info({ proposalId: click.proposal.id, answer: click.answer, ran: Boolean(call) }, 'quick-reply click answered');
  const user = conv.messages[messageIndex]!;
  const fresh = (await t.deps.store.getConversation(t.tenantId, conv.id)) ?? conv;
  const next: Conversation = {
    ...fresh,
    messages: [...fresh.messages.slice(0, messageIndex + 1), { role: 'assistant', content: reply, at: new Date().toISOString(), turnId: user.turnId }, ...fresh.messages.slice(messageIndex + 1)],
    succeeded: call?.ok && !fresh.succeeded.includes(click.proposal.action) ? [...fresh.succeeded, click.proposal.action] : fresh.succeeded,
    version: fresh.version + 1,
    updatedAt: new Date().toISOString(),
  };
  if (!(await t.deps.store.updateConversation(next))) throw new RetryLaterError('the conversation changed meanwhile');
  return { conv: next, calls: call ? [call] : [] };
}
