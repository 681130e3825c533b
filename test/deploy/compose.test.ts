import { parse } from 'yaml';
import { SECRET_NAME, parseDockerfile, readRepoFile } from './dockerfile';

/*
 * compose.yaml, parsed (no Docker engine here): the server on a single-node MongoDB replica set,
 * initiated by a one-shot service, with its secrets from the environment only.
 */
type Service = {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number };
  ports?: string[];
  volumes?: string[];
  restart?: string;
};
const doc = parse(readRepoFile('compose.yaml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { mongo, server } = doc.services;
const init = doc.services['mongo-init'];
const cmd = (s: Service | undefined) => (Array.isArray(s?.command) ? s.command.join(' ') : (s?.command ?? ''));

test('three services: mongo, its one-shot init, the server built from the Dockerfile', () => {
  expect(Object.keys(doc.services).sort()).toEqual(['mongo', 'mongo-init', 'server']);
  expect(server!.build).toBe('.');
});

test('mongo: mongo:7 as replica set rs0, a health check, its data on a named volume, its port on loopback only', () => {
  expect(mongo!.image).toBe('mongo:7');
  expect(mongo!.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
  expect(mongo!.healthcheck?.test[0]).toBe('CMD');
  expect(mongo!.healthcheck?.test.join(' ')).toMatch(/mongosh .*ping/);
  expect(mongo!.healthcheck?.timeout).toBeDefined();
  const vol = mongo!.volumes!.find((v) => v.endsWith(':/data/db'))!;
  expect(Object.keys(doc.volumes)).toContain(vol.split(':')[0]);
  for (const p of mongo!.ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:/);
});

test('mongo-init: runs once after mongo is healthy, initiates rs0 idempotently and waits (bounded) for a primary', () => {
  expect(init!.image).toBe('mongo:7');
  expect(init!.restart).toBe('no');
  expect(init!.depends_on).toEqual({ mongo: { condition: 'service_healthy' } });
  const c = cmd(init);
  expect(c).toMatch(/^mongosh /);
  expect(c).toContain("rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: 'mongo:27017' }] })");
  expect(c).toMatch(/try \{ rs\.status\(\); \} catch/);
  expect(c).toMatch(/for \(let i = 0; i < \d+ && !db\.hello\(\)\.isWritablePrimary; i\+\+\)/);
  expect(c).toContain('quit(1)');
});

test('server: starts after the replica set is ready, connects with replicaSet=rs0, health check from the image', () => {
  expect(server!.depends_on).toEqual({ mongo: { condition: 'service_healthy' }, 'mongo-init': { condition: 'service_completed_successfully' } });
  const uri = new URL(server!.environment!.MONGODB_URI!);
  expect(uri.protocol).toBe('mongodb:');
  expect(uri.host).toBe('mongo:27017');
  expect(uri.searchParams.get('replicaSet')).toBe('rs0');
  const healthchecks = parseDockerfile(readRepoFile('Dockerfile')).filter((i) => i.keyword === 'HEALTHCHECK');
  expect(healthchecks.map((h) => h.args)).toEqual([expect.stringContaining('/readyz')]);
  expect(server!.healthcheck).toBeUndefined();
  expect(server!.volumes).toEqual(['server-data:/app/data']);
  expect(Object.keys(doc.volumes)).toContain('server-data');
});

test('no secret is written in the file: ENCRYPTION_KEY is required from the environment, the others optional', () => {
  const env = server!.environment!;
  expect(env.ENCRYPTION_KEY).toMatch(/^\$\{ENCRYPTION_KEY:\?[^}]+\}$/);
  for (const [name, value] of Object.entries(env)) {
    if (SECRET_NAME.test(name)) expect([name, value]).toEqual([name, expect.stringMatching(new RegExp(`^\\$\\{${name}(:[-?][^}]*)?\\}$`))]);
  }
  // Nothing that looks like a key or a password anywhere in the file.
  expect(readRepoFile('compose.yaml')).not.toMatch(/sk-[A-Za-z0-9]{8,}|[A-Za-z0-9+/]{43}=|password\s*[:=]\s*\S/i);
  for (const s of Object.values(doc.services)) expect(s.environment?.MONGO_INITDB_ROOT_PASSWORD).toBeUndefined();
});
