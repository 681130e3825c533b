import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CUSTOMERS, ORDERS, type Order } from './data';

/**
 * A small retail API (customers, orders, returns, accounts) on loopback, for the demo, the
 * retail scenario suite and its tests. Every order lookup and write is bound to the
 * customer's email, which the actions fill from the helpdesk identity ({{contact.email}}),
 * not from the model: asking for someone else's order answers 404.
 *
 * Writes go to an overlay per conversation (header X-Conversation-Id), so scenarios and
 * their trials never see each other's cancellations and can run in any order, in
 * parallel, and again. A write repeated with the same Idempotency-Key is applied once.
 */

/** A write the fixture received, for tests that check what really ran. */
export interface FixtureWrite {
  method: string;
  path: string;
  conversationId: string | null;
  idempotencyKey: string | null;
  body: unknown;
  status: number;
}

export interface RetailApiOptions {
  /** Value the X-Api-Key header must carry (default: no check). */
  apiKey?: string;
  port?: number;
  host?: string;
}

const MAX_BODY = 64 * 1024;
/** Bounds the memory of a long-running demo. */
const MAX_OVERLAYS = 10_000;

type Answer = { status: number; body: unknown };

export async function startRetailApi(opts: RetailApiOptions = {}) {
  const overlays = new Map<string, Map<string, Order>>();
  const replays = new Map<string, Answer>();
  const writes: FixtureWrite[] = [];
  const requests: { method: string; path: string; conversationId: string | null }[] = [];

  const ordersOf = (conversation: string | null): Map<string, Order> => {
    const key = conversation ?? '';
    let m = overlays.get(key);
    if (!m) {
      if (overlays.size >= MAX_OVERLAYS) overlays.delete(overlays.keys().next().value!);
      m = new Map(ORDERS.map((o) => [o.order_id, structuredClone(o)]));
      overlays.set(key, m);
    }
    return m;
  };

  const route = (method: string, url: URL, body: unknown, conversation: string | null): Answer => {
    const email = (url.searchParams.get('email') ?? (body as { email?: string } | null)?.email ?? '').toLowerCase();
    const customer = CUSTOMERS.find((c) => c.email === email);
    const p = url.pathname;
    if (method === 'GET' && p === '/customers/verify') {
      const zip = url.searchParams.get('zip') ?? '';
      if (!email || !zip) return { status: 400, body: { error: 'email and zip are required' } };
      if (!customer || customer.zip !== zip.trim()) return { status: 401, body: { verified: false, error: 'the zip code does not match this customer' } };
      return { status: 200, body: { verified: true, customer_id: customer.customer_id, name: customer.name } };
    }
    if (method === 'GET' && p === '/users/profile') {
      if (!customer) return { status: 404, body: { error: 'no such customer' } };
      return { status: 200, body: { name: customer.name, tier: customer.tier, member_since: customer.member_since } };
    }
    if (method === 'GET' && p === '/account') {
      if (!customer) return { status: 404, body: { error: 'no such customer' } };
      const orders = [...ordersOf(conversation).values()].filter((o) => o.email === email).map((o) => ({ order_id: o.order_id, status: o.status }));
      const { zip: _zip, ...account } = customer;
      return { status: 200, body: { ...account, store_credit: `${customer.store_credit.toFixed(2)} USD`, orders } };
    }
    const m = /^\/orders\/([A-Za-z0-9-]{1,40})(\/cancel|\/returns)?$/.exec(p);
    if (!m) return { status: 404, body: { error: 'no such route' } };
    const orders = ordersOf(conversation);
    const order = orders.get(m[1]!.toUpperCase());
    // Someone else's order is indistinguishable from a missing one.
    if (!order || !email || order.email !== email) return { status: 404, body: { error: `no order ${m[1]} on this account` } };
    if (method === 'GET' && !m[2]) return { status: 200, body: view(order) };
    if (method === 'POST' && m[2] === '/cancel') {
      const reason = (body as { reason?: string } | null)?.reason;
      if (reason !== 'no longer needed' && reason !== 'ordered by mistake') return { status: 400, body: { error: 'reason must be "no longer needed" or "ordered by mistake"' } };
      if (order.status !== 'pending') return { status: 409, body: { error: `only pending orders can be cancelled; this one is ${order.status}` } };
      order.status = 'cancelled';
      for (const i of order.items) i.status = 'cancelled';
      return { status: 200, body: { order_id: order.order_id, status: 'cancelled', refund: { amount: total(order), method: 'original payment method' } } };
    }
    if (method === 'POST' && m[2] === '/returns') {
      const ids = (body as { item_ids?: unknown } | null)?.item_ids;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20) return { status: 400, body: { error: 'item_ids must be a non-empty list' } };
      if (order.status !== 'delivered') return { status: 409, body: { error: `only delivered orders can be returned; this one is ${order.status}` } };
      const items = ids.map((id) => order.items.find((i) => i.item_id === String(id).toUpperCase()));
      if (items.some((i) => !i || i.status !== 'delivered')) return { status: 422, body: { error: 'unknown or already returned item id' } };
      for (const i of items) i!.status = 'return requested';
      const refund = items.reduce((s, i) => s + i!.price, 0);
      return {
        status: 201,
        body: { return_id: `R-${order.order_id}-${writes.length + 1}`, order_id: order.order_id, items: items.map((i) => i!.name), status: 'return requested', refund_amount: `${refund.toFixed(2)} USD` },
      };
    }
    return { status: 405, body: { error: 'method not allowed' } };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const send = (a: Answer) => {
        const text = JSON.stringify(a.body);
        res.writeHead(a.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      };
      if (opts.apiKey && req.headers['x-api-key'] !== opts.apiKey) return send({ status: 401, body: { error: 'missing or wrong X-Api-Key' } });
      let body: unknown = null;
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          return send({ status: 400, body: { error: 'body is not JSON' } });
        }
      }
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://fixture');
      const conversation = header(req, 'x-conversation-id');
      const idem = header(req, 'idempotency-key');
      const replayKey = idem ? `${method} ${url.pathname} ${idem}` : null;
      const replay = replayKey ? replays.get(replayKey) : undefined;
      if (replay) return send(replay);
      if (requests.length < MAX_OVERLAYS) requests.push({ method, path: url.pathname, conversationId: conversation });
      const answer = route(method, url, body, conversation);
      if (method !== 'GET') {
        writes.push({ method, path: url.pathname, conversationId: conversation, idempotencyKey: idem, body, status: answer.status });
        if (replayKey && replays.size < MAX_OVERLAYS) replays.set(replayKey, answer);
      }
      send(answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${addr.port}`,
    /** Every write received, in order. */
    writes,
    /** Every request received (the first 10 000), in order. */
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export type RetailApi = Awaited<ReturnType<typeof startRetailApi>>;

function header(req: http.IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' && v ? v.slice(0, 200) : null;
}

function total(o: Order): string {
  return `${o.items.reduce((s, i) => s + i.price, 0).toFixed(2)} USD`;
}

function view(o: Order) {
  const { email: _email, ...rest } = o;
  return { ...rest, total: total(o) };
}
