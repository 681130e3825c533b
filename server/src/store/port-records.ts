import type { CallRecord, Channel, Conversation } from '../../../shared/conversation';

/** Per-action call statistics (test runs and calls waiting for confirmation excluded). */
export interface ActionStat {
  action: string;
  calls: number;
  errors: number;
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** How many rows of each kind one `prune` call deleted. */
export interface PruneCounts {
  conversations: number;
  calls: number;
  audit: number;
  proposals: number;
}

/** A page of a newest-first list; `nextCursor` (opaque) fetches the next one, null at the end. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CallFilter {
  conversationId?: string;
  action?: string;
  /** `ok`, `error`, or an error type such as `timeout`. */
  status?: string;
  limit?: number;
}

/** How a conversation update writes its messages. */
export interface ConversationWrite {
  /**
   * The caller only appended: `c.messages.slice(0, appendedFrom)` are exactly the stored messages
   * of version `c.version - 1` (the version check makes sure the caller read that version), so the
   * adapter writes the head fields and `c.messages.slice(appendedFrom)` only: a turn writes what
   * is new, not the whole history again. Leave it out whenever messages were changed anywhere
   * else (the Intercom handler splices a reply into the middle): the whole conversation is written.
   * Should the stored messages not number `appendedFrom` (a caller's mistake, or a row written by
   * an older version), the whole conversation is written instead: same result, more bytes.
   */
  appendedFrom?: number;
}

/** Conversations, versioned: every update is a compare-and-set on `version`. */
export interface ConversationsPort {
  /** Throws ConflictError when (channel, externalId) is taken. */
  createConversation(c: Conversation): Promise<void>;
  getConversation(tenantId: string, id: string): Promise<Conversation | null>;
  conversationByExternalId(tenantId: string, channel: Channel, externalId: string): Promise<Conversation | null>;
  /**
   * Optimistic: writes only if the stored version is `c.version - 1`; false when someone else wrote
   * first, and then nothing is written (no message either). See ConversationWrite for `appendedFrom`.
   */
  updateConversation(c: Conversation, opts?: ConversationWrite): Promise<boolean>;
  listConversations(tenantId: string, opts: { limit: number; channel?: Channel }): Promise<Conversation[]>;
  /** Newest (updatedAt) first, stable under inserts. A malformed cursor is a ValidationError. */
  pageConversations(tenantId: string, opts: { limit: number; channel?: Channel; cursor?: string }): Promise<Page<Conversation>>;
  /**
   * A turn's writes: the conversation (created when `opts.create`, else an optimistic update as
   * updateConversation) and its call records. The calls are stored whatever happens to the
   * conversation write (they were made). Returns false when the update lost the race; a duplicate
   * (channel, externalId) on create throws ConflictError. One transaction on SQLite.
   * `appendedFrom` (ignored on create) as in updateConversation.
   */
  saveTurn(c: Conversation, calls: CallRecord[], opts: { create: boolean } & ConversationWrite): Promise<boolean>;
}

/** The call log, its statistics, and retention. */
export interface RecordsPort {
  addCalls(tenantId: string, calls: CallRecord[]): Promise<void>;
  listCalls(tenantId: string, filter: CallFilter): Promise<CallRecord[]>;
  /** Newest first in insertion order (across instances), stable under inserts. A malformed cursor is a ValidationError. */
  pageCalls(tenantId: string, filter: CallFilter & { cursor?: string }): Promise<Page<CallRecord>>;
  /** Per action since `since`, sorted by action; test runs and `needs_confirmation` calls count nowhere. */
  actionStats(tenantId: string, since: Date): Promise<ActionStat[]>;
  /**
   * Retention, across all tenants: deletes conversations (by updatedAt), calls, audit entries and
   * finished (or expired) proposals older than `before`, at most `batch` of each kind per call.
   * The caller loops until every count is 0.
   */
  prune(before: Date, batch: number): Promise<PruneCounts>;
}
