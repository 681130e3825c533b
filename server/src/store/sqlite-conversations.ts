import type { Conversation, Message } from '../../../shared/conversation';
import { assemble, head } from './conversation-head';
import { ConflictError } from '../errors';
import { decodeCursor, pageLimit, pageOf } from './paging';
import type { ConversationsPort } from './port';
import { unique, type SqliteCtx } from './sqlite-context';
import { insertCalls } from './sqlite-records';
import type { Row } from './sqlite-schema';

/**
 * Conversations on SQLite: a head row (the conversation without its messages, as JSON, updated as
 * a compare-and-set on `version`) and one row per message in `conversation_messages`, so that a
 * turn inserts its new messages instead of rewriting the whole history. Message rows go with
 * their conversation (ON DELETE CASCADE: retention and any delete).
 */
export function sqliteConversations(ctx: SqliteCtx): ConversationsPort {
  const { q } = ctx;
  const addMessages = (c: Conversation, from: number): void => {
    const ins = q('INSERT INTO conversation_messages (conversation_id, idx, doc) VALUES (?, ?, ?)');
    for (let i = from; i < c.messages.length; i++) ins.run(c.id, i, JSON.stringify(c.messages[i]));
  };
  /** In the caller's transaction. */
  const insert = (c: Conversation): void => {
    unique(`a conversation for ${c.channel} ${c.externalId} already exists`, () =>
      q('INSERT INTO conversations (id, tenant_id, channel, external_id, doc, version, updated_at, message_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        c.id,
        c.tenantId,
        c.channel,
        c.externalId,
        head(c),
        c.version,
        c.updatedAt,
        c.messages.length,
      ),
    );
    addMessages(c, 0);
  };
  /** In the caller's transaction: the append when the stored count fits, else the whole conversation. */
  const update = (c: Conversation, appendedFrom: number | undefined): boolean => {
    const set = 'UPDATE conversations SET doc = @doc, version = @version, updated_at = @at, message_count = @count';
    const args = { doc: head(c), version: c.version, at: c.updatedAt, count: c.messages.length, tenantId: c.tenantId, id: c.id, prev: c.version - 1 };
    const where = 'WHERE tenant_id = @tenantId AND id = @id AND version = @prev';
    if (appendedFrom !== undefined && appendedFrom >= 0 && appendedFrom <= c.messages.length) {
      if (q(`${set} ${where} AND message_count = @from`).run({ ...args, from: appendedFrom }).changes === 1) {
        addMessages(c, appendedFrom);
        return true;
      }
    }
    if (q(`${set} ${where}`).run(args).changes !== 1) return false;
    q('DELETE FROM conversation_messages WHERE conversation_id = ?').run(c.id);
    addMessages(c, 0);
    return true;
  };
  const messagesOf = (id: string): Message[] =>
    ctx.all('SELECT doc FROM conversation_messages WHERE conversation_id = ? ORDER BY idx', (r) => JSON.parse(r.doc as string) as Message, id);
  const one = (r: Row | null): Conversation | null => (r ? assemble(r.doc as string, () => messagesOf(r.id as string)) : null);

  const pageConversations: ConversationsPort['pageConversations'] = async (tenantId, opts) => {
    const where = ['tenant_id = @tenantId'];
    if (opts.channel) where.push('channel = @channel');
    const after = decodeCursor(opts.cursor);
    if (after) where.push('(updated_at < @at OR (updated_at = @at AND id < @id))');
    const limit = pageLimit(opts.limit);
    const rows = q(`SELECT id, updated_at, doc FROM conversations WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id DESC LIMIT @n`).all({
      tenantId,
      ...(opts.channel ? { channel: opts.channel } : {}),
      ...(after ? { at: String(after[0]), id: after[1] } : {}),
      n: limit + 1,
    }) as Row[];
    // One query for the messages of the whole page, not one per conversation.
    const byConversation = new Map<string, Message[]>();
    const ids = JSON.stringify(rows.slice(0, limit).map((r) => r.id));
    for (const m of q('SELECT conversation_id, doc FROM conversation_messages WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY conversation_id, idx').all(ids) as Row[]) {
      const list = byConversation.get(m.conversation_id as string) ?? [];
      if (list.length === 0) byConversation.set(m.conversation_id as string, list);
      list.push(JSON.parse(m.doc as string) as Message);
    }
    return pageOf(rows, limit, (r) => assemble(r.doc as string, () => byConversation.get(r.id as string) ?? []), (r) => [r.updated_at as string, r.id as string]);
  };
  return {
    async createConversation(c) {
      ctx.tx(() => insert(c));
    },
    async getConversation(tenantId, id) {
      return one(ctx.one('SELECT id, doc FROM conversations WHERE tenant_id = ? AND id = ?', (r) => r, tenantId, id));
    },
    async conversationByExternalId(tenantId, channel, externalId) {
      return one(ctx.one('SELECT id, doc FROM conversations WHERE tenant_id = ? AND channel = ? AND external_id = ?', (r) => r, tenantId, channel, externalId));
    },
    async updateConversation(c, opts = {}) {
      return ctx.tx(() => update(c, opts.appendedFrom));
    },
    async listConversations(tenantId, opts) {
      return opts.limit <= 0 ? [] : (await pageConversations(tenantId, opts)).items;
    },
    pageConversations,
    async saveTurn(c, calls, opts) {
      let conflict: unknown;
      const ok = await ctx.batch(() => {
        let written = false;
        try {
          if (opts.create) (insert(c), (written = true));
          else written = update(c, opts.appendedFrom);
        } catch (err) {
          // The calls were made whatever happens to the conversation: keep them, then report the conflict.
          if (!(err instanceof ConflictError)) throw err;
          conflict = err;
        }
        insertCalls(ctx, c.tenantId, calls);
        return written;
      });
      if (conflict) throw conflict;
      return ok;
    },
  };
}
