import type { Conversation } from '../../../shared/conversation';
import { ConflictError } from '../errors';
import { decodeCursor, pageLimit, pageOf } from './paging';
import type { ConversationsPort } from './port';
import { unique, type SqliteCtx } from './sqlite-context';
import { insertCalls } from './sqlite-records';
import type { Row } from './sqlite-schema';

/** Conversations on SQLite: a JSON document per conversation, updated as a compare-and-set on `version`. */
export function sqliteConversations(ctx: SqliteCtx): ConversationsPort {
  const { q } = ctx;
  const insert = (c: Conversation): void => {
    unique(`a conversation for ${c.channel} ${c.externalId} already exists`, () =>
      q('INSERT INTO conversations (id, tenant_id, channel, external_id, doc, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        c.id,
        c.tenantId,
        c.channel,
        c.externalId,
        JSON.stringify(c),
        c.version,
        c.updatedAt,
      ),
    );
  };
  const update = (c: Conversation): boolean =>
    q('UPDATE conversations SET doc = ?, version = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND version = ?').run(
      JSON.stringify(c),
      c.version,
      c.updatedAt,
      c.tenantId,
      c.id,
      c.version - 1,
    ).changes === 1;
  const one = (r: Row | undefined): Conversation | null => (r ? (JSON.parse(r.doc as string) as Conversation) : null);
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
    return pageOf(rows, limit, (r) => one(r)!, (r) => [r.updated_at as string, r.id as string]);
  };
  return {
    async createConversation(c) {
      insert(c);
    },
    async getConversation(tenantId, id) {
      return one(q('SELECT doc FROM conversations WHERE tenant_id = ? AND id = ?').get(tenantId, id) as Row | undefined);
    },
    async conversationByExternalId(tenantId, channel, externalId) {
      return one(q('SELECT doc FROM conversations WHERE tenant_id = ? AND channel = ? AND external_id = ?').get(tenantId, channel, externalId) as Row | undefined);
    },
    async updateConversation(c) {
      return update(c);
    },
    async listConversations(tenantId, opts) {
      return opts.limit <= 0 ? [] : (await pageConversations(tenantId, opts)).items;
    },
    pageConversations,
    async saveTurn(c, calls, opts) {
      let conflict: unknown;
      const ok = ctx.tx(() => {
        let written = false;
        try {
          if (opts.create) (insert(c), (written = true));
          else written = update(c);
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
