import { randomUUID } from 'node:crypto';
import { UserDataApiInput } from '../../shared/action';
import type { CallRecord, Channel, Conversation } from '../../shared/conversation';
import { ConflictError } from '../../server/src/errors';
import type { InboxItem, Store } from '../../server/src/store/port';
import { actionSpec, auditInput, call, conversation, settingsDoc } from './builders';

export { actionSpec, auditInput, settingsDoc } from './builders';
import { describeInboxFencing, describeRecordsContract } from './contract-records';
import { describeProposalsContract } from './contract-proposals';
import { describeConnectionsContract } from './contract-connections';
import { describeConversationWritesContract } from './contract-conversations';

/** What a contract run needs from an adapter: a fresh, empty store and a way to dispose of it. */
export type MakeStore = () => Promise<{ store: Store; cleanup(): Promise<void> }>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The store contract: every adapter of the `Store` port must pass it. Each test gets a fresh store,
 * because the inbox is global (not per tenant).
 */
export function describeStoreContract(name: string, makeStore: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await cleanup();
    });
    describeProposalsContract(() => store);
    describeRecordsContract(() => store);
    describeInboxFencing(() => store);
    describeConnectionsContract(() => store);
    describeConversationWritesContract(() => store);

    const tenantPair = async () => [await store.createTenant('a', `hash-a-${randomUUID()}`), await store.createTenant('b', `hash-b-${randomUUID()}`)] as const;

    describe('tenants', () => {
      test('create, get, by token hash, count', async () => {
        expect(await store.countTenants()).toBe(0);
        const t = await store.createTenant('acme', 'hash-1');
        expect(t).toEqual({ id: expect.any(String), name: 'acme', createdAt: expect.any(String) });
        expect(Number.isNaN(Date.parse(t.createdAt))).toBe(false);
        await store.createTenant('other', 'hash-2');
        expect(await store.getTenant(t.id)).toEqual(t);
        expect(await store.tenantByTokenHash('hash-1')).toEqual(t);
        expect(await store.tenantByTokenHash('hash-3')).toBeNull();
        expect(await store.getTenant(randomUUID())).toBeNull();
        expect(await store.countTenants()).toBe(2);
      });

      test('by Intercom app id once settings name it; changing it releases the old one', async () => {
        const [a] = await tenantPair();
        expect(await store.tenantByIntercomAppId('abcd1234')).toBeNull();
        await store.putSettings(a.id, settingsDoc({ intercom: { appId: 'abcd1234' } }), auditInput('settings', 'update'));
        expect(await store.tenantByIntercomAppId('abcd1234')).toEqual(a);
        await store.putSettings(a.id, settingsDoc({ intercom: { appId: 'efgh5678' } }), auditInput('settings', 'update'));
        expect(await store.tenantByIntercomAppId('abcd1234')).toBeNull();
        expect(await store.tenantByIntercomAppId('efgh5678')).toEqual(a);
      });
    });

    describe('actions', () => {
      test('create returns the stored action; get and list give it back with secrets in plain', async () => {
        const [a] = await tenantPair();
        const spec = actionSpec('lookup_order');
        const created = await store.createAction(a.id, spec, auditInput('action', 'create'));
        expect(created).toEqual({ ...spec, id: expect.any(String), version: 1, createdAt: expect.any(String), updatedAt: created.createdAt });
        const got = await store.getAction(a.id, created.id);
        expect(got).toEqual(created);
        expect(got?.auth).toEqual({ type: 'bearer', token: 'tok-lookup_order-s3cret' });
        expect(got?.headers[0]?.value).toBe('hdr-lookup_order-s3cret');
        await store.createAction(a.id, actionSpec('cancel_order', { method: 'POST', auth: { type: 'basic', username: 'u', password: 'pw-s3cret' } }), auditInput('action', 'create'));
        await store.createAction(a.id, actionSpec('add_note', { auth: { type: 'header', name: 'X-Key', value: 'hv-s3cret' } }), auditInput('action', 'create'));
        const list = await store.listActions(a.id);
        expect(list.map((x) => x.name)).toEqual(['add_note', 'cancel_order', 'lookup_order']);
        expect(list[0]?.auth).toEqual({ type: 'header', name: 'X-Key', value: 'hv-s3cret' });
        expect(list[1]?.auth).toEqual({ type: 'basic', username: 'u', password: 'pw-s3cret' });
        expect(list[1]?.confirm).toBe(true);
        expect(await store.getAction(a.id, randomUUID())).toBeNull();
      });

      test('a duplicate name is a ConflictError on create, and nothing is written', async () => {
        const [a] = await tenantPair();
        await store.createAction(a.id, actionSpec('lookup_order'), auditInput('action', 'create'));
        await expect(store.createAction(a.id, actionSpec('lookup_order', { description: 'Another description here' }), auditInput('action', 'create'))).rejects.toBeInstanceOf(
          ConflictError,
        );
        expect(await store.listActions(a.id)).toHaveLength(1);
        expect(await store.listAudit(a.id, 10)).toHaveLength(1);
      });

      test('replace increments the version, keeps createdAt, and renames; a rename onto another name is a ConflictError', async () => {
        const [a] = await tenantPair();
        const one = await store.createAction(a.id, actionSpec('lookup_order'), auditInput('action', 'create'));
        const two = await store.createAction(a.id, actionSpec('cancel_order'), auditInput('action', 'create'));
        await sleep(5);
        const next = actionSpec('track_order', { url: 'https://api.example.com/track/{{order_number}}', auth: { type: 'bearer', token: 'new-tok-s3cret' } });
        const replaced = await store.replaceAction(a.id, one.id, next, auditInput('action', 'update', one.id));
        expect(replaced).toEqual({ ...next, id: one.id, version: 2, createdAt: one.createdAt, updatedAt: expect.any(String) });
        expect(Date.parse(replaced!.updatedAt)).toBeGreaterThan(Date.parse(one.createdAt));
        expect(await store.getAction(a.id, one.id)).toEqual(replaced);
        const again = await store.replaceAction(a.id, one.id, next, auditInput('action', 'update', one.id));
        expect(again?.version).toBe(3);

        await expect(store.replaceAction(a.id, two.id, actionSpec('track_order'), auditInput('action', 'update', two.id))).rejects.toBeInstanceOf(ConflictError);
        expect(await store.getAction(a.id, two.id)).toEqual(two);
        expect(await store.listAudit(a.id, 10)).toHaveLength(4);
        expect(await store.replaceAction(a.id, randomUUID(), next, auditInput('action', 'update'))).toBeNull();
      });

      test('delete removes once', async () => {
        const [a] = await tenantPair();
        const one = await store.createAction(a.id, actionSpec('lookup_order'), auditInput('action', 'create'));
        expect(await store.deleteAction(a.id, one.id, auditInput('action', 'delete', one.id))).toBe(true);
        expect(await store.getAction(a.id, one.id)).toBeNull();
        expect(await store.listActions(a.id)).toEqual([]);
        expect(await store.deleteAction(a.id, one.id, auditInput('action', 'delete', one.id))).toBe(false);
        expect(await store.listAudit(a.id, 10)).toHaveLength(2);
        // The name is free again.
        await store.createAction(a.id, actionSpec('lookup_order'), auditInput('action', 'create'));
      });

      test("tenant isolation: another tenant cannot see, replace or delete an action; names are per tenant", async () => {
        const [a, b] = await tenantPair();
        const one = await store.createAction(a.id, actionSpec('lookup_order'), auditInput('action', 'create'));
        expect(await store.getAction(b.id, one.id)).toBeNull();
        expect(await store.listActions(b.id)).toEqual([]);
        expect(await store.replaceAction(b.id, one.id, actionSpec('hijack'), auditInput('action', 'update', one.id))).toBeNull();
        expect(await store.deleteAction(b.id, one.id, auditInput('action', 'delete', one.id))).toBe(false);
        expect(await store.getAction(a.id, one.id)).toEqual(one);
        expect(await store.listAudit(b.id, 10)).toEqual([]);
        const theirs = await store.createAction(b.id, actionSpec('lookup_order'), auditInput('action', 'create'));
        expect(theirs.id).not.toBe(one.id);
        expect((await store.getAction(b.id, theirs.id))?.name).toBe('lookup_order');
      });

      test('each change writes an audit entry, listed newest first', async () => {
        const [a] = await tenantPair();
        const one = await store.createAction(a.id, actionSpec('lookup_order'), auditInput('action', 'create'));
        await store.replaceAction(a.id, one.id, actionSpec('lookup_order2'), auditInput('action', 'update', one.id));
        await store.deleteAction(a.id, one.id, auditInput('action', 'delete', one.id));
        const entries = await store.listAudit(a.id, 10);
        expect(entries.map((e) => e.op)).toEqual(['delete', 'update', 'create']);
        for (const e of entries) {
          expect(e).toEqual({
            id: expect.any(String),
            tenantId: a.id,
            at: expect.any(String),
            actor: 'admin',
            entity: 'action',
            entityId: one.id, // create: the store fills in the new id
            op: e.op,
            changes: [{ path: 'name', from: 'a', to: 'b' }, { path: 'auth.token', to: 'changed' }],
          });
        }
        expect(new Set(entries.map((e) => e.id)).size).toBe(3);
        expect((await store.listAudit(a.id, 2)).map((e) => e.op)).toEqual(['delete', 'update']);
      });
    });

    describe('user data api and settings', () => {
      test('user data api round-trips with secrets in plain, and is audited', async () => {
        const [a, b] = await tenantPair();
        expect(await store.getUserDataApi(a.id)).toBeNull();
        const doc = UserDataApiInput.parse({
          enabled: true,
          url: 'https://api.example.com/customers?email={{contact.email}}',
          auth: { type: 'bearer', token: 'uda-s3cret' },
          headers: [{ key: 'X-Key', value: 'uda-hdr-s3cret' }],
        });
        await store.putUserDataApi(a.id, doc, auditInput('user_data_api', 'update'));
        expect(await store.getUserDataApi(a.id)).toEqual(doc);
        const next = { ...doc, enabled: false };
        await store.putUserDataApi(a.id, next, auditInput('user_data_api', 'update'));
        expect(await store.getUserDataApi(a.id)).toEqual(next);
        expect(await store.getUserDataApi(b.id)).toBeNull();
        expect((await store.listAudit(a.id, 10)).map((e) => e.entity)).toEqual(['user_data_api', 'user_data_api']);
      });

      test('settings round-trip with secrets in plain, and are audited', async () => {
        const [a, b] = await tenantPair();
        expect(await store.getSettings(a.id)).toBeNull();
        const doc = settingsDoc({ intercom: { appId: 'abcd1234', accessToken: 'ic-access-s3cret', clientSecret: 'ic-client-s3cret' } });
        await store.putSettings(a.id, doc, auditInput('settings', 'update'));
        const got = await store.getSettings(a.id);
        expect(got).toEqual(doc);
        expect(got?.zendesk.apiToken).toBe('zd-api-s3cret');
        expect(got?.intercom.clientSecret).toBe('ic-client-s3cret');
        // Writing the same workspace again for the same tenant is not a conflict.
        await store.putSettings(a.id, { ...doc, instructions: 'Be kind.' }, auditInput('settings', 'update'));
        expect((await store.getSettings(a.id))?.instructions).toBe('Be kind.');
        expect(await store.getSettings(b.id)).toBeNull();
        expect((await store.listAudit(a.id, 10)).map((e) => e.entity)).toEqual(['settings', 'settings']);
      });

      test('an Intercom workspace belongs to one tenant: ConflictError, and nothing written', async () => {
        const [a, b] = await tenantPair();
        await store.putSettings(a.id, settingsDoc({ intercom: { appId: 'abcd1234' } }), auditInput('settings', 'update'));
        await expect(store.putSettings(b.id, settingsDoc({ instructions: 'B', intercom: { appId: 'abcd1234' } }), auditInput('settings', 'update'))).rejects.toBeInstanceOf(
          ConflictError,
        );
        expect(await store.getSettings(b.id)).toBeNull();
        expect(await store.listAudit(b.id, 10)).toEqual([]);
        expect(await store.tenantByIntercomAppId('abcd1234')).toEqual(a);
        // Two tenants without a workspace do not collide.
        await store.putSettings(b.id, settingsDoc(), auditInput('settings', 'update'));
        await store.putSettings(a.id, settingsDoc(), auditInput('settings', 'update'));
        expect(await store.tenantByIntercomAppId('abcd1234')).toBeNull();
      });
    });

    describe('conversations', () => {
      test('create, get, by external id, isolation', async () => {
        const [a, b] = await tenantPair();
        const c = conversation(a.id, { channel: 'zendesk', externalId: '4242' });
        await store.createConversation(c);
        expect(await store.getConversation(a.id, c.id)).toEqual(c);
        expect(await store.getConversation(b.id, c.id)).toBeNull();
        expect(await store.conversationByExternalId(a.id, 'zendesk', '4242')).toEqual(c);
        expect(await store.conversationByExternalId(a.id, 'intercom', '4242')).toBeNull();
        expect(await store.conversationByExternalId(b.id, 'zendesk', '4242')).toBeNull();
        // The same ticket number in another tenant is another conversation.
        const cb = conversation(b.id, { channel: 'zendesk', externalId: '4242' });
        await store.createConversation(cb);
        expect(await store.conversationByExternalId(b.id, 'zendesk', '4242')).toEqual(cb);
        // Conversations without an external id do not collide.
        await store.createConversation(conversation(a.id));
        await store.createConversation(conversation(a.id));
      });

      test('optimistic update: writes only over the previous version', async () => {
        const [a, b] = await tenantPair();
        const c = conversation(a.id);
        await store.createConversation(c);
        const at = new Date(Date.now() + 1000).toISOString();
        const v2: Conversation = { ...c, version: 2, updatedAt: at, messages: [...c.messages, { role: 'assistant', content: 'Shipped.', at, turnId: 't1' }] };
        expect(await store.updateConversation(v2)).toBe(true);
        expect(await store.getConversation(a.id, c.id)).toEqual(v2);
        // A second writer that also read version 1 loses.
        const stale: Conversation = { ...c, version: 2, needsHuman: true };
        expect(await store.updateConversation(stale)).toBe(false);
        expect(await store.getConversation(a.id, c.id)).toEqual(v2);
        // Another tenant cannot write it.
        expect(await store.updateConversation({ ...v2, tenantId: b.id, version: 3 })).toBe(false);
        expect(await store.getConversation(a.id, c.id)).toEqual(v2);
        expect(await store.updateConversation({ ...v2, version: 3, needsHuman: true })).toBe(true);
        expect((await store.getConversation(a.id, c.id))?.needsHuman).toBe(true);
      });

      test('list newest first, with a limit and a channel filter, per tenant', async () => {
        const [a, b] = await tenantPair();
        const base = Date.now();
        const mk = (i: number, channel: Channel) => conversation(a.id, { channel, updatedAt: new Date(base + i * 1000).toISOString() });
        const cs = [mk(0, 'api'), mk(1, 'zendesk'), mk(2, 'api'), mk(3, 'intercom'), mk(4, 'zendesk')];
        for (const c of [cs[2], cs[0], cs[4], cs[1], cs[3]]) await store.createConversation(c!);
        await store.createConversation(conversation(b.id, { updatedAt: new Date(base + 9000).toISOString() }));
        expect((await store.listConversations(a.id, { limit: 10 })).map((c) => c.id)).toEqual([4, 3, 2, 1, 0].map((i) => cs[i]!.id));
        expect((await store.listConversations(a.id, { limit: 2 })).map((c) => c.id)).toEqual([cs[4]!.id, cs[3]!.id]);
        expect((await store.listConversations(a.id, { limit: 10, channel: 'zendesk' })).map((c) => c.id)).toEqual([cs[4]!.id, cs[1]!.id]);
        expect(await store.listConversations(a.id, { limit: 10, channel: 'playground' })).toEqual([]);
        expect(await store.listConversations(b.id, { limit: 10 })).toHaveLength(1);
        // An update moves a conversation to the top.
        const moved = { ...cs[0]!, version: 2, updatedAt: new Date(base + 5000).toISOString() };
        expect(await store.updateConversation(moved)).toBe(true);
        expect((await store.listConversations(a.id, { limit: 1 }))[0]).toEqual(moved);
      });
    });

    describe('calls', () => {
      test('add and list newest first, with filters and a limit, per tenant', async () => {
        const [a, b] = await tenantPair();
        const c1 = randomUUID();
        const c2 = randomUUID();
        const first = [
          call(c1, 'lookup_order'),
          call(c1, 'lookup_order', { ok: false, status: null, errorType: 'timeout', errorMessage: 'timed out' }),
          call(c2, 'cancel_order', { method: 'POST', status: 500, ok: false, errorType: 'http_5xx' }),
        ];
        const second = [call(c2, 'lookup_order'), call(null, 'verify_customer')];
        await store.addCalls(a.id, first);
        await store.addCalls(a.id, second);
        await store.addCalls(a.id, []);
        await store.addCalls(b.id, [call(c1, 'lookup_order')]);
        const ids = (cs: CallRecord[]) => cs.map((c) => c.id);
        const all = [...first, ...second].reverse();
        expect(await store.listCalls(a.id, {})).toEqual(all);
        expect(ids(await store.listCalls(a.id, { limit: 2 }))).toEqual(ids(all.slice(0, 2)));
        expect(ids(await store.listCalls(a.id, { conversationId: c1 }))).toEqual(ids([first[1]!, first[0]!]));
        expect(ids(await store.listCalls(a.id, { action: 'lookup_order' }))).toEqual(ids([second[0]!, first[1]!, first[0]!]));
        expect(ids(await store.listCalls(a.id, { status: 'ok' }))).toEqual(ids([second[1]!, second[0]!, first[0]!]));
        expect(ids(await store.listCalls(a.id, { status: 'error' }))).toEqual(ids([first[2]!, first[1]!]));
        expect(ids(await store.listCalls(a.id, { status: 'timeout' }))).toEqual(ids([first[1]!]));
        expect(ids(await store.listCalls(a.id, { status: 'http_5xx', action: 'cancel_order', conversationId: c2 }))).toEqual(ids([first[2]!]));
        expect(await store.listCalls(a.id, { status: 'blocked' })).toEqual([]);
        expect(await store.listCalls(a.id, { action: 'lookup_order', status: 'ok', limit: 1 })).toEqual([second[0]]);
        expect(await store.listCalls(b.id, {})).toHaveLength(1);
        expect(await store.listCalls(b.id, { conversationId: c2 })).toEqual([]);
      });
    });

    describe('inbox', () => {
      let tenantId: string;
      beforeEach(async () => {
        tenantId = (await store.createTenant('inbox', `hash-${randomUUID()}`)).id;
      });
      const enqueue = (dedupeKey: string, conversationKey: string, source: InboxItem['source'] = 'zendesk') =>
        store.enqueue({ tenantId, source, dedupeKey, conversationKey, payload: { dedupeKey, nested: { list: [1, 'two', null] } } });

      test('enqueue stores a delivery once per (source, dedupeKey)', async () => {
        expect(await enqueue('d1', 'k1')).toBe(true);
        expect(await enqueue('d1', 'k1')).toBe(false);
        expect(await enqueue('d1', 'k2')).toBe(false);
        expect(await enqueue('d1', 'k1', 'intercom')).toBe(true);
        expect(await store.inboxCounts()).toEqual({ pending: 2, leased: 0, done: 0, dead: 0 });
      });

      test('pruneInbox deletes finished deliveries older than the cut-off only', async () => {
        await enqueue('p1', 'k1');
        await enqueue('p2', 'k2');
        await enqueue('p3', 'k3');
        const a = (await store.claim('w1', 10_000))!;
        await store.complete(a.id, 'w1');
        const b = (await store.claim('w1', 10_000))!;
        await store.fail(b.id, 'w1', 'boom', null);
        expect(await store.pruneInbox(new Date(Date.now() - 60_000))).toBe(0);
        expect(await store.pruneInbox(new Date(Date.now() + 1000))).toBe(2);
        expect(await store.inboxCounts()).toEqual({ pending: 1, leased: 0, done: 0, dead: 0 });
        // A pruned delivery is no longer a duplicate.
        expect(await enqueue('p1', 'k1')).toBe(true);
      });

      test('hasUnfinished is true while a conversation has a pending or leased item', async () => {
        expect(await store.hasUnfinished('k1')).toBe(false);
        await enqueue('u1', 'k1');
        expect(await store.hasUnfinished('k1')).toBe(true);
        const it = (await store.claim('w1', 10_000))!;
        expect(await store.hasUnfinished('k1')).toBe(true);
        expect(await store.complete(it.id, 'w1')).toBe(true);
        expect(await store.hasUnfinished('k1')).toBe(false);
        expect(await store.hasUnfinished('k2')).toBe(false);
      });

      test('claim leases the oldest first and returns the item', async () => {
        await enqueue('d1', 'k1');
        await enqueue('d2', 'k2');
        const it = await store.claim('w1', 10_000);
        expect(it).toEqual({
          id: expect.any(String),
          tenantId,
          source: 'zendesk',
          dedupeKey: 'd1',
          conversationKey: 'k1',
          payload: { dedupeKey: 'd1', nested: { list: [1, 'two', null] } },
          attempts: 1,
          createdAt: expect.any(String),
        });
        expect((await store.claim('w2', 10_000))?.dedupeKey).toBe('d2');
        expect(await store.claim('w3', 10_000)).toBeNull();
        expect(await store.inboxCounts()).toEqual({ pending: 0, leased: 2, done: 0, dead: 0 });
      });

      test("one conversation's items are leased one at a time, in order; other conversations go on meanwhile", async () => {
        await enqueue('a1', 'k1');
        await enqueue('a2', 'k1');
        await enqueue('b1', 'k2');
        await enqueue('a3', 'k1');
        const a1 = await store.claim('w1', 10_000);
        expect(a1?.dedupeKey).toBe('a1');
        expect((await store.claim('w2', 10_000))?.dedupeKey).toBe('b1');
        expect(await store.claim('w3', 10_000)).toBeNull();
        expect(await store.complete(a1!.id, 'w1')).toBe(true);
        const a2 = await store.claim('w3', 10_000);
        expect(a2?.dedupeKey).toBe('a2');
        expect(await store.claim('w1', 10_000)).toBeNull();
        expect(await store.complete(a2!.id, 'w3')).toBe(true);
        expect((await store.claim('w1', 10_000))?.dedupeKey).toBe('a3');
      });

      test('complete: false with the wrong owner, true once with the right one', async () => {
        await enqueue('d1', 'k1');
        const it = (await store.claim('w1', 10_000))!;
        expect(await store.complete(it.id, 'w2')).toBe(false);
        expect(await store.inboxCounts()).toEqual({ pending: 0, leased: 1, done: 0, dead: 0 });
        expect(await store.complete(it.id, 'w1')).toBe(true);
        expect(await store.complete(it.id, 'w1')).toBe(false);
        expect(await store.inboxCounts()).toEqual({ pending: 0, leased: 0, done: 1, dead: 0 });
        expect(await store.claim('w1', 10_000)).toBeNull();
      });

      test('an expired lease is claimed again by another owner; the first owner then cannot complete', async () => {
        await enqueue('d1', 'k1');
        await enqueue('d2', 'k1');
        const first = (await store.claim('w1', 400))!;
        expect(await store.claim('w2', 400)).toBeNull();
        await sleep(500);
        const again = await store.claim('w2', 10_000);
        expect(again).toEqual({ ...first, attempts: 2 });
        expect(await store.complete(first.id, 'w1')).toBe(false);
        expect(await store.claim('w3', 10_000)).toBeNull(); // d2 still waits behind d1
        expect(await store.complete(first.id, 'w2')).toBe(true);
        expect((await store.claim('w3', 10_000))?.dedupeKey).toBe('d2');
      });

      test('fail with a retry time hides the item (and its conversation) until then', async () => {
        await enqueue('d1', 'k1');
        await enqueue('d2', 'k1');
        const it = (await store.claim('w1', 10_000))!;
        await store.fail(it.id, 'w1', 'upstream 503', new Date(Date.now() + 400));
        expect(await store.inboxCounts()).toEqual({ pending: 2, leased: 0, done: 0, dead: 0 });
        expect(await store.claim('w2', 10_000)).toBeNull();
        await sleep(500);
        const again = await store.claim('w2', 10_000);
        expect(again?.id).toBe(it.id);
        expect(again?.attempts).toBe(2);
      });

      test('fail with the wrong owner changes nothing', async () => {
        await enqueue('d1', 'k1');
        const it = (await store.claim('w1', 10_000))!;
        await store.fail(it.id, 'w2', 'not mine', null);
        expect(await store.inboxCounts()).toEqual({ pending: 0, leased: 1, done: 0, dead: 0 });
        expect(await store.complete(it.id, 'w1')).toBe(true);
      });

      test('fail with null retry makes the item dead; its conversation goes on', async () => {
        await enqueue('d1', 'k1');
        await enqueue('d2', 'k1');
        const it = (await store.claim('w1', 10_000))!;
        await store.fail(it.id, 'w1', 'bad payload', null);
        expect(await store.inboxCounts()).toEqual({ pending: 1, leased: 0, done: 0, dead: 1 });
        const next = await store.claim('w1', 10_000);
        expect(next?.dedupeKey).toBe('d2');
        expect(await store.claim('w1', 10_000)).toBeNull();
        expect(await store.complete(it.id, 'w1')).toBe(false);
      });

      test('inboxCounts counts each state', async () => {
        expect(await store.inboxCounts()).toEqual({ pending: 0, leased: 0, done: 0, dead: 0 });
        for (const k of ['k1', 'k2', 'k3', 'k4']) await enqueue(`d-${k}`, k);
        const x = (await store.claim('w', 10_000))!;
        const y = (await store.claim('w', 10_000))!;
        await store.claim('w', 10_000);
        await store.complete(x.id, 'w');
        await store.fail(y.id, 'w', 'boom', null);
        expect(await store.inboxCounts()).toEqual({ pending: 1, leased: 1, done: 1, dead: 1 });
      });

      test('concurrent claims never hand one item to two owners, nor overlap within a conversation', async () => {
        const N = 20;
        for (let i = 0; i < N; i++) await enqueue(`d${i}`, `k${i % 5}`);
        const claimedBy = new Map<string, string[]>();
        const order = new Map<string, string[]>();
        const active = new Set<string>();
        let overlaps = 0;
        let done = 0;
        const deadline = Date.now() + 20_000;
        const worker = async (owner: string) => {
          while (done < N && Date.now() < deadline) {
            const it = await store.claim(owner, 10_000);
            if (!it) {
              await sleep(5);
              continue;
            }
            claimedBy.set(it.id, [...(claimedBy.get(it.id) ?? []), owner]);
            if (active.has(it.conversationKey)) overlaps++;
            active.add(it.conversationKey);
            order.set(it.conversationKey, [...(order.get(it.conversationKey) ?? []), it.dedupeKey]);
            await sleep(Math.random() * 4);
            active.delete(it.conversationKey);
            expect(await store.complete(it.id, owner)).toBe(true);
            done++;
          }
        };
        await Promise.all(['w1', 'w2', 'w3', 'w4'].map(worker));
        expect(done).toBe(N);
        expect(claimedBy.size).toBe(N);
        for (const owners of claimedBy.values()) expect(owners).toHaveLength(1);
        expect(overlaps).toBe(0);
        for (let k = 0; k < 5; k++) {
          expect(order.get(`k${k}`)).toEqual([0, 1, 2, 3].map((j) => `d${k + 5 * j}`));
        }
        expect(await store.inboxCounts()).toEqual({ pending: 0, leased: 0, done: N, dead: 0 });
      });
    });
  });
}
