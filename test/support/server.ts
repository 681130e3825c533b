import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startServer, type RunningServer, type StartOptions } from '../../server/src/app/start';

/** A real server on 127.0.0.1 on a fresh temp DATA_DIR; its logs are captured for leak checks. */
export async function startTestServer(env: Record<string, string> = {}, opts: Omit<StartOptions, 'env' | 'logDestination'> = {}) {
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hda-'));
  const logs: string[] = [];
  const dest = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const server: RunningServer = await startServer({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
      ...env,
    },
    logDestination: dest as unknown as import('pino').DestinationStream,
    retryBaseMs: 10,
    ...opts,
  });
  const token = server.bootstrapToken ?? fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  return { server, url: server.url, token, dataDir, logs, close: () => server.close() };
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/** JSON over real HTTP with the tenant token. */
export async function api(base: string, token: string | null, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + p, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, body: json, text, headers: res.headers };
}
