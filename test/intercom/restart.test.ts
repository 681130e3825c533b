import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../server/src/store';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { api } from '../support/server';
import { startFakeIntercom, type FakeIntercom } from './fake-intercom';
import { ACCESS_TOKEN, configureIntercom, deliver, notification, waitFor, type MessageSpec } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

let llm: FakeOpenAI;
let intercom: FakeIntercom;
let dataDir: string;
const children: ChildProcess[] = [];

interface Proc {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the server as its own OS process on `dataDir`: `main.ts` itself, or the short-lease fixture. */
async function startProcess(entry: 'main' | 'short-lease'): Promise<Proc> {
  const script = entry === 'main' ? path.join(ROOT, 'server', 'src', 'main.ts') : path.join(__dirname, 'fixtures', 'server-process.ts');
  // One node process with tsx's loader (the tsx CLI would run the server in a grandchild that a SIGKILL does not reach).
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      OPENAI_BASE_URL: llm.url,
      ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}\n${err}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /server on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(({ code }) => reject(new Error(`server exited (${code}) before it listened: ${err}`)));
  });
  return { child, url, exited };
}

beforeAll(async () => {
  llm = await startFakeOpenAI((req) => {
    const user = req.messages.filter((m) => m.role === 'user').pop()!;
    return { content: `Answer to: ${user.content}` };
  });
  intercom = await startFakeIntercom(ACCESS_TOKEN);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hda-intercom-restart-'));
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await llm?.close();
  await intercom?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a crash (SIGKILL) and a stop (SIGTERM) mid-drain lose no delivery and answer none twice', async () => {
  // Slow turns and slow posts: the kill lands while turns run and while posts are on their way.
  llm.setDelay(250);
  intercom.setReplyDelay(80);

  const a = await startProcess('short-lease');
  const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  await configureIntercom(a.url, token, intercom.base);

  // 24 conversations with one message, 6 with two (created, then replied): 36 deliveries.
  const messages: MessageSpec[] = [];
  for (let i = 0; i < 30; i++) {
    messages.push({ id: `n-${i}-a`, conversationId: `70${i}`, contactId: `c-${i}`, authorType: 'lead', body: `question ${i}` });
    if (i < 6) messages.push({ id: `n-${i}-b`, topic: 'conversation.user.replied', conversationId: `70${i}`, contactId: `c-${i}`, authorType: 'lead', body: `follow-up ${i}` });
  }
  for (const m of messages) expect((await deliver(a.url, notification(m))).status).toBe(200);
  const expected = new Map<string, number>();
  for (const m of messages) expected.set(m.conversationId, (expected.get(m.conversationId) ?? 0) + 1);
  const answered = () => [...expected.keys()].reduce((n, id) => n + intercom.comments(id).length, 0);

  // Crash in the middle of the drain, while replies are on their way: Intercom will have them, the process never hears back.
  await waitFor(() => answered() >= 4 && intercom.postsInFlight() > 0, 30_000, 'the first replies and a post in flight');
  a.child.kill('SIGKILL');
  expect((await a.exited).signal).toBe('SIGKILL');
  const afterCrash = answered();
  expect(afterCrash).toBeLessThan(messages.length);
  // The dead process left work in hand (leased) and work not started (pending).
  const left = await inboxCounts();
  expect(left.leased).toBeGreaterThan(0);
  expect(left.pending).toBeGreaterThan(0);

  // The real main.ts on the same DATA_DIR: it finishes what was left (leased items once their lease expires).
  const b = await startProcess('main');
  // Intercom redelivers some notifications (it had no answer from the dead process): stored once already.
  for (const m of messages.slice(0, 4)) {
    const r = await deliver(b.url, notification(m));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ duplicate: true });
  }
  await waitFor(() => answered() >= afterCrash + 4, 30_000, 'replies after the restart');
  b.child.kill('SIGTERM');
  expect(await b.exited).toEqual({ code: 0, signal: null });
  expect(answered()).toBeLessThan(messages.length);

  // And once more: everything is answered, exactly once per delivery.
  const c = await startProcess('main');
  await waitFor(() => answered() >= messages.length, 60_000, 'all replies');
  // Give a double answer, if there were one, the time to show up.
  await new Promise((r) => setTimeout(r, 1500));
  for (const [conversationId, n] of expected) expect([conversationId, intercom.comments(conversationId).length]).toEqual([conversationId, n]);

  // Each turn is stored once: a conversation has one customer message and one answer per delivery.
  const list = await api(c.url, token, 'GET', '/v1/conversations?channel=intercom&limit=100');
  expect(list.body.conversations).toHaveLength(expected.size);
  for (const conv of list.body.conversations) expect(conv.messageCount).toBe(2 * expected.get(conv.externalId)!);

  c.child.kill('SIGTERM');
  expect((await c.exited).code).toBe(0);
  expect(await inboxCounts()).toEqual({ pending: 0, leased: 0, done: messages.length, dead: 0 });
}, 180_000);

/** The inbox of the DATA_DIR, read directly from the store file (SQLite allows other processes in). */
async function inboxCounts() {
  const store = await openStore({ DATA_DIR: dataDir, MONGODB_URI: undefined, ENCRYPTION_KEY: undefined });
  try {
    return await store.inboxCounts();
  } finally {
    await store.close();
  }
}
