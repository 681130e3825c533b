import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserDataApiInput } from '../../shared/action';
import { ConfigError } from '../../server/src/errors';
import { openStore } from '../../server/src/store';
import { SecretBox, loadOrCreateKey } from '../../server/src/store/crypto';
import type { Store } from '../../server/src/store/port';
import { openSqliteStore } from '../../server/src/store/sqlite';
import { actionSpec, auditInput, describeStoreContract, settingsDoc } from './contract';
import { proposal } from './contract-proposals';

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'store-sqlite-'));
const rm = (dir: string) => fs.rmSync(dir, { recursive: true, force: true });
const newKey = () => randomBytes(32).toString('base64');

describeStoreContract('sqlite', async () => {
  const dir = tmpDir();
  const store = await openStore({ DATA_DIR: dir, MONGODB_URI: undefined, ENCRYPTION_KEY: undefined });
  expect(store.kind).toBe('sqlite');
  return {
    store,
    async cleanup() {
      await store.close();
      rm(dir);
    },
  };
});

describe('SqliteStore specifics', () => {
  let dir: string;
  beforeEach(() => {
    dir = tmpDir();
  });
  afterEach(() => rm(dir));

  test('the database files never hold a secret in plain text', async () => {
    const store = await openStore({ DATA_DIR: dir, MONGODB_URI: undefined, ENCRYPTION_KEY: undefined });
    const tag = randomUUID().slice(0, 8);
    const secrets = {
      bearer: `BEARER-${tag}-token`,
      basic: `BASIC-${tag}-password`,
      header: `HEADER-${tag}-value`,
      extraHeader: `XHEADER-${tag}-value`,
      udaToken: `UDA-${tag}-token`,
      zdToken: `ZDTOKEN-${tag}-secret`,
      zdHook: `ZDHOOK-${tag}-secret`,
      icAccess: `ICACCESS-${tag}-secret`,
      icClient: `ICCLIENT-${tag}-secret`,
    };
    const t = await store.createTenant('acme', 'hash');
    const marker = `marker_${tag}`;
    const a = await store.createAction(t.id, actionSpec(marker, { auth: { type: 'bearer', token: secrets.bearer }, headers: [{ key: 'X-Extra-Token', value: secrets.extraHeader }] }), auditInput('action', 'create'));
    await store.createAction(t.id, actionSpec('basic_one', { auth: { type: 'basic', username: 'user', password: secrets.basic } }), auditInput('action', 'create'));
    await store.createAction(t.id, actionSpec('header_one', { auth: { type: 'header', name: 'X-Api-Key', value: secrets.header } }), auditInput('action', 'create'));
    await store.replaceAction(t.id, a.id, actionSpec(marker, { auth: { type: 'bearer', token: secrets.bearer } }), auditInput('action', 'update', a.id));
    await store.putUserDataApi(
      t.id,
      UserDataApiInput.parse({ enabled: true, url: 'https://api.example.com/c?email={{contact.email}}', auth: { type: 'bearer', token: secrets.udaToken } }),
      auditInput('user_data_api', 'update'),
    );
    await store.putSettings(
      t.id,
      settingsDoc({
        zendesk: { subdomain: 'acme', apiToken: secrets.zdToken, webhookSecret: secrets.zdHook },
        intercom: { appId: 'abcd1234', accessToken: secrets.icAccess, clientSecret: secrets.icClient },
      }),
      auditInput('settings', 'update'),
    );
    // The port still gives them back.
    expect((await store.getAction(t.id, a.id))?.auth).toEqual({ type: 'bearer', token: secrets.bearer });
    expect((await store.getSettings(t.id))?.intercom.clientSecret).toBe(secrets.icClient);

    const files = () => ['store.sqlite', 'store.sqlite-wal'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
    const check = () => {
      const bytes = Buffer.concat(files().map((f) => fs.readFileSync(f)));
      expect(bytes.includes(marker)).toBe(true); // the data is there: the scan reads real content
      for (const s of Object.values(secrets)) expect({ secret: s, found: bytes.includes(s) }).toEqual({ secret: s, found: false });
    };
    expect(files()).toContain(path.join(dir, 'store.sqlite-wal'));
    check();
    await store.close(); // checkpoints the WAL into the main file
    check();
  });

  test('a different ENCRYPTION_KEY cannot read the secrets: ConfigError', async () => {
    const key = newKey();
    const store = await openStore({ DATA_DIR: dir, MONGODB_URI: undefined, ENCRYPTION_KEY: key });
    const t = await store.createTenant('acme', 'hash');
    const a = await store.createAction(t.id, actionSpec('lookup_order'), auditInput('action', 'create'));
    await store.putSettings(t.id, settingsDoc(), auditInput('settings', 'update'));
    await store.close();
    expect(fs.existsSync(path.join(dir, 'encryption-key'))).toBe(false); // a given key is never written down

    const wrong = await openStore({ DATA_DIR: dir, MONGODB_URI: undefined, ENCRYPTION_KEY: newKey() });
    await expect(wrong.getAction(t.id, a.id)).rejects.toBeInstanceOf(ConfigError);
    await expect(wrong.listActions(t.id)).rejects.toBeInstanceOf(ConfigError);
    await expect(wrong.getSettings(t.id)).rejects.toBeInstanceOf(ConfigError);
    expect(await wrong.getTenant(t.id)).toEqual(t); // what is not secret still reads
    await wrong.close();

    const right = await openStore({ DATA_DIR: dir, MONGODB_URI: undefined, ENCRYPTION_KEY: key });
    expect((await right.getAction(t.id, a.id))?.auth).toEqual({ type: 'bearer', token: 'tok-lookup_order-s3cret' });
    await right.close();
    expect(() => new SecretBox(randomBytes(16))).toThrow(ConfigError);
  });

  test('without ENCRYPTION_KEY the key is generated once into DATA_DIR with mode 0600 and reused', async () => {
    const store = await openStore({ DATA_DIR: dir, MONGODB_URI: undefined, ENCRYPTION_KEY: undefined });
    const file = path.join(dir, 'encryption-key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const key = loadOrCreateKey(dir, undefined);
    expect(key).toHaveLength(32);
    expect(loadOrCreateKey(dir, undefined).equals(key)).toBe(true);
    const t = await store.createTenant('acme', 'hash');
    const a = await store.createAction(t.id, actionSpec('lookup_order'), auditInput('action', 'create'));
    await store.close();
    // A restart reads the same key back.
    const again = await openStore({ DATA_DIR: dir, MONGODB_URI: undefined, ENCRYPTION_KEY: undefined });
    expect((await again.getAction(t.id, a.id))?.auth).toEqual({ type: 'bearer', token: 'tok-lookup_order-s3cret' });
    await again.close();
    // A fresh directory (even a nested, missing one) gets its own 0600 key.
    const nested = path.join(dir, 'a', 'b');
    const other = loadOrCreateKey(nested, undefined);
    expect(other.equals(key)).toBe(false);
    expect(fs.statSync(path.join(nested, 'encryption-key')).mode & 0o777).toBe(0o600);
  });

  test('two stores on one DATA_DIR see each other and never claim the same item', async () => {
    const box = new SecretBox(randomBytes(32));
    const one = openSqliteStore(dir, box);
    const two = openSqliteStore(dir, box);
    try {
      const t = await one.createTenant('acme', 'hash');
      expect(await two.getTenant(t.id)).toEqual(t);
      const N = 30;
      for (let i = 0; i < N; i++) await (i % 2 ? one : two).enqueue({ tenantId: t.id, source: 'intercom', dedupeKey: `d${i}`, conversationKey: `k${i % 3}`, payload: { i } });
      expect(await two.enqueue({ tenantId: t.id, source: 'intercom', dedupeKey: 'd0', conversationKey: 'k0', payload: {} })).toBe(false);
      const first = (await one.claim('p1', 10_000))!;
      expect(await two.complete(first.id, 'p2')).toBe(false);
      const second = (await two.claim('p2', 10_000))!;
      expect(second.conversationKey).not.toBe(first.conversationKey);
      expect(await one.complete(first.id, 'p1')).toBe(true);
      expect(await one.complete(second.id, 'p2')).toBe(true); // a lease taken through one connection is honoured by the other

      const seen = new Map<string, string>();
      let dupes = 0;
      const drain = async (store: Store, owner: string) => {
        for (let idle = 0; idle < 50; ) {
          const it = await store.claim(owner, 10_000);
          if (!it) {
            idle++;
            await new Promise((r) => setTimeout(r, 2));
            continue;
          }
          if (seen.has(it.id)) dupes++;
          seen.set(it.id, owner);
          await new Promise((r) => setImmediate(r));
          expect(await store.complete(it.id, owner)).toBe(true);
        }
      };
      await Promise.all([drain(one, 'p1'), drain(two, 'p2'), drain(one, 'p3'), drain(two, 'p4')]);
      expect(dupes).toBe(0);
      expect(seen.size).toBe(N - 2);
      expect(new Set(seen.values()).size).toBeGreaterThan(1);
      expect(await two.inboxCounts()).toEqual({ pending: 0, leased: 0, done: N, dead: 0 });
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('a proposal transition through two connections: one wins', async () => {
    const box = new SecretBox(randomBytes(32));
    const one = openSqliteStore(dir, box);
    const two = openSqliteStore(dir, box);
    try {
      const t = await one.createTenant('acme', 'hash');
      const p = proposal(t.id, randomUUID(), { status: 'confirmed' });
      await one.createProposal(p);
      const r = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).transitionProposal(t.id, p.id, ['confirmed'], 'running')));
      expect(r.filter(Boolean)).toHaveLength(1);
      expect((await two.getProposal(t.id, p.id))?.status).toBe('running');
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('two OS processes on one DATA_DIR drain the inbox without doing an item twice', async () => {
    const key = newKey();
    const store = openSqliteStore(dir, new SecretBox(Buffer.from(key, 'base64')));
    const t = await store.createTenant('acme', 'hash');
    const N = 150;
    for (let i = 0; i < N; i++) await store.enqueue({ tenantId: t.id, source: 'zendesk', dedupeKey: `d${i}`, conversationKey: `k${i}`, payload: { i } });
    const script = path.join(__dirname, 'fixtures', 'claim-worker.ts');
    const start = (owner: string) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        env: { ...process.env, OWNER: owner, DATA_DIR: dir, ENCRYPTION_KEY: key },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => out.includes('ready\n') && resolve());
        child.on('exit', () => reject(new Error(`worker ${owner} exited early: ${err}`)));
      });
      const done = new Promise<string[]>((resolve, reject) =>
        child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.split('\n')[1]!) as string[]) : reject(new Error(`worker ${owner}: ${code} ${err}`)))),
      );
      done.catch(() => undefined);
      return { child, ready, done };
    };
    const workers = [start('proc-1'), start('proc-2')];
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin.end('go\n');
    const [a, b] = await Promise.all(workers.map((w) => w.done));
    expect(a!.length).toBeGreaterThan(0);
    expect(b!.length).toBeGreaterThan(0);
    expect(a!.length + b!.length).toBe(N);
    expect(new Set([...a!, ...b!]).size).toBe(N);
    expect(await store.inboxCounts()).toEqual({ pending: 0, leased: 0, done: N, dead: 0 });
    await store.close();
  });
});
