import { loadConfig } from '../../server/src/config';
import { hashToken } from '../../server/src/http';
import type { SweepResult } from '../../server/src/inbox';
import { api, startTestServer, type TestServer } from '../support/server';
import { call, conversation } from '../store/builders';

/*
 * Retention (RETENTION_DAYS): the job the composition root starts, on a real server and store.
 * The clock is injected and the waits are for the job's `swept` events, never for time.
 */

const DAY = 24 * 3600_000;

async function tenantIdOf(ts: TestServer): Promise<string> {
  const t = await ts.server.store.tenantByTokenHash(hashToken(ts.token));
  if (!t) throw new Error('no tenant for the admin token');
  return t.id;
}

/** Old and new conversations and calls, written straight to the store (their timestamps are the point). */
async function seed(ts: TestServer, tenantId: string, oldAt: Date, counts: { oldConversations: number; oldCalls: number }) {
  const store = ts.server.store;
  const old = oldAt.toISOString();
  for (let i = 0; i < counts.oldConversations; i++) await store.createConversation(conversation(tenantId, { createdAt: old, updatedAt: old }));
  const fresh = conversation(tenantId);
  await store.createConversation(fresh);
  const calls = Array.from({ length: counts.oldCalls }, () => call(null, 'lookup_order', { at: old }));
  for (let i = 0; i < calls.length; i += 200) await store.addCalls(tenantId, calls.slice(i, i + 200));
  await store.addCalls(tenantId, [call(fresh.id, 'lookup_order')]);
  return fresh;
}

describe('retention job', () => {
  test('RETENTION_DAYS: default 90, a bad value stops the start naming it', () => {
    expect(loadConfig({}).RETENTION_DAYS).toBe(90);
    expect(loadConfig({ RETENTION_DAYS: '7' }).RETENTION_DAYS).toBe(7);
    expect(() => loadConfig({ RETENTION_DAYS: '0' })).toThrow(/RETENTION_DAYS/);
    expect(() => loadConfig({ RETENTION_DAYS: 'forever' })).toThrow(/RETENTION_DAYS/);
  });

  test('runs shortly after start and then periodically: old records go, recent ones stay; stops on close', async () => {
    let now = Date.now();
    const ts = await startTestServer({ RETENTION_DAYS: '30' }, { retention: { firstDelayMs: 0, intervalMs: 10, batch: 100, now: () => new Date(now) } });
    try {
      const tenantId = await tenantIdOf(ts);
      const nextSweep = () => new Promise<SweepResult>((resolve) => ts.server.retention.once('swept', resolve));
      // An audit entry written now (a configuration change through the API).
      expect((await api(ts.url, ts.token, 'PUT', '/v1/settings', { instructions: 'Be brief.' })).status).toBe(200);
      const fresh = await seed(ts, tenantId, new Date(now - 31 * DAY), { oldConversations: 120, oldCalls: 450 });
      // A sweep may have begun before the seeding ended: the one after it began later.
      await nextSweep();
      await nextSweep();

      const conversations = await api(ts.url, ts.token, 'GET', '/v1/conversations?limit=200');
      expect(conversations.body.conversations.map((c: { id: string }) => c.id)).toEqual([fresh.id]);
      const calls = await api(ts.url, ts.token, 'GET', '/v1/calls?limit=200');
      expect(calls.body.calls.map((c: { conversationId: string }) => c.conversationId)).toEqual([fresh.id]);
      expect((await api(ts.url, ts.token, 'GET', '/v1/audit')).body.entries.length).toBeGreaterThan(0);

      // 31 days later (the injected clock), everything written today is old too.
      now += 31 * DAY;
      await nextSweep();
      const last = await nextSweep();
      expect(last.complete).toBe(true);
      expect(last.before.getTime()).toBe(now - 30 * DAY);
      expect((await api(ts.url, ts.token, 'GET', '/v1/conversations')).body.conversations).toEqual([]);
      expect((await api(ts.url, ts.token, 'GET', '/v1/calls')).body.calls).toEqual([]);
      expect((await api(ts.url, ts.token, 'GET', '/v1/audit')).body.entries).toEqual([]);
    } finally {
      await ts.close();
    }
    // Closed: no sweep scheduled any more, and none starts (the store is closed).
    expect(ts.server.retention.scheduled).toBe(false);
    expect(await ts.server.retention.sweep()).toMatchObject({ batches: 0 });
  });

  test('one sweep prunes in batches until a batch deletes nothing, at most maxBatches; the rest goes next time', async () => {
    // The job's own first sweep is an hour away: only the sweeps called here run.
    const ts = await startTestServer({ RETENTION_DAYS: '90' }, { retention: { firstDelayMs: 3600_000, batch: 100, maxBatches: 4 } });
    try {
      const tenantId = await tenantIdOf(ts);
      await seed(ts, tenantId, new Date(Date.now() - 100 * DAY), { oldConversations: 30, oldCalls: 550 });
      const first = await ts.server.retention.sweep();
      expect(first).toMatchObject({ batches: 4, complete: false, deleted: { conversations: 30, calls: 400 } });
      const second = await ts.server.retention.sweep();
      // 150 calls left: two batches with rows, then the empty one that ends the sweep.
      expect(second).toMatchObject({ batches: 3, complete: true, deleted: { conversations: 0, calls: 150 } });
      expect((await api(ts.url, ts.token, 'GET', '/v1/calls')).body.calls).toHaveLength(1);
      expect((await api(ts.url, ts.token, 'GET', '/v1/conversations')).body.conversations).toHaveLength(1);
    } finally {
      await ts.close();
    }
  });
});
