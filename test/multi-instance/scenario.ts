import fs from 'node:fs';
import path from 'node:path';
import { ACCESS_TOKEN, configureIntercom, deliver, notification, waitFor, type MessageSpec } from '../intercom/helpers';
import { startFakeIntercom, type FakeIntercom } from '../intercom/fake-intercom';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api } from '../support/server';
import { killAll, startInstance, stopInstance, type Instance } from './processes';

/** One store shared by the instances of a test, made fresh for each test. */
export interface SharedStore {
  /** DATA_DIR, ENCRYPTION_KEY, and MONGODB_URI for MongoDB: what both processes get. */
  env: Record<string, string>;
  inboxCounts(): Promise<{ pending: number; leased: number; done: number; dead: number }>;
  cleanup(): Promise<void>;
}

const CONVERSATIONS = 6;
const TURNS = 4;
const text = (c: number, t: number) => `conversation ${c} turn ${t}`;

/** CONVERSATIONS x TURNS customer messages; a conversation's first one opens it, the others reply. */
function messages(run: string): MessageSpec[][] {
  const rounds: MessageSpec[][] = [];
  for (let t = 0; t < TURNS; t++) {
    rounds.push(
      Array.from({ length: CONVERSATIONS }, (_, c) => ({
        id: `${run}-n-${c}-${t}`,
        conversationId: `${run}${c}`,
        contactId: `${run}-contact-${c}`,
        authorType: 'lead' as const,
        body: text(c, t),
        ...(t > 0 ? { topic: 'conversation.user.replied' } : {}),
      })),
    );
  }
  return rounds;
}

/**
 * Two server processes on one store, webhook deliveries sent alternately to both. Each
 * instance has its own model stand-in, so the test knows which instance ran which turn.
 */
