import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent as HttpAgent, request } from 'undici';
import { benchEnv, LOOKUP_ORDER, MESSAGE } from './our-server';
import { startRemote } from './remote';
import { load, table } from './stats';

const CONVERSATIONS = 10_000;
const CONCURRENCY = 50;
const IDLE_MS = 15_000;
/** On a loaded machine the 10,000 stop early (and the table says how many were made): the whole bench stays bounded. */
const BUDGET_MS = 150_000;

interface Usage {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(message);
  });
}

/**
 * Memory of the server process (its own process: RSS is its own): after boot, after 10,000
 * one-turn conversations (two model rounds and a call each, c=50), and after idling 15 s.
 * Each figure before and after a full GC.
 */
export async function benchMemory(): Promise<void> {
  const remote = await startRemote();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-mem-'));
  const child = fork(path.join(__dirname, 'memory-server.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, ...benchEnv(remote, dataDir) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const client = new HttpAgent({ connections: 64, keepAliveTimeout: 60_000 });
  const rows: (string | number)[][] = [];
  const mb = (b: number) => (b / 1048576).toFixed(1);
  const record = async (when: string) => {
    const m = await ask<{ before: Usage; afterGc: Usage }>(child, 'mem');
    rows.push([when, mb(m.before.rss), mb(m.before.heapUsed), mb(m.afterGc.rss), mb(m.afterGc.heapUsed), mb(m.afterGc.heapTotal), mb(m.afterGc.external)]);
  };
  try {
    const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { url: string; token: string }));
      child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    });
    const post = async (p: string, body: unknown) => {
      const res = await request(url + p, { dispatcher: client, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.body.json()) as Record<string, unknown>;
      if (res.statusCode >= 300) throw new Error(`${p}: ${res.statusCode} ${JSON.stringify(json)}`);
      return json;
    };
    await post('/v1/actions', { ...LOOKUP_ORDER, url: `${remote.apiBase}/orders/{{order_number}}` });
    await record('after boot');
    let n = 0;
    const turn = async () => {
      const r = await post('/v1/conversations', { customer: { id: `c-${n++}`, verified: false }, message: MESSAGE });
      if (!String(r.reply).includes('shipped')) throw new Error(`unexpected turn: ${JSON.stringify(r)}`);
    };
    const t0 = performance.now();
    let made = 0;
    while (made < CONVERSATIONS && performance.now() - t0 < BUDGET_MS) {
      await load(turn, 1000, CONCURRENCY);
      made += 1000;
    }
    const elapsed = (performance.now() - t0) / 1000;
    await record(`after ${made} conversations`);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    await record(`after idling ${IDLE_MS / 1000} s`);
    const dbBytes = fs.readdirSync(dataDir).reduce((t, f) => t + fs.statSync(path.join(dataDir, f)).size, 0);
    table(['server process', 'RSS MB', 'heap used MB', 'RSS after GC', 'heap used after GC', 'heap total after GC', 'external after GC'], rows);
    console.log(`${made} conversations${made < CONVERSATIONS ? ` (of ${CONVERSATIONS}: time budget reached)` : ''} at c=${CONCURRENCY} in ${elapsed.toFixed(1)} s (${(made / elapsed).toFixed(0)} turns/s); DATA_DIR ${mb(dbBytes)} MB`);
  } finally {
    await client.close();
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
    await remote.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchMemory().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
