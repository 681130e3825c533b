/** A webhook delivery waiting to be processed. */
export interface InboxItem {
  id: string;
  tenantId: string;
  source: 'zendesk' | 'intercom';
  /** Deliveries with the same (source, dedupeKey) are stored once. */
  dedupeKey: string;
  /** Items with the same key are processed one at a time, in arrival order. */
  conversationKey: string;
  payload: unknown;
  attempts: number;
  createdAt: string;
}

/** The durable webhook inbox: deliveries stored once, leased one at a time per conversation. */
export interface InboxPort {
  /** Stores a delivery unless one with the same (source, dedupeKey) exists; true when stored. */
  enqueue(item: Omit<InboxItem, 'id' | 'attempts' | 'createdAt'>): Promise<boolean>;
  /**
   * Atomically leases the oldest claimable item to `owner` for `leaseMs`: pending (or whose lease expired),
   * due, and with no earlier unfinished item and no live lease in its conversation.
   */
  claim(owner: string, leaseMs: number): Promise<InboxItem | null>;
  /** Marks done; false if the lease was lost to another worker or has expired (fenced: another may hold it now). */
  complete(id: string, owner: string): Promise<boolean>;
  /** Gives the item back for a retry at `retryAt`, or marks it dead when `retryAt` is null. Fenced as `complete`. */
  fail(id: string, owner: string, error: string, retryAt: Date | null): Promise<void>;
  /**
   * Deletes finished (done or dead) deliveries received before `before`; returns how many.
   * Deduplication only needs the recent ones: helpdesks retry within hours.
   */
  pruneInbox(before: Date): Promise<number>;
  /** True while a conversation has a delivery waiting or in progress (e.g. a draft being made). */
  hasUnfinished(conversationKey: string): Promise<boolean>;
  inboxCounts(): Promise<{ pending: number; leased: number; done: number; dead: number }>;
}
