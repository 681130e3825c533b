import type { Conversation, Message } from '../../../shared/conversation';
import type { MongoCtx } from './mongo-context';
import type { ConversationDoc } from './mongo-docs';
import { addCalls } from './mongo-records';
import { conflict } from './mongo-util';
import { decodeCursor, pageLimit, pageOf } from './paging';
import type { ConversationsPort } from './port';
import { assemble, head } from './conversation-head';

/**
 * Conversations on MongoDB: the head (the conversation without its messages, as JSON) and the
 * messages (one JSON text each) in one document, updated as a compare-and-set on `version`. A
 * turn pushes its new messages instead of rewriting the whole history.
 */
export function mongoConversations(ctx: MongoCtx): ConversationsPort {
  const { m } = ctx;
  const one = (d: Pick<ConversationDoc, 'doc' | 'messages'> | null): Conversation | null =>
    d ? assemble(d.doc, () => (d.messages ?? []).map((t) => JSON.parse(t) as Message)) : null;
  const texts = (c: Conversation, from: number): string[] => c.messages.slice(from).map((x) => JSON.stringify(x));
  const create = async (c: Conversation): Promise<void> => {
    await conflict(`a conversation for ${c.channel} ${c.externalId} already exists`, () =>
      m.Conversation.insertOne({
        _id: c.id,
        tenantId: c.tenantId,
        channel: c.channel,
        externalId: c.externalId,
        doc: head(c),
        messages: texts(c, 0),
        version: c.version,
        updatedAt: new Date(c.updatedAt),
      }),
    );
  };
  const update = async (c: Conversation, appendedFrom: number | undefined): Promise<boolean> => {
    // The version in the filter makes this a compare-and-set: a writer that read an older version matches nothing.
    const match = { _id: c.id, tenantId: c.tenantId, version: c.version - 1 };
    const set = { doc: head(c), version: c.version, updatedAt: new Date(c.updatedAt) };
    if (appendedFrom !== undefined && appendedFrom >= 0 && appendedFrom <= c.messages.length) {
      // $size: only where the stored messages are the prefix the caller read (never on a document of the older shape).
      const r = await m.Conversation.updateOne({ ...match, messages: { $size: appendedFrom } }, { $set: set, $push: { messages: { $each: texts(c, appendedFrom) } } });
      if (r.matchedCount === 1) return true;
    }
    const r = await m.Conversation.updateOne(match, { $set: { ...set, messages: texts(c, 0) } });
    return r.matchedCount === 1;
  };
  const pageConversations: ConversationsPort['pageConversations'] = async (tenantId, opts) => {
    const q: Record<string, unknown> = opts.channel ? { tenantId, channel: opts.channel } : { tenantId };
    const after = decodeCursor(opts.cursor);
    if (after) {
      const at = new Date(String(after[0]));
      q.$or = [{ updatedAt: { $lt: at } }, { updatedAt: at, _id: { $lt: after[1] } }];
    }
    const limit = pageLimit(opts.limit);
    const docs = await m.Conversation.find(q).sort({ updatedAt: -1, _id: -1 }).limit(limit + 1).lean();
    return pageOf(docs, limit, (d) => one(d)!, (d) => [d.updatedAt.toISOString(), d._id]);
  };
  return {
    createConversation: create,
    async getConversation(tenantId, id) {
      return one(await m.Conversation.findOne({ _id: id, tenantId }).lean());
    },
    async conversationByExternalId(tenantId, channel, externalId) {
      // The $type repeats the partial index's filter, so the planner may use that index.
      return one(await m.Conversation.findOne({ tenantId, channel, externalId: { $eq: externalId, $type: 'string' } }).lean());
    },
    async updateConversation(c, opts = {}) {
      return update(c, opts.appendedFrom);
    },
    async listConversations(tenantId, opts) {
      return opts.limit <= 0 ? [] : (await pageConversations(tenantId, opts)).items;
    },
    pageConversations,
    /** Both writes at once: the calls are stored even when the conversation write loses the race (they were made). */
    async saveTurn(c, calls, opts) {
      const [conv, stored] = await Promise.allSettled([opts.create ? create(c).then(() => true) : update(c, opts.appendedFrom), addCalls(ctx, c.tenantId, calls)]);
      if (stored.status === 'rejected') throw stored.reason;
      if (conv.status === 'rejected') throw conv.reason;
      return conv.value;
    },
  };
}
