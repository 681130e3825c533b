import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionInput, type ActionContext } from '../../shared/action';
import type { Endpoint } from '../../server/src/actions';

/** What a stand-in server saw of one request. */
export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface StandIn {
  /** `http://127.0.0.1:<port>` */
  base: string;
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

/** A local API stand-in on 127.0.0.1:0 that records every request before answering. */
export async function standIn(handler: (req: Seen, res: http.ServerResponse) => void): Promise<StandIn> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers JSON. */
export function json(res: http.ServerResponse, status: number, data: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(data);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** An endpoint as the admin API would store it: validated by the shared schema, defaults filled. */
export function action(fields: Record<string, unknown>): Endpoint {
  return ActionInput.parse({ name: 'test_action', description: 'An action used by the tests', method: 'GET', ...fields });
}

export const context: ActionContext = { contact: { email: 'jo@example.com', first_name: 'Jo' }, channel: 'api', conversation_id: 'c1' };
