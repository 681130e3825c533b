import type { Conversation, Message } from '../../../shared/conversation';

/*
 * Both adapters keep a conversation's messages apart from the rest of it (its head), so that a
 * turn appends its new messages instead of writing the whole history again.
 */

/** The stored head: the conversation with `messages: null` (which keeps the keys' order when the messages are put back). */
export function head(c: Conversation): string {
  return JSON.stringify({ ...c, messages: null });
}

/** A head and its messages; a head that still holds its messages (written by an older version) keeps them. */
export function assemble(doc: string, messages: () => Message[]): Conversation {
  const c = JSON.parse(doc) as Conversation;
  if (!Array.isArray(c.messages)) c.messages = messages();
  return c;
}
