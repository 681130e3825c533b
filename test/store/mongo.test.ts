import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { ConfigError } from '../../server/src/errors';
import { SecretBox } from '../../server/src/store/crypto';
import { MongoStore } from '../../server/src/store/mongo';
import type { Conversation } from '../../shared/conversation';
import { call, conversation } from './builders';
import { actionSpec, auditInput, describeStoreContract, settingsDoc } from './contract';

/*
 * The MongoDB adapter runs the same contract whenever MONGODB_URI is set (a replica set also
 * exercises the transactional path). The run uses a database of its own, emptied after each
 * test and dropped at the end.
 * No MongoDB server can be installed on the build machines, so without the variable the suite
 * says it is skipped instead of passing silently.
 */
const uri = process.env.MONGODB_URI;
const dbName = `store_test_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;

/** The test's own connection to the run's database: raw reads, emptying between tests, dropping at the end. */
let admin: mongoose.Connection | undefined;
async function adminConn(): Promise<mongoose.Connection> {
  admin ??= await mongoose.createConnection(uri!, { dbName }).asPromise();
  return admin;
}

/** A store on the run's database, emptied afterwards (indexes stay, so the next connect is quick). */
async function makeMongoStore(box = new SecretBox(randomBytes(32))) {
  const store = await MongoStore.connect(uri!, box, { dbName });
  return {
    store,
    async cleanup() {
      await store.close();
      const conn = await adminConn();
      for (const c of await conn.db!.collections()) await c.deleteMany({});
    },
  };
}

if (!uri) {
  console.warn('MongoDB contract tests skipped: MONGODB_URI is not set');
  describe('Store contract: mongodb', () => {
    test.skip('skipped: MONGODB_URI not set', () => undefined);
  });
} else {
  afterAll(async () => {
    const conn = await adminConn();
    await conn.dropDatabase();
    await conn.close();
  });

  describeStoreContract('mongodb', makeMongoStore);

  describe('MongoStore specifics', () => {
    test('secrets are sealed in the stored documents', async () => {
      const { store, cleanup } = await makeMongoStore();
      try {
        const t = await store.createTenant('acme', 'hash');
        await store.createAction(t.id, actionSpec('lookup_order', { auth: { type: 'basic', username: 'u', password: 'PLAIN-password' } }), auditInput('action', 'create'));
        await store.putSettings(t.id, settingsDoc({ zendesk: { apiToken: 'PLAIN-zd-token' } }), auditInput('settings', 'update'));
        const conn = await adminConn();
        const raw = JSON.stringify([
          await conn.collection('actions').find().toArray(),
          await conn.collection('tenant_docs').find().toArray(),
          await conn.collection('audit').find().toArray(),
          await conn.collection('action_versions').find().toArray(),
        ]);
        expect(raw).toContain('lookup_order');
        for (const s of ['PLAIN-password', 'PLAIN-zd-token', 'hdr-lookup_order-s3cret', 'zd-hook-s3cret', 'ic-access-s3cret', 'ic-client-s3cret']) {
          expect(raw).not.toContain(s);
        }
      } finally {
        await cleanup();
      }
    });

    test('a different key cannot read the secrets: ConfigError', async () => {
      const first = await makeMongoStore();
      try {
        const t = await first.store.createTenant('acme', 'hash');
        const a = await first.store.createAction(t.id, actionSpec('lookup_order'), auditInput('action', 'create'));
        const other = await MongoStore.connect(uri!, new SecretBox(randomBytes(32)), { dbName });
        try {
          await expect(other.getAction(t.id, a.id)).rejects.toBeInstanceOf(ConfigError);
          expect(await other.getTenant(t.id)).toEqual(t);
        } finally {
          await other.close();
        }
      } finally {
        await first.cleanup();
      }
    });

    test('an enqueue between its insert and its number blocks its conversation; a stalled one is numbered by claim', async () => {
      const { store, cleanup } = await makeMongoStore();
      try {
        const t = await store.createTenant('acme', 'hash');
        const conn = await adminConn();
        // Another instance's enqueue, stopped after its insert (the first of its two steps).
        const stalled = { _id: randomUUID(), seq: null, tenantId: t.id, source: 'intercom', dedupeKey: 'x1', conversationKey: 'k1', payload: '{}', status: 'pending', attempts: 0, leaseOwner: null, leaseExpiresAt: null, nextAttemptAt: new Date(0), createdAt: new Date().toISOString(), error: null };
        await conn.collection('inbox').insertOne(stalled as never);
        expect(await store.enqueue({ tenantId: t.id, source: 'intercom', dedupeKey: 'x2', conversationKey: 'k1', payload: {} })).toBe(true);
        expect(await store.enqueue({ tenantId: t.id, source: 'intercom', dedupeKey: 'y1', conversationKey: 'k2', payload: {} })).toBe(true);
        expect((await store.claim('w1', 10_000))?.dedupeKey).toBe('y1'); // other conversations go on
        expect(await store.claim('w1', 10_000)).toBeNull(); // k1 waits for its earlier delivery
        // The instance died there: after the grace period claim numbers the item, and the conversation goes on.
        await conn.collection('inbox').updateOne({ _id: stalled._id as never }, { $set: { createdAt: new Date(Date.now() - 60_000).toISOString() } });
        const next = await store.claim('w1', 10_000);
        expect(next?.dedupeKey).toBe('x2');
        expect(await store.complete(next!.id, 'w1')).toBe(true);
        expect((await store.claim('w1', 10_000))?.dedupeKey).toBe('x1');
        expect(await conn.collection('inbox').countDocuments({ seq: null })).toBe(0);
      } finally {
        await cleanup();
      }
    });

    test("a lock whose release was lost (item finished, lock left) does not hold its conversation until it expires", async () => {
      const { store, cleanup } = await makeMongoStore();
      try {
        const t = await store.createTenant('acme', 'hash');
        for (const d of ['a1', 'a2']) await store.enqueue({ tenantId: t.id, source: 'zendesk', dedupeKey: d, conversationKey: 'k1', payload: {} });
        const first = (await store.claim('w1', 600_000))!;
        const conn = await adminConn();
        // complete()'s first write, then a crash before its second (the lock's release).
        await conn.collection('inbox').updateOne({ _id: first.id as never }, { $set: { status: 'done', leaseOwner: null } });
        expect(await conn.collection('inbox_locks').countDocuments({ _id: 'k1' as never })).toBe(1);
        expect((await store.claim('w2', 10_000))?.dedupeKey).toBe('a2');
      } finally {
        await cleanup();
      }
    });

    test('calls added by two instances (two processes) within one second come back in insertion order', async () => {
      const { store, cleanup } = await makeMongoStore();
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'mongo-calls-worker.ts')], {
        env: { ...process.env, MONGODB_URI: uri, DB_NAME: dbName },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d));
      const lines: string[] = [];
      let wake: (() => void) | undefined;
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) (lines.push(buf.slice(0, i)), (buf = buf.slice(i + 1)));
        wake?.();
      });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const nextLine = async () => {
        while (lines.length === 0) {
          if (child.exitCode !== null) throw new Error(`worker exited: ${err}`);
          await Promise.race([new Promise<void>((r) => (wake = r)), exited]);
        }
        return lines.shift()!;
      };
      try {
        const t = await store.createTenant('acme', 'hash');
        expect(await nextLine()).toBe('ready');
        // Start right after a second begins, so that all four land within one second (where ObjectIds order by process).
        while (Date.now() % 1000 > 100) await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
        const added = [];
        for (let i = 0; i < 4; i++) {
          const c = call(null, `step_${i}`);
          added.push(c);
          if (i % 2 === 0) await store.addCalls(t.id, [c]);
          else {
            child.stdin.write(`${t.id} ${JSON.stringify(c)}\n`);
            expect(await nextLine()).toBe('ok');
          }
        }
        expect((await store.listCalls(t.id, {})).map((c) => c.action)).toEqual(['step_3', 'step_2', 'step_1', 'step_0']);
      } finally {
        child.stdin.end();
        await exited;
        await cleanup();
      }
    });

    test('an append pushes only the new messages; a document of the older shape reads, and its next write converts it', async () => {
      const { store, cleanup } = await makeMongoStore();
      const updates: { $set?: Record<string, unknown>; $push?: { messages: { $each: string[] } } }[] = [];
      mongoose.set('debug', (coll: string, method: string, ...args: unknown[]) => {
        if (coll === 'conversations' && method === 'updateOne') updates.push(args[1] as (typeof updates)[number]);
      });
      const turn = (c: Conversation, n: number): Conversation => ({
        ...c,
        messages: [...c.messages, { role: 'user', content: `q${n}`, at: c.updatedAt, turnId: `t${n}` }, { role: 'assistant', content: `a${n}`, at: c.updatedAt, turnId: `t${n}` }],
        version: c.version + 1,
      });
      try {
        const t = await store.createTenant('acme', 'hash');
        const conn = await adminConn();
        // Written by the earlier release: the messages inside `doc`, no `messages` field.
        const old = turn(conversation(t.id), 1);
        await conn.collection('conversations').insertOne({ _id: old.id as never, tenantId: t.id, channel: 'api', externalId: null, doc: JSON.stringify(old), version: 2, updatedAt: new Date(old.updatedAt) });
        expect(await store.getConversation(t.id, old.id)).toEqual(old);
        const v3 = turn(old, 2);
        expect(await store.updateConversation(v3, { appendedFrom: 3 })).toBe(true);
        expect(await store.getConversation(t.id, old.id)).toEqual(v3);
        const stored = await conn.collection('conversations').findOne({ _id: old.id as never });
        expect(stored?.messages).toHaveLength(5);
        expect(JSON.parse(stored!.doc as string).messages).toBeNull();
        updates.length = 0;
        const v4 = turn(v3, 3);
        expect(await store.saveTurn(v4, [], { create: false, appendedFrom: 5 })).toBe(true);
        expect(updates).toHaveLength(1);
        expect(updates[0]!.$push?.messages.$each.map((m) => JSON.parse(m).content)).toEqual(['q3', 'a3']);
        expect(updates[0]!.$set).not.toHaveProperty('messages');
        expect(await store.getConversation(t.id, old.id)).toEqual(v4);
      } finally {
        mongoose.set('debug', false);
        await cleanup();
      }
    });

    test('connect rebuilds an index whose definition changed instead of failing', async () => {
      const conn = await adminConn();
      await conn.db!.createCollection('tenants').catch(() => undefined);
      await conn.collection('tenants').dropIndex('intercomAppId_1').catch(() => undefined);
      // An older definition under the same name: not unique, not partial.
      await conn.collection('tenants').createIndex({ intercomAppId: 1 }, { name: 'intercomAppId_1' });
      const { store, cleanup } = await makeMongoStore();
      try {
        const idx = (await conn.collection('tenants').indexes()).find((i) => i.name === 'intercomAppId_1');
        expect(idx).toMatchObject({ unique: true, partialFilterExpression: { intercomAppId: { $type: 'string' } } });
        const [a, b] = [await store.createTenant('a', 'h1'), await store.createTenant('b', 'h2')];
        await store.putSettings(a.id, settingsDoc({ intercom: { appId: 'abcd1234' } }), auditInput('settings', 'update'));
        await expect(store.putSettings(b.id, settingsDoc({ intercom: { appId: 'abcd1234' } }), auditInput('settings', 'update'))).rejects.toThrow('already connected');
      } finally {
        await cleanup();
      }
    });

    test('two stores (two instances) on one database never claim the same item', async () => {
      const box = new SecretBox(randomBytes(32));
      const one = await makeMongoStore(box);
      const two = await MongoStore.connect(uri!, box, { dbName });
      try {
        const t = await one.store.createTenant('acme', 'hash');
        const N = 30;
        for (let i = 0; i < N; i++) {
          await (i % 2 ? one.store : two).enqueue({ tenantId: t.id, source: 'intercom', dedupeKey: `d${i}`, conversationKey: `k${i % 4}`, payload: { i } });
        }
        const seen = new Map<string, number>();
        const drain = async (s: MongoStore, owner: string) => {
          for (let idle = 0; idle < 20; ) {
            const it = await s.claim(owner, 30_000);
            if (!it) {
              idle++;
              await new Promise((r) => setTimeout(r, 10));
              continue;
            }
            seen.set(it.id, (seen.get(it.id) ?? 0) + 1);
            expect(await s.complete(it.id, owner)).toBe(true);
          }
        };
        await Promise.all([drain(one.store, 'a1'), drain(one.store, 'a2'), drain(two, 'b1'), drain(two, 'b2')]);
        expect(seen.size).toBe(N);
        expect([...seen.values()].every((n) => n === 1)).toBe(true);
        expect(await two.inboxCounts()).toEqual({ pending: 0, leased: 0, done: N, dead: 0 });
      } finally {
        await two.close();
        await one.cleanup();
      }
    });
  });
}
