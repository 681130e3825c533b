import { randomUUID } from 'node:crypto';
import type { CallRecord } from '../../shared/conversation';
import { createAction, start, startRig, type Rig } from '../agent/helpers';
import { api } from '../support/server';

/*
 * The admin API at scale, over real HTTP: cursor pages of the call and conversation logs,
 * and the per-action statistics in one request.
 */

let rig: Rig;
const OPERATOR = 'operator-token-for-perf-tests-0123';

beforeAll(async () => {
  rig = await startRig({ OPERATOR_TOKEN: OPERATOR });
});
afterAll(() => rig.close());

/** A tenant of its own, so that what other tests log does not show in its lists. */
async function newTenant(name: string): Promise<{ id: string; token: string }> {
  const r = await api(rig.url, OPERATOR, 'POST', '/v1/tenants', { name });
  expect(r.status).toBe(201);
  return { id: r.body.id, token: r.body.adminToken };
}

function record(i: number): CallRecord {
  return {
    id: randomUUID(),
    conversationId: null,
    turnId: `t${i}`,
    action: `action_${i % 7}`,
    method: 'GET',
    url: `https://api.example.com/x/${i}`,
    status: 200,
    ok: true,
    durationMs: i,
    requestHeaders: {},
    responseExcerpt: '{}',
    at: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
  };
}

/** Follows nextCursor from the first page to the last; every page no longer than `limit`. */
async function allPages(token: string, path: string, key: string, limit: number) {
  const pages: any[][] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await api(rig.url, token, 'GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status).toBe(200);
    expect(r.body).toHaveProperty('nextCursor');
    expect(r.body[key].length).toBeLessThanOrEqual(limit);
    pages.push(r.body[key]);
    cursor = r.body.nextCursor;
    if (cursor === null) return pages;
  }
  throw new Error('more than 100 pages');
}

