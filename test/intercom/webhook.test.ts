import { spawn } from 'node:child_process';
import path from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { startTestServer, type TestServer } from '../support/server';
import { startFakeIntercom, type FakeIntercom } from './fake-intercom';
import { ACCESS_TOKEN, ADMIN_ID, APP_ID, configureIntercom, deliver, notification, sign, waitFor } from './helpers';

let llm: FakeOpenAI;
let intercom: FakeIntercom;
let ts: TestServer;

beforeAll(async () => {
  llm = await startFakeOpenAI(() => ({ content: 'Hello! How can I help?' }));
  intercom = await startFakeIntercom(ACCESS_TOKEN);
  ts = await startTestServer({ OPENAI_BASE_URL: llm.url }, { worker: { concurrency: 8, idleMs: 50 } });
  await configureIntercom(ts.url, ts.token, intercom.base);
});

afterAll(async () => {
  await ts?.close();
  await llm?.close();
  await intercom?.close();
});

/** Runs fixtures/burst-sender.mjs: the deliveries go out from another process; each comes back with its status and time. */
async function sendFromAnotherProcess(url: string, concurrency: number, deliveries: { body: string; signature: string }[]) {
  const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'burst-sender.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stdin.end(JSON.stringify({ url, concurrency, deliveries }));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the sender exited with ${code}`);
  return JSON.parse(out) as { i: number; status: number; ms: number }[];
}

const total = (c: { pending: number; leased: number; done: number; dead: number }) => c.pending + c.leased + c.done + c.dead;

/** Waits until the inbox has no unfinished item. */
const drained = () => waitFor(async () => {
  const c = await ts.server.store.inboxCounts();
  return c.pending === 0 && c.leased === 0;
}, 30_000, 'the inbox to drain');

