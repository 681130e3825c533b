import type { InboxItem } from '../store';

/**
 * The inbox's conversation key: deliveries with the same key are processed one at a time,
 * in order (one ticket's or one Intercom conversation's messages).
 */
export function inboxConversationKey(source: InboxItem['source'], tenantId: string, externalId: string): string {
  return `${source}:${tenantId}:${externalId}`;
}