export function describeMultiInstance(label: string, makeStore: () => Promise<SharedStore>): void {
  describe(`two instances on one ${label} store`, () => {
    let llmA: FakeOpenAI;
    let llmB: FakeOpenAI;
    let intercom: FakeIntercom;
    let store: SharedStore | undefined;
    const answer = (req: { messages: { role: string; content: string | null }[] }) => ({ content: `Answer to: ${req.messages.filter((m) => m.role === 'user').pop()!.content}` });

    beforeEach(async () => {
      llmA = await startFakeOpenAI(answer);
      llmB = await startFakeOpenAI(answer);
      intercom = await startFakeIntercom(ACCESS_TOKEN);
      store = await makeStore();
    });
    afterEach(async () => {
      killAll();
      await llmA?.close();
      await llmB?.close();
      await intercom?.close();
      await store?.cleanup();
    });

    /** A then B (A creates the default tenant; B finds it), Intercom configured through A. */
    async function startBoth(extra: Record<string, string>) {
      const a = await startInstance('A', { ...store!.env, OPENAI_API_KEY: 'sk-test-not-a-real-key', OPENAI_BASE_URL: llmA.url, ALLOWED_PRIVATE_HOSTS: '127.0.0.1', ...extra });
      const token = fs.readFileSync(path.join(store!.env.DATA_DIR!, 'admin-token'), 'utf8').trim();
      await configureIntercom(a.url, token, intercom.base);
      const b = await startInstance('B', { ...store!.env, OPENAI_API_KEY: 'sk-test-not-a-real-key', OPENAI_BASE_URL: llmB.url, ALLOWED_PRIVATE_HOSTS: '127.0.0.1', ...extra });
      return { a, b, token };
    }

    /** Round by round (a conversation's messages in order), the round's deliveries at once, alternating instances. */
    async function sendAll(rounds: MessageSpec[][], to: Instance[]) {
      let k = 0;
      for (const round of rounds) {
        const sent = await Promise.all(round.map((m) => deliver(to[k++ % to.length]!.url, notification(m))));
        for (const r of sent) expect([r.status, r.text]).toEqual([200, expect.stringContaining('"ok":true')]);
      }
    }

    const total = CONVERSATIONS * TURNS;
    const answered = (run: string) => Array.from({ length: CONVERSATIONS }, (_, c) => intercom.comments(`${run}${c}`).length).reduce((x, y) => x + y, 0);

    /** Every delivery answered exactly once, each conversation's answers in the order of its messages. */
    async function expectEachTurnOnceInOrder(run: string, instance: Instance, token: string) {
      for (let c = 0; c < CONVERSATIONS; c++) {
        const bodies = intercom.comments(`${run}${c}`).map((p) => p.body.replace(/<[^>]+>/g, ''));
        expect(bodies).toEqual(Array.from({ length: TURNS }, (_, t) => expect.stringContaining(`Answer to: ${text(c, t)}`)));
      }
      const list = await api(instance.url, token, 'GET', '/v1/conversations?channel=intercom&limit=100');
      const mine = list.body.conversations.filter((x: { externalId: string }) => x.externalId.startsWith(run));
      expect(mine).toHaveLength(CONVERSATIONS);
      for (const conv of mine) expect([conv.externalId, conv.messageCount]).toEqual([conv.externalId, 2 * TURNS]);
    }

    test('a burst sent alternately to both: every delivery processed once, by either, turns in order; redeliveries are duplicates on the other instance', async () => {
      llmA.setDelay(60);
      llmB.setDelay(60);
      intercom.setReplyDelay(20);
      const { a, b, token } = await startBoth({});
      const rounds = messages('8');
      await sendAll(rounds, [a, b]);
      await waitFor(() => answered('8') >= total, 90_000, 'all replies');

      // Intercom retries a delivery it got no answer for, to whichever instance the balancer picks.
      for (const [k, m] of rounds[0]!.slice(0, 3).entries()) {
        const r = await deliver((k % 2 ? a : b).url, notification(m));
        expect([r.status, JSON.parse(r.text).duplicate]).toEqual([200, true]);
      }
      await expectEachTurnOnceInOrder('8', b, token);
      expect(await stopInstance(a)).toEqual({ code: 0, signal: null });
      expect(await stopInstance(b)).toEqual({ code: 0, signal: null });

      // Both drained: each ran some turns, together each turn once (one model call per turn here).
      expect(llmA.requests.length).toBeGreaterThan(0);
      expect(llmB.requests.length).toBeGreaterThan(0);
      expect(llmA.requests.length + llmB.requests.length).toBe(total);
      expect(answered('8')).toBe(total);
      expect(await store!.inboxCounts()).toEqual({ pending: 0, leased: 0, done: total, dead: 0 });
    }, 180_000);

    test('one instance killed (SIGKILL) with turns in hand: the other takes its leases over and finishes everything once', async () => {
      // A answers its first turns, then its model calls hang: the kill lands while A holds leases.
      const answeredByA = 3;
      llmA.setScript((req, i) => (i < answeredByA ? answer(req) : { hang: true }));
      llmB.setDelay(40);
      intercom.setReplyDelay(20);
      const { a, b, token } = await startBoth({ INBOX_LEASE_MS: '5000', WORKER_CONCURRENCY: '3' });
      const rounds = messages('9');
      await sendAll(rounds, [a, b]);
      await waitFor(() => llmA.requests.length >= answeredByA + 2, 60_000, 'A holding turns in hand');
      a.child.kill('SIGKILL');
      expect((await a.exited).signal).toBe('SIGKILL');
      const hungOnA = llmA.requests.slice(answeredByA).map((r) => r.messages.filter((m) => m.role === 'user').pop()!.content);

      await waitFor(() => answered('9') >= total, 90_000, 'all replies');
      await expectEachTurnOnceInOrder('9', b, token);
      expect(await stopInstance(b)).toEqual({ code: 0, signal: null });
      expect(answered('9')).toBe(total);
      // B ran the turns that hung on A (after their leases expired).
      const ranOnB = new Set(llmB.requests.map((r) => r.messages.filter((m) => m.role === 'user').pop()!.content));
      for (const t of hungOnA) expect([t, ranOnB.has(t)]).toEqual([t, true]);
      expect(await store!.inboxCounts()).toEqual({ pending: 0, leased: 0, done: total, dead: 0 });
    }, 180_000);
  });
}
