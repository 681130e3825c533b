import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import type { Conversation, Message } from '../shared/conversation';
import { openStore, type Store } from '../server/src/store';
import { SecretBox } from '../server/src/store/crypto';
import { MongoStore } from '../server/src/store/mongo';
import { conversation } from '../test/store/builders';
import { table } from './stats';

/*
 * What one turn writes to the store for a conversation of 10 against 200 messages: a turn adds a
 * customer message and a reply (about 400 characters each) and saves with `appendedFrom`, as the
 * agent does. SQLite: bytes the turns add to the WAL (pages really written, before any
 * checkpoint copies them into the file). MongoDB (when
 * MONGODB_URI is set): bytes of the update documents sent. And the median time of a save.
 *   npx tsx bench/conversation-writes.ts
 * Run it on an older commit (same store API) for the figures before a change.
 */

const LENGTHS = [10, 200];
/** Turns measured per length: few enough that SQLite's automatic checkpoint (1000 pages) does not run between them. */
const TURNS = 10;
const TEXT = 'Thanks, I checked the order and it left our warehouse yesterday; the carrier says it arrives on Friday. '.repeat(4);

function message(role: Message['role'], n: number): Message {
  return { role, content: `${n}: ${TEXT}`, at: new Date().toISOString(), turnId: `turn-${Math.floor(n / 2)}` };
}

/** Runs TURNS turns on a conversation of `length` messages; `bytes` measures what the turns wrote. */
async function measure(store: Store, length: number, bytes: { start(): void; stop(): number }): Promise<[number, number]> {
  const t = await store.createTenant('bench', `h-${randomUUID()}`);
  let c = conversation(t.id, { messages: Array.from({ length }, (_, i) => message(i % 2 ? 'assistant' : 'user', i)) });
  await store.createConversation(c);
  const times: number[] = [];
  bytes.start();
  for (let i = 0; i < TURNS; i++) {
    const n = c.messages.length;
    const next: Conversation = { ...c, messages: [...c.messages, message('user', n), message('assistant', n + 1)], version: c.version + 1, updatedAt: new Date().toISOString() };
    const started = performance.now();
    if (!(await store.saveTurn(next, [], { create: false, appendedFrom: n }))) throw new Error('lost a race nobody ran');
    times.push(performance.now() - started);
    c = next;
  }
  const written = bytes.stop();
  times.sort((a, b) => a - b);
  return [Math.round(written / TURNS), times[Math.floor(times.length / 2)]!];
}

async function sqliteRows(): Promise<(string | number)[][]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-conv-'));
  const store = await openStore({ DATA_DIR: dir, MONGODB_URI: undefined, ENCRYPTION_KEY: randomBytes(32).toString('base64') });
  // Without the background checkpointer (when there is one) the WAL only grows: its size is what the turns wrote.
  await (store as { checkpointer?: { stop(): Promise<void> } }).checkpointer?.stop();
  const raw = new Database(path.join(dir, 'store.sqlite'));
  const wal = path.join(dir, 'store.sqlite-wal');
  try {
    const rows: (string | number)[][] = [];
    for (const length of LENGTHS) {
      const [perTurn, p50] = await measure(store, length, {
        start: () => raw.pragma('wal_checkpoint(TRUNCATE)'),
        stop: () => fs.statSync(wal).size,
      });
      rows.push(['sqlite', length, perTurn, p50.toFixed(2)]);
    }
    return rows;
  } finally {
    raw.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function mongoRows(uri: string): Promise<(string | number)[][]> {
  const dbName = `bench_conv_${randomUUID().slice(0, 8)}`;
  const store = await MongoStore.connect(uri, new SecretBox(randomBytes(32)), { dbName });
  let sent = 0;
  mongoose.set('debug', (coll: string, method: string, ...args: unknown[]) => {
    if (coll === 'conversations' && method === 'updateOne') sent += JSON.stringify(args[1]).length;
  });
  try {
    const rows: (string | number)[][] = [];
    for (const length of LENGTHS) {
      const [perTurn, p50] = await measure(store, length, { start: () => (sent = 0), stop: () => sent });
      rows.push(['mongodb', length, perTurn, p50.toFixed(2)]);
    }
    return rows;
  } finally {
    mongoose.set('debug', false);
    const admin = await mongoose.createConnection(uri, { dbName }).asPromise();
    await admin.dropDatabase();
    await admin.close();
    await store.close();
  }
}

/** `npm run bench -- writes` (also runnable alone with `npx tsx bench/conversation-writes.ts`). */
export async function benchConversationWrites(): Promise<void> {
  const rows = await sqliteRows();
  if (process.env.MONGODB_URI) rows.push(...(await mongoRows(process.env.MONGODB_URI)));
  table(['store', 'messages', 'bytes written/turn', 'save p50 ms'], rows);
}

if (require.main === module) {
  benchConversationWrites().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
