import { Worker } from 'node:worker_threads';

/** The model name the scripted model answers as. */
export const MODEL = 'scripted-model';

/**
 * The other side of the wire, in a worker thread so that its CPU is not charged to what is
 * measured: a scripted chat-completions model (round 1: a `lookup_order` tool call, round 2:
 * a text reply, told apart by the presence of a tool message; `delayMs` holds each answer
 * back) and the customer's order API. It measures the `tools` each model request carried,
 * between `countTools(true)` and `countTools(false)`.
 */
const SOURCE = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const delayMs = workerData.delayMs || 0;
const order = JSON.stringify({ id: 'A-1', status: 'shipped', tracking: '1Z999AA10123456784', eta: '2030-01-02',
  items: [{ sku: 'SKU-1', qty: 1 }, { sku: 'SKU-2', qty: 2 }] });
let n = 0;
// Counting re-serializes each request's tools: off unless asked, so that it is not timed.
let counting = false;
let tools = { requests: 0, chars: 0, count: 0, maxChars: 0 };
function completion(model, message, finish) {
  return JSON.stringify({ id: 'chatcmpl-' + (++n), object: 'chat.completion', created: 1700000000, model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 } });
}
const model = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const parsed = JSON.parse(body);
    if (counting) {
      const t = parsed.tools ? JSON.stringify(parsed.tools).length : 0;
      tools.requests++; tools.chars += t; tools.count += parsed.tools ? parsed.tools.length : 0; tools.maxChars = Math.max(tools.maxChars, t);
    }
    const text = body.includes('"role":"tool"') || workerData.textOnly
      ? completion(parsed.model, { role: 'assistant', content: 'Your order A-1 has shipped and arrives on 2030-01-02.' }, 'stop')
      : completion(parsed.model, { role: 'assistant', content: null, tool_calls: [{ id: 'call_' + n, type: 'function',
          function: { name: 'lookup_order', arguments: '{"order_number":"A-1"}' } }] }, 'tool_calls');
    const send = () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (delayMs) setTimeout(send, delayMs); else send();
  });
});
const api = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(order) });
    res.end(order);
  });
});
for (const s of [model, api]) s.keepAliveTimeout = 60000;
let up = 0;
const ready = () => { if (++up === 2) parentPort.postMessage({ model: model.address().port, api: api.address().port }); };
model.listen(0, '127.0.0.1', ready);
api.listen(0, '127.0.0.1', ready);
parentPort.on('message', (m) => {
  if (m === 'count-on' || m === 'count-off') { counting = m === 'count-on'; parentPort.postMessage({ counting }); return; }
  if (m === 'tools') { parentPort.postMessage({ tools }); tools = { requests: 0, chars: 0, count: 0, maxChars: 0 }; return; }
  model.close(); api.close(); model.closeAllConnections(); api.closeAllConnections(); parentPort.close();
});
`;

/** What the model requests carried in `tools` since the last read. */
export interface ToolTraffic {
  requests: number;
  /** JSON characters of `tools`, summed over the requests. */
  chars: number;
  /** Tool definitions, summed over the requests. */
  count: number;
  maxChars: number;
}

export interface Remote {
  modelUrl: string;
  apiBase: string;
  /** Reads and resets the tool traffic counters. */
  toolTraffic(): Promise<ToolTraffic>;
  /** Starts or stops counting the tools of model requests (it costs the model time: off while timing). */
  countTools(on: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the scripted model and the order API in a worker thread. */
export async function startRemote(opts: { delayMs?: number; textOnly?: boolean } = {}): Promise<Remote> {
  const worker = new Worker(SOURCE, { eval: true, workerData: opts });
  const ports = await new Promise<{ model: number; api: number }>((resolve) => worker.once('message', resolve));
  return {
    modelUrl: `http://127.0.0.1:${ports.model}/v1`,
    apiBase: `http://127.0.0.1:${ports.api}`,
    toolTraffic: () =>
      new Promise((resolve) => {
        worker.once('message', (m: { tools: ToolTraffic }) => resolve(m.tools));
        worker.postMessage('tools');
      }),
    countTools: (on) =>
      new Promise((resolve) => {
        worker.once('message', () => resolve());
        worker.postMessage(on ? 'count-on' : 'count-off');
      }),
    async stop() {
      worker.postMessage('stop');
      await worker.terminate();
    },
  };
}