describe('GET /v1/calls pages', () => {
  test('120 calls in pages of 50: 50, 50, 20, each once, newest first; nextCursor null on the last', async () => {
    const t = await newTenant('paging-calls');
    const records = Array.from({ length: 120 }, (_, i) => record(i));
    // Several writes, as turns would make them.
    for (let i = 0; i < 120; i += 30) await rig.srv.server.store.addCalls(t.id, records.slice(i, i + 30));
    const pages = await allPages(t.token, '/v1/calls', 'calls', 50);
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
    expect(pages.flat().map((c) => c.id)).toEqual(records.map((c) => c.id).reverse());
  });

  test('filters apply across pages; without limit a page holds 50; a limit past 200 is served as 200', async () => {
    const t = await newTenant('paging-filter');
    await rig.srv.server.store.addCalls(t.id, Array.from({ length: 250 }, (_, i) => record(i)));
    const pages = await allPages(t.token, '/v1/calls?action=action_3', 'calls', 10);
    const ids = pages.flat().map((c) => c.turnId);
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i).filter((i) => i % 7 === 3).reverse().map((i) => `t${i}`));

    const first = await api(rig.url, t.token, 'GET', '/v1/calls');
    expect(first.body.calls).toHaveLength(50);
    expect(typeof first.body.nextCursor).toBe('string');
    const big = await api(rig.url, t.token, 'GET', '/v1/calls?limit=1000');
    expect(big.body.calls).toHaveLength(200);
    expect(big.body.nextCursor).not.toBeNull();
  });

  test.each([
    ['not base64url', 'cursor=%25%25%25', 'cursor'],
    ['base64url but not ours', `cursor=${Buffer.from('{"a":1}').toString('base64url')}`, 'cursor'],
    ['a limit of 0', 'limit=0', 'limit'],
    ['a limit that is not a number', 'limit=ten', 'limit'],
  ])('%s is a 400 naming the field', async (_what, query, field) => {
    for (const path of ['/v1/calls', '/v1/conversations']) {
      const r = await api(rig.url, rig.token, 'GET', `${path}?${query}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
      expect(JSON.stringify(r.body.error)).toContain(field);
      expect(r.text).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});

describe('GET /v1/conversations pages', () => {
  test('every conversation once, newest first, the summary fields kept', async () => {
    const t = await newTenant('paging-conversations');
    rig.llm.setScript(() => ({ content: 'Hello!' }));
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await api(rig.url, t.token, 'POST', '/v1/conversations', { customer: { id: `c-${i}`, verified: false }, message: `question ${i}` });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    const pages = await allPages(t.token, '/v1/conversations?channel=api', 'conversations', 5);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    const seen = pages.flat();
    expect(new Set(seen.map((c) => c.id))).toEqual(new Set(ids));
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1].updatedAt >= seen[i].updatedAt).toBe(true);
    expect(seen[0]).toMatchObject({ channel: 'api', messageCount: 2, lastMessage: { role: 'assistant', content: 'Hello!' }, needsHuman: false });
    expect((await api(rig.url, t.token, 'GET', '/v1/conversations?channel=zendesk')).body).toEqual({ conversations: [], nextCursor: null });
  });
});

describe('GET /v1/stats/actions', () => {
  test('the whole list in one request; test runs and confirmation waits count nowhere', async () => {
    const t = await newTenant('stats');
    const base = rig.customer.base;
    rig.customer.setHandler((req) => (req.path.endsWith('/B-2') ? { status: 500, body: { error: 'boom' } } : { body: { status: 'shipped' } }));
    const lookup = await createAction(rig, { name: 'lookup_order', description: 'Look up an order', method: 'GET', url: `${base}/orders/{{order_number}}`, variables: [{ name: 'order_number', type: 'string', description: 'The order number' }] }, t.token);
    await createAction(rig, { name: 'cancel_order', description: 'Cancel an order', method: 'POST', url: `${base}/orders/{{order_number}}/cancel`, variables: [{ name: 'order_number', type: 'string', description: 'The order number' }] }, t.token);
    // Three real calls (one fails), then a write the model proposes: it waits for the customer's confirmation.
    const plan = [['lookup_order', 'A-1'], ['lookup_order', 'A-1'], ['lookup_order', 'B-2'], ['cancel_order', 'A-1']] as const;
    for (const [action, order] of plan) {
      rig.llm.setScript((req) => (req.messages.some((m) => m.role === 'tool') ? { content: 'Done.' } : { toolCalls: [{ name: action, arguments: { order_number: order } }] }));
      const r = await start(rig, `please ${action} ${order}`, { id: 'c-1', verified: false }, t.token);
      expect(r.status).toBe(201);
    }
    // Two test runs from the admin page, both failing: logged, not counted.
    for (let i = 0; i < 2; i++) {
      const r = await api(rig.url, t.token, 'POST', `/v1/actions/${lookup.id}/test`, { variables: { order_number: 'B-2' } });
      expect(r.status).toBe(200);
      expect(r.body.ok).toBe(false);
    }
    const log = (await api(rig.url, t.token, 'GET', '/v1/calls?limit=200')).body.calls as CallRecord[];
    expect(log.filter((c) => c.test)).toHaveLength(2);
    expect(log.filter((c) => c.errorType === 'needs_confirmation')).toHaveLength(1);

    const r = await api(rig.url, t.token, 'GET', '/v1/stats/actions');
    expect(r.status).toBe(200);
    expect(Date.now() - Date.parse(r.body.since)).toBeGreaterThan(6.9 * 24 * 3600_000);
    expect(r.body.actions).toHaveLength(1);
    expect(r.body.actions[0]).toMatchObject({ action: 'lookup_order', calls: 3, errors: 1 });
    expect(r.body.actions[0].errorRate).toBeCloseTo(1 / 3);
    expect(typeof r.body.actions[0].p50Ms).toBe('number');
    expect(r.body.actions[0].p95Ms).toBeGreaterThanOrEqual(r.body.actions[0].p50Ms);

    const future = await api(rig.url, t.token, 'GET', `/v1/stats/actions?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.actions).toEqual([]);
    const bad = await api(rig.url, t.token, 'GET', '/v1/stats/actions?since=yesterday');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('since');
  });
});
