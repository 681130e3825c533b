import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../server/src/errors';
import type { Store, StoredProposal } from '../../server/src/store/port';

/** A pending proposal; arguments with keys MongoDB field names cannot hold, to check the round trip. */
export function proposal(tenantId: string, conversationId: string, over: Partial<StoredProposal> = {}): StoredProposal {
  const now = new Date();
  return {
    id: randomUUID(),
    tenantId,
    conversationId,
    action: 'cancel_order',
    actionId: randomUUID(),
    actionVersion: 3,
    arguments: { order_number: 'ORD-1', 'a.b': { $x: 1 }, list: [1, null, 'two'] },
    request: { method: 'POST', url: 'https://api.example.com/orders/ORD-1/cancel', headers: { authorization: '••••cret' }, body: '{"reason":"late"}' },
    turnId: 't1',
    status: 'pending',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
    ...over,
  };
}

/** Proposals (the confirmation state machine) and scoped tokens. */
export function describeProposalsContract(getStore: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = getStore();
  });
  const tenants = async () => [await store.createTenant('a', `h-${randomUUID()}`), await store.createTenant('b', `h-${randomUUID()}`)] as const;

  describe('proposals', () => {
    test('create, get, list oldest first; a duplicate id is a ConflictError', async () => {
      const [a] = await tenants();
      const conv = randomUUID();
      const p1 = proposal(a.id, conv);
      const p2 = proposal(a.id, conv, { options: { confirm: randomUUID(), decline: randomUUID() }, request: { method: 'DELETE', url: 'https://x.test/', headers: {}, body: null } });
      const p3 = proposal(a.id, conv, { status: 'done', result: { ok: true, status: 200, excerpt: '{"ok":true}' } });
      for (const p of [p1, p2, p3]) await store.createProposal(p);
      await store.createProposal(proposal(a.id, randomUUID()));
      expect(await store.getProposal(a.id, p2.id)).toEqual(p2);
      expect(await store.getProposal(a.id, p3.id)).toEqual(p3);
      expect(await store.listProposals(a.id, conv)).toEqual([p1, p2, p3]);
      expect(await store.listProposals(a.id, randomUUID())).toEqual([]);
      expect(await store.getProposal(a.id, randomUUID())).toBeNull();
      await expect(store.createProposal({ ...p1, status: 'confirmed' })).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getProposal(a.id, p1.id)).toEqual(p1);
    });

    test('transition is a compare-and-set on the status, merging the patch and setting updatedAt', async () => {
      const [a] = await tenants();
      const p = proposal(a.id, randomUUID(), { updatedAt: new Date(Date.now() - 60_000).toISOString() });
      await store.createProposal(p);
      expect(await store.transitionProposal(a.id, p.id, ['confirmed'], 'running')).toBeNull();
      expect(await store.getProposal(a.id, p.id)).toEqual(p);
      const confirmed = await store.transitionProposal(a.id, p.id, ['pending'], 'confirmed');
      expect(confirmed).toEqual({ ...p, status: 'confirmed', updatedAt: expect.any(String) });
      expect(Date.parse(confirmed!.updatedAt)).toBeGreaterThan(Date.parse(p.updatedAt));
      const result = { ok: false, status: 502, errorType: 'http_5xx', excerpt: 'bad gateway' };
      const running = await store.transitionProposal(a.id, p.id, ['confirmed'], 'running');
      const failed = await store.transitionProposal(a.id, p.id, ['running'], 'failed', { result });
      expect(running?.status).toBe('running');
      expect(failed).toEqual({ ...p, status: 'failed', result, updatedAt: expect.any(String) });
      expect(await store.getProposal(a.id, p.id)).toEqual(failed);
      expect(await store.transitionProposal(a.id, p.id, [], 'done')).toBeNull();
      expect(await store.transitionProposal(a.id, randomUUID(), ['pending'], 'done')).toBeNull();
    });

    test('concurrent transitions from confirmed to running: exactly one wins', async () => {
      // On mongo-wire every command runs under one lock, so this shows the filter, not the atomicity; a real server shows both.
      const [a] = await tenants();
      const p = proposal(a.id, randomUUID(), { status: 'confirmed' });
      await store.createProposal(p);
      const N = 20;
      const results = await Promise.all(Array.from({ length: N }, () => store.transitionProposal(a.id, p.id, ['confirmed'], 'running')));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await store.getProposal(a.id, p.id))?.status).toBe('running');
    });

    test('by quick-reply option uuid, including options set by a transition', async () => {
      const [a, b] = await tenants();
      const options = { confirm: randomUUID(), decline: randomUUID() };
      const p = proposal(a.id, randomUUID(), { options });
      const q = proposal(a.id, randomUUID());
      await store.createProposal(p);
      await store.createProposal(q);
      expect(await store.proposalByOption(a.id, options.confirm)).toEqual(p);
      expect(await store.proposalByOption(a.id, options.decline)).toEqual(p);
      expect(await store.proposalByOption(a.id, randomUUID())).toBeNull();
      expect(await store.proposalByOption(b.id, options.confirm)).toBeNull();
      const later = { confirm: randomUUID(), decline: randomUUID() };
      const withOptions = await store.transitionProposal(a.id, q.id, ['pending'], 'pending', { options: later });
      expect(withOptions?.options).toEqual(later);
      expect((await store.proposalByOption(a.id, later.decline))?.id).toBe(q.id);
    });

    test('another tenant sees nothing and cannot transition', async () => {
      const [a, b] = await tenants();
      const conv = randomUUID();
      const p = proposal(a.id, conv, { status: 'confirmed' });
      await store.createProposal(p);
      expect(await store.getProposal(b.id, p.id)).toBeNull();
      expect(await store.listProposals(b.id, conv)).toEqual([]);
      expect(await store.transitionProposal(b.id, p.id, ['confirmed'], 'running')).toBeNull();
      expect(await store.getProposal(a.id, p.id)).toEqual(p);
    });
  });

  describe('scoped tokens', () => {
    test('create, list, look up by hash (with its tenant), delete; only the hash is kept', async () => {
      const [a, b] = await tenants();
      const hash = `sha256-${randomUUID()}`;
      const t = await store.createToken(a.id, { name: 'Zendesk sidebar', scope: 'sidebar', tokenHash: hash, hint: 'ab12' });
      expect(t).toEqual({ id: expect.any(String), tenantId: a.id, name: 'Zendesk sidebar', scope: 'sidebar', hint: 'ab12', createdAt: expect.any(String), lastUsedAt: null });
      const m = await store.createToken(a.id, { name: '', scope: 'mcp', tokenHash: `sha256-${randomUUID()}`, hint: 'cd34' });
      expect(await store.listTokens(a.id)).toEqual([t, m]);
      expect(await store.listTokens(b.id)).toEqual([]);
      for (const listed of await store.listTokens(a.id)) expect(JSON.stringify(listed)).not.toContain(hash);

      const found = await store.tokenByHash(hash);
      expect(found).toEqual({ token: { ...t, lastUsedAt: expect.any(String) }, tenant: a });
      expect(Date.parse(found!.token.lastUsedAt!)).toBeGreaterThanOrEqual(Date.parse(t.createdAt));
      expect((await store.listTokens(a.id))[0]?.lastUsedAt).toBe(found!.token.lastUsedAt);
      expect(await store.tokenByHash('sha256-unknown')).toBeNull();

      await expect(store.createToken(b.id, { name: 'dup', scope: 'mcp', tokenHash: hash, hint: 'ab12' })).rejects.toBeInstanceOf(ConflictError);
      expect(await store.deleteToken(b.id, t.id)).toBe(false);
      expect(await store.deleteToken(a.id, t.id)).toBe(true);
      expect(await store.deleteToken(a.id, t.id)).toBe(false);
      expect(await store.tokenByHash(hash)).toBeNull();
      expect(await store.listTokens(a.id)).toEqual([m]);
    });
  });
}
