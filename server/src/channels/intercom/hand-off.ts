import type { Conversation, Delivery } from '../../../../shared/conversation';
import { newConversation } from '../../agent';
import { ConflictError, RetryLaterError } from '../../errors';
import { DeliveryLog, withDelivery } from './delivery';
import { handOffNoteHtml } from './note';
import type { TurnScope } from './turn-scope';

/** A teammate who replied in the conversation or was assigned it. */
export type Teammate = { id: string; reason: 'replied' | 'assigned' };

/**
 * Marks the conversation as a teammate's (`needsHuman`, `handedOff`) and posts one note
 * saying the AI stepped back; the AI answers nothing in it afterwards. Done once: a
 * conversation already handed over gets no second note.
 */
export async function handOff(t: TurnScope, stored: Conversation | null, who: Teammate): Promise<void> {
  if (stored?.handedOff) {
    t.log.info({ by: who.id }, 'conversation already handed over');
    return;
  }
  const base = stored ?? newConversation(t.tenantId, 'intercom', t.job.conversationId, { verified: false });
  const now = new Date().toISOString();
  // messageIndex -1: this delivery answers no customer message, it carries only the note.
  const delivery: Delivery = { key: t.job.notificationId, messageIndex: -1, reply: 'skipped', note: 'pending' };
  const next: Conversation = {
    ...base,
    needsHuman: true,
    handedOff: { at: now, by: who.id, reason: who.reason },
    deliveries: withDelivery(base, delivery),
    version: base.version + 1,
    updatedAt: now,
  };
  if (stored) {
    if (!(await t.deps.store.updateConversation(next, { appendedFrom: next.messages.length }))) throw new RetryLaterError('the conversation changed meanwhile');
  } else {
    try {
      await t.deps.store.createConversation(next);
    } catch (err) {
      if (err instanceof ConflictError) throw new RetryLaterError('the conversation was created meanwhile');
      throw err;
    }
  }
  t.log.info({ by: who.id, reason: who.reason }, 'a teammate took over; the AI steps back');
  await new DeliveryLog(t, next).post(delivery.key, 'note', () => handOffNoteHtml(next.handedOff));
}
