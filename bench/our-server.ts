import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent as HttpAgent, request } from 'undici';
import { startServer, type RunningServer } from '../server/src/app/start';
import { MODEL, type Remote } from './remote';

/** The action every benchmark's scripted model calls. */
export const LOOKUP_ORDER = {
  name: 'lookup_order',
  description: 'Look up an order when the customer asks where it is',
  method: 'GET',
  auth: { type: 'bearer', token: 'sk_live_bench_0123456789' },
  variables: [{ name: 'order_number', type: 'string' as const, description: 'The order number', example: 'A-1' }],
  response: { fields: ['status', 'tracking', 'eta'], maxChars: 4000 },
};

export const MESSAGE = 'Where is my order A-1?';

/** The environment of a benchmarked server: loopback, silent, the remote's model. */
export function benchEnv(remote: Remote, dataDir: string): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: remote.modelUrl,
    OPENAI_MODEL: MODEL,
    ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
  };
}

/** Our server on a fresh DATA_DIR, pointed at the remote; `post` speaks JSON with the admin token over a keep-alive pool. */
export async function startOurServer(remote: Remote, env: Record<string, string> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const server: RunningServer = await startServer({ env: { ...benchEnv(remote, dataDir), ...env } });
  const token = server.bootstrapToken!;
  const client = new HttpAgent({ connections: 64, keepAliveTimeout: 60_000 });
  const post = async (p: string, body: unknown, as = token) => {
    const res = await request(server.url + p, {
      dispatcher: client,
      method: 'POST',
      headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.body.json()) as Record<string, unknown>;
    if (res.statusCode >= 300) throw new Error(`${p}: ${res.statusCode} ${JSON.stringify(json)}`);
    return json;
  };
  /** One turn: POST /v1/conversations, two model rounds and one call; throws unless the reply is the scripted one. */
  const turn = async (as = token) => {
    const r = await post('/v1/conversations', { customer: { id: 'c-1', verified: false }, message: MESSAGE }, as);
    if (r.fallback || !String(r.reply).includes('shipped')) throw new Error(`unexpected turn: ${JSON.stringify(r)}`);
  };
  return {
    server,
    token,
    post,
    turn,
    async close() {
      await client.close();
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
