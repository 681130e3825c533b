import type { CallRecord, Conversation, Delivery, Proposal } from '../../../../shared/conversation';
import { newConversation, type TurnResult } from '../../agent';
import { answerClick, clickedUuid, recordClick } from './clicks';
import { readCustomer } from './contact';
import { DeliveryLog, done, withDelivery } from './delivery';
import { handOff } from './hand-off';
import { textToHtml } from './html';
import { handOffNoteHtml, noteHtml, worthANote } from './note';
import { optionsFor } from './quick-reply';
import type { TurnScope } from './turn-scope';

/**
 * Answers one stored Intercom notification: reads the contact, runs the agent turn, posts
 * the reply as the configured admin and a note for the team. Every step is recorded on the
 * conversation (see `Delivery`), so running the same item again after a crash picks up
 * where it stopped: the turn is not run twice and no reply is posted twice.
 */
export async function runTurn(t: TurnScope): Promise<void> {
  const { store } = t.deps;
  const stored = await store.conversationByExternalId(t.tenantId, 'intercom', t.job.conversationId);
  let delivery = stored?.deliveries?.find((d) => d.key === t.job.notificationId);
  let conv: Conversation;
  let calls: CallRecord[] | undefined;
  if (stored && delivery) {
    conv = stored;
    t.log.info({ reply: delivery.reply, note: delivery.note }, 'intercom turn already ran; finishing its delivery');
  } else {
    // A teammate replied or took the conversation: the AI steps back, once, with a note.
    const teammate = (t.job.admins ?? []).find((a) => a.id !== t.adminId);
    if (teammate) return handOff(t, stored, teammate);
    if (stored?.handedOff) {
      t.log.info({ by: stored.handedOff.by }, 'a teammate has this conversation; the AI does not answer');
      return;
    }
    if (!t.job.text && !t.job.quickReplyUuid) return;
    const uuid = await clickedUuid(t, stored);
    if (uuid !== null) {
      const clicked = await recordClick(t, stored, uuid);
      if (!clicked) return;
      conv = clicked;
    } else {
      const turn = await runAgent(t, stored);
      conv = turn.conversation;
      calls = turn.calls;
    }
    delivery = conv.deliveries!.find((d) => d.key === t.job.notificationId)!;
  }
  if (delivery.messageIndex < 0) {
    await new DeliveryLog(t, conv).post(delivery.key, 'note', () => handOffNoteHtml(conv.handedOff));
    return;
  }
  await answer(t, conv, delivery, calls);
}

/** Posts the turn's answer (with buttons for one new proposal) and, when worth one, a note. */
async function answer(t: TurnScope, saved: Conversation, delivery: Delivery, turnCalls: CallRecord[] | undefined): Promise<void> {
  let conv = saved;
  let calls = turnCalls;
  const user = conv.messages[delivery.messageIndex];
  let pending: Proposal[] = [];
  if (user && !conv.messages[delivery.messageIndex + 1]) {
    // A click recorded before its outcome (a crash in between): the CAS makes running it again safe.
    ({ conv, calls } = await answerClick(t, conv, delivery.messageIndex));
  } else if (user) {
    pending = (await t.deps.agent.proposals(t.tenantId, conv.id)).filter((p) => p.turnId === user.turnId && p.status === 'pending');
  }
  const reply = conv.messages[delivery.messageIndex + 1];
  if (!user || !reply || reply.role !== 'assistant' || reply.turnId !== user.turnId) {
    t.log.error({ messageIndex: delivery.messageIndex }, 'intercom delivery does not match the stored turn; not answering');
    return;
  }
  // One new proposal: the question goes out with buttons, and only their uuids confirm or decline it.
  const options = pending.length === 1 && !done(delivery.reply) ? await optionsFor(t.deps.store, t.tenantId, pending[0]!.id) : null;
  calls ??= (await t.deps.store.listCalls(t.tenantId, { conversationId: conv.id, limit: 1000 })).filter((c) => c.turnId === user.turnId).reverse();
  const report = { conversationId: conv.id, customer: conv.customer, calls, pending, fallback: Boolean(reply.fallback), adminUrl: `${t.deps.config.publicUrl}/admin` };
  const note = worthANote(report);
  const log = new DeliveryLog(t, conv);
  // Known before the reply goes out, so "no note" is saved with "reply sent": one write less per message.
  await log.post(delivery.key, 'reply', () => textToHtml(reply.content), options ?? undefined, note ? {} : { note: 'skipped' });
  if (note) await log.post(delivery.key, 'note', () => noteHtml(report));
  else if (!done(log.record(delivery.key).note)) await log.mark(delivery.key, { note: 'skipped' });
}

/** The agent turn, saved together with the delivery record (one write: a crash leaves both or neither). */
async function runAgent(t: TurnScope, stored: Conversation | null): Promise<TurnResult> {
  const customer = await readCustomer(t.client, t.job.contactId, t.settings.intercom.identityVerification, t.log);
  const base = stored ?? newConversation(t.tenantId, 'intercom', t.job.conversationId, customer);
  const delivery: Delivery = { key: t.job.notificationId, messageIndex: base.messages.length, reply: 'pending', note: 'pending' };
  const conv: Conversation = { ...base, deliveries: withDelivery(base, delivery) };
  // reply() on an unsaved conversation (version 0) creates it, the same as start() would, with our record in it.
  const turn = await t.deps.agent.reply(conv, t.job.text, 'live', customer);
  t.log.info({ calls: turn.calls.length, pending: turn.pending.length, fallback: turn.fallback, verified: customer.verified }, 'intercom turn done');
  return turn;
}
