import { randomUUID } from 'node:crypto';
import { UserDataApiInput } from '../../shared/action';
import type { CallRecord, Conversation } from '../../shared/conversation';
import { ConflictError, ValidationError } from '../../server/src/errors';
import type { Store } from '../../server/src/store/port';
import { actionSpec, auditInput, call, conversation, settingsDoc } from './builders';
import { proposal } from './contract-proposals';

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

/** Turns, call records, pages, statistics, retention, action versions and the config version. */
export function describeRecordsContract(getStore: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = getStore();
  });
  const tenants = async () => [await store.createTenant('a', `h-${randomUUID()}`), await store.createTenant('b', `h-${randomUUID()}`)] as const;

  describe('saveTurn', () => {
    test('creates or updates the conversation and stores the calls; a lost race or a conflict still keeps the calls', async () => {
      const [a] = await tenants();
      const c = conversation(a.id, { channel: 'intercom', externalId: 'ic-1' });
      const first = [call(c.id, 'lookup_order')];
      expect(await store.saveTurn(c, first, { create: true })).toBe(true);
      expect(await store.getConversation(a.id, c.id)).toEqual(c);
      const v2: Conversation = { ...c, version: 2, needsHuman: true };
      const second = [call(c.id, 'lookup_order'), call(c.id, 'cancel_order')];
      expect(await store.saveTurn(v2, second, { create: false })).toBe(true);
      const stale = [call(c.id, 'verify_customer')];
      expect(await store.saveTurn({ ...c, version: 2 }, stale, { create: false })).toBe(false);
      expect(await store.getConversation(a.id, c.id)).toEqual(v2);
      const dupCalls = [call(c.id, 'add_note')];
      await expect(store.saveTurn(conversation(a.id, { channel: 'intercom', externalId: 'ic-1' }), dupCalls, { create: true })).rejects.toBeInstanceOf(ConflictError);
      expect(ids(await store.listCalls(a.id, { conversationId: c.id }))).toEqual(ids([...first, ...second, ...stale, ...dupCalls].reverse()));
      expect(await store.saveTurn({ ...v2, version: 3 }, [], { create: false })).toBe(true);
    });
  });

  describe('call records', () => {
    test('the optional fields round-trip; an empty action name is stored as on every adapter', async () => {
      const [a] = await tenants();
      const full = call(randomUUID(), 'cancel_order', { actionVersion: 4, channel: 'intercom', mode: 'mock', test: false, proposalId: randomUUID() });
      const test = call(null, 'lookup_order', { test: true, mode: 'dry', channel: 'playground' });
      const empty = call(randomUUID(), '', { ok: false, status: null, errorType: 'not_allowed', errorMessage: '' });
      await store.addCalls(a.id, [full, test, empty]);
      expect(await store.listCalls(a.id, {})).toEqual([empty, test, full]);
      // A tenant may be named "" too (SQLite's NOT NULL accepts it; so must MongoDB's schema).
      const t = await store.createTenant('', `h-${randomUUID()}`);
      expect((await store.getTenant(t.id))?.name).toBe('');
    });

    test('pages newest first, stable while calls are added between pages', async () => {
      const [a, b] = await tenants();
      const conv = randomUUID();
      const batches = [[call(conv, 'x'), call(conv, 'y')], [call(conv, 'x')], [call(conv, 'x'), call(null, 'x'), call(conv, 'z')]];
      for (const batch of batches) await store.addCalls(a.id, batch);
      await store.addCalls(b.id, [call(conv, 'x')]);
      const all = batches.flat().reverse();
      const seen: CallRecord[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await store.pageCalls(a.id, { limit: 2, cursor });
        seen.push(...page.items);
        if (i === 0) await store.addCalls(a.id, [call(conv, 'x')]); // newer than the cursor: not in these pages
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(ids(seen)).toEqual(ids(all));
      const xs = all.filter((c) => c.action === 'x' && c.conversationId === conv);
      const p1 = await store.pageCalls(a.id, { action: 'x', conversationId: conv, limit: 2, cursor: undefined });
      const fresh = (await store.listCalls(a.id, { limit: 1 }))[0]!;
      expect(ids(p1.items)).toEqual([fresh.id, xs[0]!.id]);
      const p2 = await store.pageCalls(a.id, { action: 'x', conversationId: conv, limit: 2, cursor: p1.nextCursor! });
      expect(ids(p2.items)).toEqual(ids(xs.slice(1, 3)));
      expect(p2.nextCursor).toBeNull();
      await expect(store.pageCalls(a.id, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationError);
    });

    test('actionStats: counts, error rate and nearest-rank percentiles per action, without test runs or calls awaiting confirmation', async () => {
      const [a, b] = await tenants();
      const since = new Date(Date.now() - 3_600_000);
      await store.addCalls(a.id, [
        ...[40, 10, 30].map((d) => call(null, 'lookup', { durationMs: d })),
        call(null, 'lookup', { durationMs: 20, ok: false, status: 500, errorType: 'http_5xx' }),
        call(null, 'lookup', { durationMs: 5000, test: true }),
        call(null, 'lookup', { durationMs: 1, ok: false, status: null, errorType: 'needs_confirmation' }),
        call(null, 'lookup', { durationMs: 9000, at: ago(7_200_000) }),
        call(null, 'cancel', { durationMs: 7, ok: false, status: null, errorType: 'timeout' }),
      ]);
      await store.addCalls(b.id, [call(null, 'lookup', { durationMs: 1 })]);
      expect(await store.actionStats(a.id, since)).toEqual([
        { action: 'cancel', calls: 1, errors: 1, errorRate: 1, p50Ms: 7, p95Ms: 7 },
        { action: 'lookup', calls: 4, errors: 1, errorRate: 0.25, p50Ms: 20, p95Ms: 40 },
      ]);
      expect(await store.actionStats(a.id, new Date(Date.now() + 60_000))).toEqual([]);
    });
  });

  describe('conversation pages', () => {
    test('newest first by updatedAt, ties broken by id, per channel; a bad cursor is a ValidationError', async () => {
      const [a] = await tenants();
      const same = new Date(Date.now() - 1000).toISOString();
      const cs = [
        ...Array.from({ length: 4 }, () => conversation(a.id, { updatedAt: same })),
        conversation(a.id, { updatedAt: ago(5000), channel: 'zendesk', externalId: 'z1' }),
        conversation(a.id, { updatedAt: ago(100), channel: 'zendesk', externalId: 'z2' }),
      ];
      for (const c of cs) await store.createConversation(c);
      const expected = [...cs].sort((x, y) => (x.updatedAt === y.updatedAt ? (x.id < y.id ? 1 : -1) : x.updatedAt < y.updatedAt ? 1 : -1));
      const seen: Conversation[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await store.pageConversations(a.id, { limit: 2, cursor });
        seen.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(ids(seen)).toEqual(ids(expected));
      const z = await store.pageConversations(a.id, { limit: 1, channel: 'zendesk' });
      expect(ids(z.items)).toEqual([cs[5]!.id]);
      const z2 = await store.pageConversations(a.id, { limit: 1, channel: 'zendesk', cursor: z.nextCursor! });
      expect(z2).toEqual({ items: [cs[4]], nextCursor: null });
      await expect(store.pageConversations(a.id, { limit: 2, cursor: '%%%' })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('retention', () => {
    test('prune deletes old conversations, calls, audit entries and finished or expired proposals, in batches', async () => {
      const [a, b] = await tenants();
      const old = ago(7_200_000);
      const oldConvs = [conversation(a.id, { updatedAt: old }), conversation(b.id, { updatedAt: old }), conversation(a.id, { updatedAt: old })];
      const fresh = conversation(a.id);
      for (const c of [...oldConvs, fresh]) await store.createConversation(c);
      await store.addCalls(a.id, [call(null, 'x', { at: old }), call(null, 'x', { at: old }), call(null, 'x')]);
      await store.addCalls(b.id, [call(null, 'x', { at: old })]);
      const conv = randomUUID();
      const props = [
        proposal(a.id, conv, { status: 'done', updatedAt: old }),
        proposal(a.id, conv, { status: 'pending', updatedAt: old, expiresAt: old }),
        proposal(a.id, conv, { status: 'running', updatedAt: old }), // not finished: kept
        proposal(a.id, conv, { status: 'declined' }), // finished recently: kept
      ];
      for (const p of props) await store.createProposal(p);
      await store.createAction(a.id, actionSpec('x1'), auditInput('action', 'create'));
      await store.putSettings(b.id, settingsDoc(), auditInput('settings', 'update'));

      const before = new Date(Date.now() - 3_600_000);
      expect(await store.prune(before, 2)).toEqual({ conversations: 2, calls: 2, audit: 0, proposals: 2 });
      expect(await store.prune(before, 2)).toEqual({ conversations: 1, calls: 1, audit: 0, proposals: 0 });
      expect(await store.prune(before, 2)).toEqual({ conversations: 0, calls: 0, audit: 0, proposals: 0 });
      expect(ids(await store.listConversations(a.id, { limit: 10 }))).toEqual([fresh.id]);
      expect(await store.listCalls(a.id, {})).toHaveLength(1);
      expect(await store.listCalls(b.id, {})).toEqual([]);
      expect(ids(await store.listProposals(a.id, conv))).toEqual([props[2]!.id, props[3]!.id]);
      expect(await store.listAudit(a.id, 10)).toHaveLength(1);
      // Everything is older than a cut-off in the future (but an unfinished proposal that has not expired).
      const later = new Date(Date.now() + 60_000);
      expect(await store.prune(later, 1)).toEqual({ conversations: 1, calls: 1, audit: 1, proposals: 1 });
      expect(await store.prune(later, 100)).toEqual({ conversations: 0, calls: 0, audit: 1, proposals: 0 });
      expect(ids(await store.listProposals(a.id, conv))).toEqual([props[2]!.id]);
    });
  });

  describe('action versions and the config version', () => {
    test('each create and replace writes a version (secrets in plain on the way out); a failed write none', async () => {
      const [a, b] = await tenants();
      const one = await store.createAction(a.id, actionSpec('lookup_order'), { ...auditInput('action', 'create'), actor: 'alice' });
      const next = actionSpec('lookup_order', { auth: { type: 'bearer', token: 'tok-v2-s3cret' } });
      await store.replaceAction(a.id, one.id, next, { ...auditInput('action', 'update', one.id), actor: 'bob', changes: [{ path: 'auth.token', to: 'changed' }] });
      await store.replaceAction(a.id, one.id, actionSpec('lookup_order2'), auditInput('action', 'update', one.id));
      await store.createAction(a.id, actionSpec('other'), auditInput('action', 'create'));
      await expect(store.replaceAction(a.id, one.id, actionSpec('other'), auditInput('action', 'update', one.id))).rejects.toBeInstanceOf(ConflictError);
      const list = await store.listActionVersions(a.id, one.id);
      expect(list.map((v) => v.version)).toEqual([3, 2, 1]);
      expect(list[1]).toEqual({ actionId: one.id, version: 2, actor: 'bob', at: expect.any(String), changes: [{ path: 'auth.token', to: 'changed' }] });
      expect(list[2]?.actor).toBe('alice');
      const v1 = await store.getActionVersion(a.id, one.id, 1);
      expect(v1).toEqual({ actionId: one.id, version: 1, spec: actionSpec('lookup_order'), actor: 'alice', at: one.createdAt, changes: auditInput('action', 'create').changes });
      expect((await store.getActionVersion(a.id, one.id, 2))?.spec).toEqual(next);
      expect(await store.getActionVersion(a.id, one.id, 4)).toBeNull();
      expect(await store.getActionVersion(b.id, one.id, 1)).toBeNull();
      expect(await store.listActionVersions(b.id, one.id)).toEqual([]);
    });

    test('configVersion counts the changes of one tenant; failed writes do not count', async () => {
      const [a, b] = await tenants();
      expect(await store.configVersion(a.id)).toBe(0);
      const one = await store.createAction(a.id, actionSpec('lookup_order'), auditInput('action', 'create'));
      expect(await store.configVersion(a.id)).toBe(1);
      await expect(store.createAction(a.id, actionSpec('lookup_order'), auditInput('action', 'create'))).rejects.toBeInstanceOf(ConflictError);
      expect(await store.replaceAction(a.id, randomUUID(), actionSpec('nope'), auditInput('action', 'update'))).toBeNull();
      expect(await store.deleteAction(a.id, randomUUID(), auditInput('action', 'delete'))).toBe(false);
      expect(await store.configVersion(a.id)).toBe(1);
      await store.replaceAction(a.id, one.id, actionSpec('lookup_order'), auditInput('action', 'update', one.id));
      await store.putSettings(a.id, settingsDoc(), auditInput('settings', 'update'));
      await store.putUserDataApi(a.id, UserDataApiInput.parse({ enabled: false, url: 'https://x.test/?e={{contact.email}}' }), auditInput('user_data_api', 'update'));
      await store.deleteAction(a.id, one.id, auditInput('action', 'delete', one.id));
      expect(await store.configVersion(a.id)).toBe(5);
      expect(await store.configVersion(b.id)).toBe(0);
    });
  });
}

/** A worker whose lease expired is fenced off: it can neither complete nor fail the item. */
export function describeInboxFencing(getStore: () => Store): void {
  test('inbox: complete and fail after the lease expired do nothing; the item is claimed again', async () => {
    const store = getStore();
    const tenantId = (await store.createTenant('inbox', `h-${randomUUID()}`)).id;
    await store.enqueue({ tenantId, source: 'zendesk', dedupeKey: 'f1', conversationKey: 'k1', payload: {} });
    const leaseMs = 300;
    const first = (await store.claim('w1', leaseMs))!;
    const expiry = Date.now() + leaseMs;
    // Wait for the lease's own expiry (the condition under test), not for something not to happen.
    while (Date.now() <= expiry + 20) await new Promise((r) => setTimeout(r, 25));
    expect(await store.complete(first.id, 'w1')).toBe(false);
    await store.fail(first.id, 'w1', 'too late', null);
    expect(await store.inboxCounts()).toEqual({ pending: 0, leased: 1, done: 0, dead: 0 });
    const again = await store.claim('w2', 10_000);
    expect(again?.id).toBe(first.id);
    expect(await store.complete(first.id, 'w2')).toBe(true);
  });
}
