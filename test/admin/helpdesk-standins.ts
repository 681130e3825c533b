import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request a stand-in received. */
export interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
}

async function listen(handler: (req: http.IncomingMessage, send: (status: number, body: unknown) => void) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
      handler(req, (status, body) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Zendesk's API as far as the connection test reads it: `GET /api/v2/users/me.json` with email/token basic auth. */
export function startZendeskStandIn(email: string, apiToken: string) {
  const good = `Basic ${Buffer.from(`${email}/token:${apiToken}`).toString('base64')}`;
  return listen((req, send) => {
    if (req.method !== 'GET' || req.url !== '/api/v2/users/me.json') return send(404, { error: 'InvalidEndpoint' });
    if (req.headers.authorization !== good) return send(401, { error: "Couldn't authenticate you" });
    send(200, { user: { id: 9001, name: 'Agent Smith', email, role: 'admin' } });
  });
}

/** Intercom's API as far as the connection test reads it: `GET /me` (the app id) and `GET /admins`. */
export function startIntercomStandIn(token: string, appId: string) {
  const admins = [
    { type: 'admin', id: '5001', name: 'Ada Support', email: 'ada@acme.test' },
    { type: 'admin', id: '5002', name: 'Grace Billing', email: 'grace@acme.test' },
  ];
  return listen((req, send) => {
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
    if (req.method === 'GET' && req.url === '/me') return send(200, { ...admins[0], app: { type: 'app', id_code: appId, name: 'Acme' } });
    if (req.method === 'GET' && req.url?.startsWith('/admins')) return send(200, { type: 'admin.list', admins });
    send(404, { type: 'error.list', errors: [{ code: 'not_found', message: 'Resource Not Found' }] });
  });
}
