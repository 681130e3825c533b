import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the stand-in customer API received. */
export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The order the stand-in knows, with a field the AI should not see (internal). */
export function orderBody(n: string) {
  return {
    order: { number: n, status: 'shipped', tracking: '1Z999AA10123456784', eta: '2030-01-02', items: [{ name: 'Blue mug', qty: 2 }] },
    internal: { margin: 0.41 },
  };
}

/** The customer's own API on loopback: orders by number, customers by email; records every request. */
export async function startCustomerApi() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req-42' }).end(JSON.stringify(body));
      const order = /^\/orders\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && order) return send(200, orderBody(decodeURIComponent(order[1]!)));
      const cancel = /^\/orders\/([^/]+)\/cancel$/.exec(url.pathname);
      if (req.method === 'POST' && cancel) return send(200, { order: { number: decodeURIComponent(cancel[1]!), status: 'cancelled' } });
      if (req.method === 'GET' && url.pathname === '/customers') {
        return send(200, { customer: { email: url.searchParams.get('email'), plan: 'Pro yearly', orders: 3 } });
      }
      send(404, { error: 'no such resource' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    last: () => received[received.length - 1],
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
