import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretBox } from '../../server/src/store/crypto';
import { openSqliteStore } from '../../server/src/store/sqlite';
import { CLAIM_SQL } from '../../server/src/store/sqlite-inbox';

/** A claim walks only the open items (issue 13): the done history does not slow the workers down. */
test('the claim query reads the open-items indexes, never sorts, and still takes items in order per conversation', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inbox-plan-'));
  const store = openSqliteStore(dir, new SecretBox(Buffer.alloc(32, 3)));
  try {
    const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${CLAIM_SQL}`).all({ now: Date.now() }) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).toContain('USING INDEX inbox_open');
    expect(plan).toContain('USING INDEX inbox_conv_open');
    expect(plan).not.toContain('TEMP B-TREE');

    // A long done history of one conversation, then two open items of it and one of another.
    for (let i = 0; i < 300; i++) {
      await store.enqueue({ tenantId: 't', source: 'intercom', dedupeKey: `old-${i}`, conversationKey: 'c1', payload: { i } });
      const item = await store.claim('w', 60_000);
      await store.complete(item!.id, 'w');
    }
    await store.enqueue({ tenantId: 't', source: 'intercom', dedupeKey: 'a', conversationKey: 'c1', payload: { n: 'a' } });
    await store.enqueue({ tenantId: 't', source: 'intercom', dedupeKey: 'b', conversationKey: 'c1', payload: { n: 'b' } });
    await store.enqueue({ tenantId: 't', source: 'intercom', dedupeKey: 'c', conversationKey: 'c2', payload: { n: 'c' } });
    const first = await store.claim('w1', 60_000);
    const second = await store.claim('w2', 60_000);
    // c1's second item waits for its first; c2's item is free.
    expect([first?.payload, second?.payload]).toEqual([{ n: 'a' }, { n: 'c' }]);
    expect(await store.claim('w3', 60_000)).toBeNull();
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
