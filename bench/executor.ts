import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { ActionInput } from '../shared/action';
import { ActionExecutor } from '../server/src/actions';

const N = 2000;
/** JIT tiers settle after a few thousand calls; measuring earlier mostly measures the compiler. */
const WARMUP = 3000;
const TOKEN = 'sk_bench_0123456789abcdef';

/** p-th percentile (0..100) of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * The executor's overhead against a bare undici request on a loopback keep-alive JSON
 * server: the same URL and headers, calls interleaved after a warm-up, p50 and p99 of each.
 * Target: executor p50 <= 1.2 x undici.request p50. Also shown: undici's Dispatcher API
 * (agent.request with origin and path), which the executor uses, as the floor.
 */
export async function benchExecutor(): Promise<void> {
  const payload = JSON.stringify({
    id: 'ORD-12345',
    status: 'shipped',
    tracking: '1Z999AA10123456784',
    eta: '2025-06-01',
    customer: { name: 'Jo Doe', email: 'jo@example.com' },
    items: Array.from({ length: 5 }, (_, i) => ({ sku: `SKU-${i}`, name: `Item ${i}`, qty: i + 1, price: 9.99 })),
  });
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const endpoint = ActionInput.parse({
    name: 'lookup_order',
    description: 'Look up an order by its number',
    method: 'GET',
    url: `${base}/orders/{{order_number}}`,
    auth: { type: 'bearer', token: TOKEN },
    variables: [{ name: 'order_number', type: 'string', description: 'The order number' }],
    response: { fields: ['status', 'tracking'], maxChars: 4000 },
  });
  const executor = new ActionExecutor({ allowedPrivateHosts: ['127.0.0.1'] });
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const context = { contact: {} };
  const rawUrl = `${base}/orders/ORD-12345`;

  const viaExecutor = async () => {
    const r = await executor.execute(endpoint, { order_number: 'ORD-12345' }, context);
    if (!r.ok) throw new Error(`executor failed: ${r.error?.type} ${r.error?.message}`);
  };
  // The same request on the wire as the executor sends, so only the engine's work differs.
  const rawHeaders = {
    authorization: `Bearer ${TOKEN}`,
    accept: 'application/json, text/plain;q=0.9, */*;q=0.8',
    'user-agent': 'helpdesk-actions/0.1',
  };
  const viaUndici = async () => {
    const res = await request(rawUrl, { dispatcher: agent, headers: rawHeaders });
    await res.body.json();
  };
  // The floor: the Dispatcher API the executor itself uses, without undici.request's URL parsing.
  const rawPath = '/orders/ORD-12345';
  const viaDispatcher = async () => {
    const res = await agent.request({ origin: base, path: rawPath, method: 'GET', headers: rawHeaders });
    await res.body.json();
  };

  try {
    const variants = [viaExecutor, viaUndici, viaDispatcher];
    for (let i = 0; i < WARMUP; i++) for (const fn of variants) await fn();
    const times = variants.map((): number[] => []);
    for (let i = 0; i < N; i++) {
      // Rotate the order so that none always runs first (or right after another).
      for (let k = 0; k < variants.length; k++) {
        const v = (i + k) % variants.length;
        const t0 = performance.now();
        await variants[v]!();
        times[v]!.push(performance.now() - t0);
      }
    }
    for (const t of times) t.sort((a, b) => a - b);
    const [exec, raw, floor] = times as [number[], number[], number[]];
    const e50 = percentile(exec, 50);
    const r50 = percentile(raw, 50);
    const fmt = (ms: number) => `${(ms * 1000).toFixed(0).padStart(4)} µs`;
    const line = (name: string, t: number[]) => console.log(`${name.padEnd(26)} p50 ${fmt(percentile(t, 50))}  p99 ${fmt(percentile(t, 99))}  (N=${N})`);
    line('executor.execute', exec);
    line('undici.request + json', raw);
    line('agent.request + json', floor);
    console.log(`p50 ratio executor / undici.request: ${(e50 / r50).toFixed(2)} (target <= 1.20)`);
    console.log(`p50 ratio executor / agent.request:  ${(e50 / percentile(floor, 50)).toFixed(2)} (informational)`);
  } finally {
    await executor.close();
    await agent.close();
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }
}
