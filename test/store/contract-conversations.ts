import { randomUUID } from 'node:crypto';
import type { Conversation, Message } from '../../shared/conversation';
import type { Store } from '../../server/src/store/port';
import { call, conversation } from './builders';

let clock = Date.parse('2026-01-01T00:00:00Z');
const msg = (role: Message['role'], content: string): Message => ({ role, content, at: new Date((clock += 1000)).toISOString(), turnId: `t-${content}` });

/** The conversation after one more turn (a user message and a reply), as the agent writes it. */
function turn(c: Conversation, n: number): Conversation {
  return { ...c, messages: [...c.messages, msg('user', `q${n}`), msg('assistant', `a${n}`)], version: c.version + 1, updatedAt: new Date((clock += 1000)).toISOString() };
}

/** Conversation writes: appends (`appendedFrom`) against full rewrites, on every adapter. */
export function describeConversationWritesContract(getStore: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = getStore();
  });
  const tenant = () => store.createTenant('a', `h-${randomUUID()}`);

  describe('conversation appends', () => {
    test('an append keeps the stored prefix and adds the new messages, through every read', async () => {
      const t = await tenant();
      const c1 = conversation(t.id, { channel: 'zendesk', externalId: `zd-${randomUUID()}` });
      expect(await store.saveTurn(c1, [], { create: true })).toBe(true);
      const c2 = { ...turn(c1, 1), needsHuman: true, succeeded: ['lookup_order'] };
      expect(await store.saveTurn(c2, [call(c1.id, 'lookup_order')], { create: false, appendedFrom: c1.messages.length })).toBe(true);
      const c3 = turn(c2, 2);
      expect(await store.updateConversation(c3, { appendedFrom: c2.messages.length })).toBe(true);
      expect((await store.getConversation(t.id, c1.id))?.messages.map((m) => m.content)).toEqual(['Where is my order?', 'q1', 'a1', 'q2', 'a2']);
      expect(await store.getConversation(t.id, c1.id)).toEqual(c3);
      expect(await store.conversationByExternalId(t.id, 'zendesk', c1.externalId!)).toEqual(c3);
      expect(await store.listConversations(t.id, { limit: 10 })).toEqual([c3]);
      // An append that adds nothing (a head-only change) is an append too.
      const c4 = { ...c3, version: 4, needsHuman: false };
      expect(await store.updateConversation(c4, { appendedFrom: c3.messages.length })).toBe(true);
      expect(await store.getConversation(t.id, c1.id)).toEqual(c4);
    });

    test('a stale append loses and writes nothing: no message of it is stored', async () => {
      const t = await tenant();
      const c1 = conversation(t.id);
      await store.createConversation(c1);
      const winner = turn(c1, 1);
      expect(await store.updateConversation(winner, { appendedFrom: 1 })).toBe(true);
      // Read version 1 too, appends as version 2: the stored version is 2 already.
      const loser = turn(c1, 9);
      const calls = [call(c1.id, 'cancel_order')];
      expect(await store.saveTurn(loser, calls, { create: false, appendedFrom: 1 })).toBe(false);
      expect(await store.updateConversation(loser, { appendedFrom: 1 })).toBe(false);
      // Even with a count that matches what is stored now, the version decides.
      expect(await store.updateConversation({ ...turn(winner, 9), version: 2 }, { appendedFrom: 3 })).toBe(false);
      expect(await store.getConversation(t.id, c1.id)).toEqual(winner);
      expect((await store.listCalls(t.id, { conversationId: c1.id })).map((c) => c.id)).toEqual([calls[0]!.id]); // the calls were made: kept
      // The winner's next append still lines up.
      const next = turn(winner, 2);
      expect(await store.updateConversation(next, { appendedFrom: winner.messages.length })).toBe(true);
      expect(await store.getConversation(t.id, c1.id)).toEqual(next);
    });

    test('without the hint the whole conversation is written: a reply spliced into the middle', async () => {
      const t = await tenant();
      const c2 = turn(conversation(t.id), 1);
      await store.createConversation({ ...c2, version: 1 });
      const spliced: Conversation = { ...c2, version: 2, messages: [c2.messages[0]!, msg('assistant', 'spliced'), ...c2.messages.slice(1)] };
      expect(await store.updateConversation(spliced)).toBe(true);
      expect(await store.getConversation(t.id, c2.id)).toEqual(spliced);
      // Fewer messages than stored (a rewrite may drop some) leaves none of the old ones behind.
      const shorter: Conversation = { ...spliced, version: 3, messages: spliced.messages.slice(0, 2) };
      expect(await store.saveTurn(shorter, [], { create: false })).toBe(true);
      expect(await store.getConversation(t.id, c2.id)).toEqual(shorter);
      const next = turn(shorter, 2);
      expect(await store.updateConversation(next, { appendedFrom: 2 })).toBe(true);
      expect(await store.getConversation(t.id, c2.id)).toEqual(next);
    });

    test('a hint that does not match the stored messages writes the whole conversation instead', async () => {
      const t = await tenant();
      const c1 = conversation(t.id);
      await store.createConversation(c1);
      const c2 = turn(c1, 1);
      expect(await store.updateConversation(c2, { appendedFrom: 2 })).toBe(true); // 1 message stored, not 2
      expect(await store.getConversation(t.id, c1.id)).toEqual(c2);
      const c3 = turn(c2, 2);
      expect(await store.updateConversation(c3, { appendedFrom: 99 })).toBe(true); // past the end
      expect(await store.getConversation(t.id, c1.id)).toEqual(c3);
    });

    test('pages give each conversation its own messages, in order', async () => {
      const t = await tenant();
      const convs: Conversation[] = [];
      for (let i = 0; i < 5; i++) {
        let c = conversation(t.id, { updatedAt: new Date(Date.parse('2026-02-01T00:00:00Z') + i * 1000).toISOString() });
        await store.createConversation(c);
        for (let n = 0; n < i; n++) {
          const next = { ...turn(c, n), updatedAt: c.updatedAt };
          expect(await store.updateConversation(next, { appendedFrom: c.messages.length })).toBe(true);
          c = next;
        }
        convs.push(c);
      }
      const newestFirst = [...convs].reverse();
      const first = await store.pageConversations(t.id, { limit: 3 });
      const second = await store.pageConversations(t.id, { limit: 3, cursor: first.nextCursor! });
      expect([...first.items, ...second.items]).toEqual(newestFirst);
      expect(second.nextCursor).toBeNull();
    });

    test('retention removes a conversation with its messages', async () => {
      const t = await tenant();
      const old = new Date(Date.now() - 90 * 86_400_000).toISOString();
      const c = turn(conversation(t.id, { createdAt: old, updatedAt: old }), 1);
      await store.createConversation({ ...c, version: 1, updatedAt: old });
      expect((await store.prune(new Date(Date.now() - 30 * 86_400_000), 100)).conversations).toBe(1);
      expect(await store.getConversation(t.id, c.id)).toBeNull();
      // The same id again (an import, a test): nothing of the old messages comes back.
      const again = conversation(t.id, { id: c.id });
      await store.createConversation(again);
      expect(await store.getConversation(t.id, c.id)).toEqual(again);
    });
  });
}