describe('intercom webhook', () => {
  test('HEAD answers 200 (Intercom checks the URL with it)', async () => {
    const res = await fetch(`${ts.url}/webhooks/intercom`, { method: 'HEAD' });
    expect(res.status).toBe(200);
  });

  test('a delivery made twice is stored once and answered once', async () => {
    llm.reset();
    const n = notification({ id: 'notif_dup_1', conversationId: '9001', contactId: 'c-dup', body: '<p>Hello <b>there</b> &amp; hi</p>' });
    const first = await deliver(ts.url, n);
    const second = await deliver(ts.url, n);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ ok: true, duplicate: false });
    expect(second.status).toBe(200);
    expect(JSON.parse(second.text)).toMatchObject({ ok: true, duplicate: true });

    await waitFor(() => intercom.comments('9001').length === 1, 10_000, 'the reply');
    await drained();
    await new Promise((r) => setTimeout(r, 200));
    expect(intercom.comments('9001')).toHaveLength(1);
    expect(llm.requests).toHaveLength(1);
    // The customer's words reached the model as text, HTML stripped and entities decoded.
    const user = llm.requests[0]!.messages.filter((m) => m.role === 'user');
    expect(user[user.length - 1]!.content).toBe('Hello there & hi');

    const list = await fetch(`${ts.url}/v1/conversations?channel=intercom`, { headers: { authorization: `Bearer ${ts.token}` } }).then((r) => r.json() as Promise<any>);
    expect(list.conversations.filter((c: any) => c.externalId === '9001')).toHaveLength(1);
  });

  test('a reply takes the last comment the customer wrote, not the admin part before it', async () => {
    llm.reset();
    const n = notification({ id: 'notif_replied_1', topic: 'conversation.user.replied', conversationId: '9002', contactId: 'c-rep', body: '<p>Where is my parcel?</p>' });
    expect((await deliver(ts.url, n)).status).toBe(200);
    await waitFor(() => intercom.comments('9002').length === 1, 10_000, 'the reply');
    const user = llm.requests[0]!.messages.filter((m) => m.role === 'user');
    expect(user[user.length - 1]!.content).toBe('Where is my parcel?');
  });

  describe('rejected with nothing stored', () => {
    const body = JSON.stringify(notification({ id: 'notif_rej', conversationId: '9100', contactId: 'c-rej', body: 'hi' }));

    test.each([
      ['a bad signature', () => deliver(ts.url, body, { signature: sign(body, 'not-the-secret') }), 401],
      ['a missing signature', () => deliver(ts.url, body, { signature: null }), 401],
      ['a signature of another body', () => deliver(ts.url, body, { signature: sign(body.replace('hi', 'ho')) }), 401],
      ['a malformed signature header', () => deliver(ts.url, body, { signature: 'sha1=zz' }), 401],
      ['an unknown app_id, correctly signed', () => deliver(ts.url, notification({ id: 'notif_rej2', appId: 'unknownapp1', conversationId: '9101', contactId: 'c', body: 'hi' })), 401],
      ['malformed JSON, correctly signed', () => deliver(ts.url, '{"type":"notification_event","app_id":"' + APP_ID + '",'), 400],
      ['signed JSON that is not a notification', () => deliver(ts.url, { app_id: APP_ID, hello: 'world' }), 400],
      ['a body over 256 KiB', () => deliver(ts.url, { ...notification({ id: 'notif_big', conversationId: '9102', contactId: 'c', body: 'x'.repeat(300 * 1024) }) }), 413],
    ])('%s', async (_what, send, status) => {
      await drained();
      llm.reset();
      const before = await ts.server.store.inboxCounts();
      const intercomBefore = intercom.requests.length;
      const res = await send();
      expect(res.status).toBe(status);
      expect(JSON.parse(res.text)).toHaveProperty('error.code');
      await new Promise((r) => setTimeout(r, 150));
      expect(total(await ts.server.store.inboxCounts())).toBe(total(before));
      expect(llm.requests).toHaveLength(0);
      expect(intercom.requests.length).toBe(intercomBefore);
    });
  });

  test('other topics (ping), the AI\'s own admin replies and parts are acknowledged and ignored', async () => {
    await drained();
    const before = total(await ts.server.store.inboxCounts());
    const ping = { type: 'notification_event', app_id: APP_ID, data: { type: 'notification_event_data', item: { type: 'ping', message: 'something' } }, id: 'notif_ping', topic: 'ping' };
    expect((await deliver(ts.url, ping)).status).toBe(200);
    const adminReplied = notification({ id: 'notif_adm', topic: 'conversation.admin.replied', conversationId: '9200', contactId: 'c', body: 'x' });
    expect((await deliver(ts.url, adminReplied)).status).toBe(200);
    // Parts by the admin the AI posts as are its own: no customer message, no teammate.
    const byAdmin = notification({ id: 'notif_by_admin', topic: 'conversation.user.replied', conversationId: '9201', contactId: ADMIN_ID, body: 'x', authorType: 'admin' });
    expect(JSON.parse((await deliver(ts.url, byAdmin)).text)).toMatchObject({ ignored: true });
    expect(total(await ts.server.store.inboxCounts())).toBe(before);
  });

  test('a burst of 200 deliveries: each acknowledged while a slow model drains them; each answered once (ack latency: npm run bench)', async () => {
    // A running server: the code paths of a delivery and of a turn are loaded and warm.
    const warm = Array.from({ length: 10 }, (_, i) => `warm-${i}`);
    await Promise.all(warm.map((id) => deliver(ts.url, notification({ id: `notif_${id}`, conversationId: id, contactId: `contact-${id}`, body: 'hi' }))));
    await waitFor(() => warm.every((id) => intercom.comments(id).length === 1), 10_000, 'the warm-up replies');
    await drained();
    llm.reset();
    llm.setDelay(100);
    const before = await ts.server.store.inboxCounts();
    const ids = Array.from({ length: 200 }, (_, i) => `burst-${i}`);
    for (const id of ids) intercom.contacts.set(`contact-${id}`, { type: 'contact', id: `contact-${id}`, role: 'lead', external_id: null, email: null, name: null });
    // The sender runs in its own process, as Intercom does: 20 keep-alive connections, each delivery timed.
    const bodies = ids.map((id) => JSON.stringify(notification({ id: `notif_${id}`, conversationId: id, contactId: `contact-${id}`, body: `<p>question ${id}</p>` })));
    const results = await sendFromAnotherProcess(ts.url, 20, bodies.map((body) => ({ body, signature: sign(body) })));
    expect(results).toHaveLength(200);
    try {
      for (const r of results) expect(r.status).toBe(200);
      // The model is still working when the last acknowledgement went out.
      expect(llm.requests.length).toBeLessThan(200);

      await waitFor(() => ids.every((id) => intercom.comments(id).length >= 1), 60_000, 'all 200 replies');
      await drained();
      for (const id of ids) expect(intercom.comments(id)).toHaveLength(1);
      const after = await ts.server.store.inboxCounts();
      expect(after.done - before.done).toBe(200);
      expect(after.dead).toBe(before.dead);
      expect(llm.requests).toHaveLength(200);
    } finally {
      llm.setDelay(0);
    }
  }, 90_000);
});
