import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the stand-in backend saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A canned answer: status and JSON body. */
export interface Canned {
  status: number;
  body: unknown;
}

/**
 * What the backend answers. `get` is a queue: each GET takes the next answer and the last one
 * stays, so a test can script "drafting, then ready".
 */
export interface Scenario {
  get: Canned[];
  post?: Canned;
  run?: (proposalId: string) => Canned;
  decline?: (proposalId: string) => Canned;
}

/** The stand-in backend: the sidebar's routes from the contract, on 127.0.0.1. */
export interface StandInBackend {
  url: string;
  token: string;
  requests: RecordedRequest[];
  use(scenario: Scenario): void;
  close(): Promise<void>;
}

const DRAFT_ROUTE = /^\/zendesk\/tickets\/([^/]+)\/draft$/;
const RUN_ROUTE = /^\/zendesk\/tickets\/([^/]+)\/proposals\/([^/]+)\/run$/;
const DECLINE_ROUTE = /^\/zendesk\/tickets\/([^/]+)\/proposals\/([^/]+)\/decline$/;

function send(res: http.ServerResponse, canned: Canned): void {
  res.writeHead(canned.status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(canned.body));
}

function errorBody(code: string, message: string): unknown {
  return { error: { code, message } };
}

/** Starts the backend on an ephemeral port; answers 401 unless `Authorization: Bearer <token>`. */
export async function startStandInBackend(token: string): Promise<StandInBackend> {
  const requests: RecordedRequest[] = [];
  let scenario: Scenario = { get: [] };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      // Zendesk's proxy calls the backend server-side; in the test the page fetches it
      // directly, so the stand-in has to allow the cross-origin call.
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return;
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        send(res, { status: 401, body: errorBody('unauthorized', 'Invalid token') });
        return;
      }
      const path = (req.url ?? '').split('?')[0] ?? '';
      const run = RUN_ROUTE.exec(path);
      const decline = DECLINE_ROUTE.exec(path);
      if (DRAFT_ROUTE.test(path) && req.method === 'GET') {
        const next = scenario.get.length > 1 ? scenario.get.shift() : scenario.get[0];
        send(res, next ?? { status: 500, body: errorBody('internal', 'no canned GET') });
      } else if (DRAFT_ROUTE.test(path) && req.method === 'POST') {
        send(res, scenario.post ?? { status: 500, body: errorBody('internal', 'no canned POST') });
      } else if (run && req.method === 'POST' && scenario.run) {
        send(res, scenario.run(decodeURIComponent(run[2] ?? '')));
      } else if (decline && req.method === 'POST' && scenario.decline) {
        send(res, scenario.decline(decodeURIComponent(decline[2] ?? '')));
      } else {
        send(res, { status: 404, body: errorBody('not_found', 'Not found') });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    use(next) {
      scenario = { ...next, get: [...next.get] };
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
